"""Eligibility checks: ask the clearinghouse (or reuse a fresh check), store, feed estimates.

The member id, names and date of birth are PHI: they go to the clearinghouse and into the
stored check, never into a log line or an error message.
"""
import hashlib
import math
import re
import secrets
import uuid
from datetime import date, timedelta

import requests
from flask import current_app
from sqlalchemy import select

from costapi.db import session
from costapi.eligibility import benefits as selection
from costapi.eligibility.client import (
    Clearinghouse,
    ClearinghouseError,
    RateLimited,
    Rejected,
    Settings,
    TimedOut,
)
from costapi.models import EligibilityCheck
from costapi.models.versioned import as_utc, utcnow
from costapi.pricing.money import ZERO, decimal_text
from costapi.pricing.plan_years import anniversary, plan_year_of
from costapi.services.errors import (
    BadGateway,
    GatewayTimeout,
    Invalid,
    NotFound,
    TooManyRequests,
    Unavailable,
)
from costapi.services.payers import payers
from costapi.services.request_rules import MET_TOTALS, met_over_total
from costapi.services.retention import purge_raw

QMB_PAYER_KINDS = ("medicare", "medicaid")  # whose 271 may say QM without a remark
QMB_KEY = "qmb"  # kept in the stored benefits JSON beside the benefits, never part of them
AAA_FIELDS = {"71": ("date_of_birth",), "72": ("member_id",), "73": ("first_name", "last_name"),
              "75": ("member_id",)}


def _payer(code):
    payer = payers.current(code)
    if payer is None or payer.deleted_at is not None:
        raise Invalid.at("payer", f"Unknown payer {code!r}.")
    if not payer.eligibility_payer_id:
        raise Invalid.at("payer",
                         "This payer has no eligibility_payer_id: enter the benefits by hand.")
    return payer


def member_hash(data):
    """Who the check is about (member id, names, date of birth), for finding a fresh check."""
    parts = (data["member_id"], data["first_name"], data["last_name"])
    text = "|".join([*(part.strip().upper() for part in parts), data["date_of_birth"].isoformat()])
    return hashlib.sha256(text.encode()).hexdigest()


def _fresh(payer, data, digest):
    minutes = current_app.config["ELIGIBILITY_REUSE_MINUTES"]
    if minutes <= 0 or data.get("refresh"):
        return None
    return session.scalar(
        select(EligibilityCheck)
        .where(EligibilityCheck.payer_code == payer.code,
               EligibilityCheck.trading_partner_id == payer.eligibility_payer_id,
               EligibilityCheck.member_hash == digest,
               EligibilityCheck.service_type == data["service_type"],
               EligibilityCheck.network == data["network"],
               EligibilityCheck.created_at >= utcnow() - timedelta(minutes=minutes))
        .order_by(EligibilityCheck.created_at.desc()).limit(1))


def _client():
    config = current_app.config
    if not config["ELIGIBILITY_API_URL"]:
        raise Unavailable("Real-time eligibility is not configured (ELIGIBILITY_API_URL is "
                          "unset): enter the benefits by hand.")
    if "eligibility_http" not in current_app.extensions:
        current_app.extensions["eligibility_http"] = requests.Session()
    return Clearinghouse(Settings(
        url=config["ELIGIBILITY_API_URL"], api_key=config["ELIGIBILITY_API_KEY"],
        connect_timeout=config["ELIGIBILITY_CONNECT_TIMEOUT"],
        read_timeout=config["ELIGIBILITY_READ_TIMEOUT"],
        total_timeout=config["ELIGIBILITY_TOTAL_TIMEOUT"],
        max_retries=config["ELIGIBILITY_MAX_RETRIES"],
        backoff=config["ELIGIBILITY_BACKOFF_SECONDS"],
        max_wait=config["ELIGIBILITY_MAX_WAIT_SECONDS"],
    ), current_app.extensions["eligibility_http"])


def request_body(payer, data, control_number):
    """The 270 in the clearinghouse's JSON form (api.md "Eligibility")."""
    config = current_app.config
    types = list(dict.fromkeys((data["service_type"], "30")))
    return {
        "controlNumber": control_number,
        "tradingPartnerServiceId": payer.eligibility_payer_id,
        "provider": {"organizationName": config["CLINIC_NAME"], "npi": config["CLINIC_NPI"]},
        "subscriber": {"memberId": data["member_id"].strip(),
                       "firstName": data["first_name"].strip(),
                       "lastName": data["last_name"].strip(),
                       "dateOfBirth": data["date_of_birth"].strftime("%Y%m%d")},
        "encounter": {"serviceTypeCodes": types},
    }


def redact(text, data):
    """`text` without the member's id, names or date of birth (clearinghouses echo them)."""
    born = data["date_of_birth"]
    for value in (data["member_id"], data["first_name"], data["last_name"], born.isoformat(),
                  born.strftime("%Y%m%d"), born.strftime("%m/%d/%Y")):
        if value.strip():
            text = re.sub(rf"(?<!\w){re.escape(value.strip())}(?!\w)", "***", text,
                          flags=re.IGNORECASE)
    return text


def _failure(error, data):
    reason = redact(error.reason, data)
    if isinstance(error, Rejected) and error.code in AAA_FIELDS:
        names = AAA_FIELDS[error.code]
        return Invalid.at((), {name: [reason] for name in names},
                          f"The payer rejected the check ({reason}): correct "
                          f"{' and '.join(names)} and try again.")
    if isinstance(error, RateLimited):
        seconds = max(math.ceil(error.retry_after or 30), 1)
        return TooManyRequests(f"The clearinghouse is limiting requests ({reason}): try again "
                               f"in {seconds} s.", headers={"Retry-After": str(seconds)})
    later = "Try again later, or enter the benefits by hand."
    if isinstance(error, TimedOut):
        return GatewayTimeout(f"The clearinghouse did not answer in time ({reason}). {later}")
    return BadGateway(f"The clearinghouse gave no usable answer ({reason}). {later}")


def create(data, api_key_id=None):
    """A new check, or a fresh stored one for the same member: (check, reused)."""
    payer = _payer(data["payer"])
    digest = member_hash(data)
    fresh = _fresh(payer, data, digest)
    if fresh is not None:
        return fresh, True
    client = _client()
    control_number = f"{secrets.randbelow(10 ** 9):09d}"
    body = request_body(payer, data, control_number)
    session.commit()  # hold no transaction open during a call of up to a minute
    try:
        answer = client.check(body)
    except ClearinghouseError as error:
        current_app.logger.warning("eligibility check (payer %s, control %s) failed: %s",
                                   payer.code, control_number, type(error).__name__)
        raise _failure(error, data) from None
    checked = utcnow()
    found = selection.select(answer, data["service_type"], data["network"], checked.date())
    warnings = list(found.warnings)
    if found.qmb and payer.kind not in QMB_PAYER_KINDS:
        warnings.append({"code": "eligibility_qmb_other_payer", "message": (
            "The payer's answer marks the member a Qualified Medicare Beneficiary (insurance "
            "type QM): an estimate applies it only with an Original Medicare primary.")})
    check = EligibilityCheck(
        id=str(uuid.uuid4()), created_at=checked, api_key_id=api_key_id, payer_code=payer.code,
        trading_partner_id=payer.eligibility_payer_id, member_id=data["member_id"].strip(),
        member_hash=digest, service_type=data["service_type"], network=data["network"],
        control_number=control_number, status=found.status, plan_name=found.plan_name,
        plan_begin=found.plan_begin, plan_end=found.plan_end,
        benefits={**selection.to_json(found.benefits), QMB_KEY: found.qmb},
        confidence=found.confidence,
        warnings=[{**item, "message": redact(item["message"], data)} for item in warnings],
        prior_authorization=list(found.prior_authorization), raw_answer=answer,
    )
    session.add(check)
    session.commit()
    current_app.logger.info("eligibility check %s: payer %s, %s, %s confidence", check.id,
                            payer.code, check.status, check.confidence)
    return check, False


def get(check_id):
    check = session.get(EligibilityCheck, check_id)
    if check is None:
        raise NotFound(f"No eligibility check {check_id!r}.")
    return check


def _stored_benefits(check):
    """The check's benefits (the estimate request's shape), without its qmb."""
    stored = selection.from_json(check.benefits)
    stored.pop(QMB_KEY, None)
    return stored


def _qmb_of(check):
    """Whether the 271 said QM (a Qualified Medicare Beneficiary); checks stored before the
    reader looked for it: false."""
    return (check.benefits or {}).get(QMB_KEY) is True


def check_qmb(check_id):
    """The qmb of the stored check `check_id` (false for an unknown one: its estimate is
    refused as coverage.eligibility_check anyway)."""
    check = session.get(EligibilityCheck, check_id)
    return check is not None and _qmb_of(check)


def view(check, reused=False):
    """What the API returns of a check (never the member's identity or the raw answer)."""
    return {"id": check.id, "created_at": as_utc(check.created_at), "reused": reused,
            "payer": check.payer_code, "service_type": check.service_type,
            "network": check.network, "status": check.status, "plan_name": check.plan_name,
            "plan_begin": check.plan_begin, "plan_end": check.plan_end,
            "benefits": _stored_benefits(check), "qmb": _qmb_of(check),
            "confidence": check.confidence,
            "warnings": check.warnings,
            "prior_authorization_required": check.prior_authorization}


def purge_raw_answers(days, now=None):
    """Forget raw answers of checks older than `days` (benefits stay); how many were purged."""
    return purge_raw(EligibilityCheck, "raw_answer", days, now)


def _given(benefits, field):
    node = benefits
    for part in (field or "").split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _kept_warnings(warnings, explicit):
    """The check's warnings, less those about figures the request gives itself."""
    kept = [item for item in warnings if not (item.get("field") and _given(explicit,
                                                                             item["field"]))]
    if not any(item["code"] in selection.LOW_CONFIDENCE for item in kept):
        kept = [item for item in kept if item["code"] != "eligibility_low_confidence"]
    return [{"code": item["code"], "message": item["message"]} for item in kept]


def _without_met(benefits):
    return {key: ZERO if key in MET_TOTALS else _without_met(value) if isinstance(value, dict)
            else value for key, value in benefits.items()}


def merge(base, over):
    """`over` on top of `base`, field by field; nested objects merge key by key."""
    merged = dict(base)
    for key, value in over.items():
        merged[key] = (merge(base[key], value) if isinstance(value, dict)
                       and isinstance(base.get(key), dict) else value)
    return merged


def _met_within_totals(benefits, path):
    for key, value in benefits.items():
        if isinstance(value, dict):
            _met_within_totals(value, (*path, key))
    over = met_over_total(benefits)
    if over:
        met_key, total_key = next(iter(over.items()))
        raise Invalid.at((*path, met_key),
                         f"{met_key} may not exceed {total_key} "
                         f"({decimal_text(benefits[total_key])} from the eligibility check).")


def _usable_check(check_id, payer, path):
    """The stored check `<path>.eligibility_check` names, active and for `payer` (None: any
    payer), or a 422 naming that field."""
    check = session.get(EligibilityCheck, check_id)
    problem = None
    if check is None:
        problem = "Unknown eligibility check."
    elif payer is not None and check.payer_code != payer:
        problem = f"The check is for payer {check.payer_code!r}, not {payer!r}."
    elif check.status != "active":
        problem = "The check found the coverage inactive."
    if problem:
        raise Invalid.at((*path, "eligibility_check"), problem)
    return check


def check_payer(check_id, path=("coverage", "secondary")):
    """The payer of the stored check `<path>.eligibility_check` names (a secondary may name
    its payer by its check), or a 422 naming that field."""
    return _usable_check(check_id, None, path).payer_code


PRIMARY_ONLY = ("out_of_network", "pharmacy")  # a secondary's check gives neither (3.7, 3.8)


def _of_secondary(item):
    return not (item.get("field") or "").startswith(PRIMARY_ONLY)


def estimate_benefits(coverage, start_date, path=("coverage",), payer=None,
                      plan_year_start=None, for_secondary=False):
    """The benefits and warnings an estimate gets from `coverage.eligibility_check`.

    `coverage`: the request's object at `path` (the coverage, or `coverage.secondary`), with
    `eligibility_check` and optional explicit `benefits`, which override the check's field by
    field. `payer`: the payer the check must be for (default: `coverage["payer"]`).
    `plan_year_start`: the plan year's start when neither the request nor the check gives
    one (default: January 1 of the start date's year). `for_secondary` (a secondary's
    check): the check's out-of-network and pharmacy benefits (and warnings about them) are
    left out. A check's `pharmacy` terms merge field by field like the other amounts.
    """
    payer = payer or coverage["payer"]
    check = _usable_check(coverage["eligibility_check"], payer, path)
    explicit = coverage.get("benefits") or {}
    stored = _stored_benefits(check)
    warnings = check.warnings
    if for_secondary:
        for key in PRIMARY_ONLY:
            stored.pop(key, None)
        warnings = [item for item in warnings if _of_secondary(item)]
    warnings = _kept_warnings(warnings, explicit)
    plan_year_start = (explicit.get("plan_year_start", stored.get("plan_year_start"))
                       or plan_year_start or date(start_date.year, 1, 1))
    checked = as_utc(check.created_at).date()
    reset = anniversary(plan_year_start, plan_year_of(plan_year_start, start_date))
    if checked < reset <= start_date:
        stored = _without_met(stored)
        warnings.append({"code": "eligibility_plan_year_reset", "date": reset.isoformat(),
                         "message": f"A new plan year starts on {reset.isoformat()}, after the "
                                    f"eligibility check of {checked.isoformat()}: the amounts "
                                    "met so far start again at zero."})
    merged = merge(stored, explicit)
    _met_within_totals(merged, (*path, "benefits"))
    return merged, tuple(warnings)


CONFIRMS_ONLY = ("supplement", "medicaid")
SECONDARY = ("coverage", "secondary")


def secondary_benefits(secondary, start_date, payer, plan_year_start=None):
    """The benefits and warnings the secondary gets from `coverage.secondary.eligibility_check`
    (`payer`: the secondary payer's code, the request's or the check's).

    The check must be for that payer and active, as the primary's (else a 422 naming
    `coverage.secondary.eligibility_check`). For methods `standard` and `non_duplication`
    the stored check's in-network benefits are the secondary's, explicit
    `secondary.benefits` fields overriding them field by field; its plan year defaults to
    the primary's (`plan_year_start`). For `supplement` and `medicaid` the check only
    confirms active coverage: a 271's deductible, coinsurance and copays describe a plan's
    own cost sharing, not a Medigap plan's terms (what it pays of Medicare's cost sharing)
    nor a Medicaid copay per visit; so the benefits stay the request's (None is returned)
    and only the check's warnings that are not about a figure are kept.
    Every warning names the secondary as its `payer`.
    """
    if secondary["method"] in CONFIRMS_ONLY:
        check = _usable_check(secondary["eligibility_check"], payer, SECONDARY)
        benefits = None
        warnings = _kept_warnings([item for item in check.warnings if not item.get("field")], {})
    else:
        benefits, warnings = estimate_benefits(secondary, start_date, SECONDARY, payer,
                                               plan_year_start, for_secondary=True)
    return benefits, tuple({**item, "payer": payer} for item in warnings)
