"""Estimates: compute, store with the rule versions used, retrieve, recalculate, compare."""
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from costapi import pricing
from costapi.db import session
from costapi.models import Estimate, IdempotencyKey
from costapi.models.versioned import as_utc, utcnow
from costapi.services.errors import Conflict, Invalid, NotFound
from costapi.services.estimate_rules import RuleSet, engine_input, load_rules

CLAIM_STALE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Computed:
    """An engine result, the rules it used and warnings from outside the engine."""

    result: pricing.Estimate
    rules: RuleSet
    warnings: tuple = ()


def compute(request, rules=None):
    """Run the engine for a validated request (benefits from its eligibility checks, if any:
    the primary's and the secondary's).

    `rules`: the request's rules when the caller has loaded them already.
    """
    from costapi.services import eligibility

    rules = rules or load_rules(request)
    coverage = request["coverage"]
    benefits, warnings = None, ()
    if coverage.get("eligibility_check"):
        benefits, warnings = eligibility.estimate_benefits(coverage, request["start_date"])
    secondary, secondary_benefits = coverage.get("secondary") or {}, None
    if secondary.get("eligibility_check"):
        primary_start = (benefits or coverage.get("benefits") or {}).get("plan_year_start")
        secondary_benefits, more = eligibility.secondary_benefits(
            secondary, request["start_date"], rules.secondary_payer.value.code, primary_start)
        warnings = (*warnings, *more)
    try:
        return Computed(pricing.estimate(engine_input(
            request, rules, benefits=benefits, secondary_benefits=secondary_benefits)), rules,
            warnings)
    except pricing.PricingError as error:
        raise Invalid.at(error.field, error.message) from None


def _header(estimate_id, created_at, patient_reference, recalculated_from):
    return {
        "id": estimate_id,
        "created_at": created_at and created_at.isoformat().replace("+00:00", "Z"),
        "patient_reference": patient_reference,
        "recalculated_from": recalculated_from,
    }


def body(computed, estimate_id=None, created_at=None, patient_reference=None,
         recalculated_from=None):
    """The response body (api.md "Estimates") as a dict."""
    data = {**_header(estimate_id, created_at, patient_reference, recalculated_from),
            **pricing.as_dict(computed.result)}
    if computed.warnings:
        data["warnings"] = [*data["warnings"], *computed.warnings]
    return data


def to_json(data):
    return orjson.dumps(data, default=str)


def preview(request):
    return to_json(body(compute(request)))


def _request_hash(raw):
    return hashlib.sha256(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)).hexdigest()


def create(request, raw, api_key_id, idempotency=None, recalculated_from=None):
    """Compute and store an estimate; its JSON text. `idempotency`: (key, window, fingerprint).

    A retry with the same key and request returns the first estimate.
    """
    claim = None
    if idempotency and idempotency[0]:
        key, window, fingerprint = idempotency
        claim, stored = _claim(api_key_id, key, fingerprint or _request_hash(raw), window)
        if stored is not None:
            return stored.result
    try:
        return _store(compute(request), request, raw, api_key_id, claim, recalculated_from)
    except Exception:
        if claim is not None:
            _release(claim)
        raise


def _release(claim):
    """Free a claimed key after a failure, so the client's retry is not a 409 (best effort:
    if the database is gone too, the claim is taken over once it is stale)."""
    try:
        session.rollback()
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim))
        session.commit()
    except DBAPIError:
        session.rollback()


def _store(computed, request, raw, api_key_id, claim, recalculated_from):
    patient = request.get("patient") or {}
    estimate = Estimate(id=str(uuid.uuid4()), created_at=utcnow(), plan_code=request["plan"],
                        start_date=request["start_date"],
                        patient_reference=patient.get("reference"), request=raw,
                        rule_versions=computed.rules.versions(),
                        recalculated_from=recalculated_from,
                        api_key_id=api_key_id)
    estimate.result = to_json(body(computed, estimate.id, estimate.created_at,
                                   estimate.patient_reference, recalculated_from)).decode()
    session.add(estimate)
    if claim is not None:
        session.flush()
        session.get(IdempotencyKey, claim).estimate_id = estimate.id
    session.commit()
    return estimate.result


def _claim(api_key_id, key, request_hash, window):
    """Claim an idempotency key: (claim id, None), or (None, the estimate it produced)."""
    now = utcnow()
    for _attempt in range(2):
        row = session.scalar(select(IdempotencyKey).where(
            IdempotencyKey.api_key_id == api_key_id, IdempotencyKey.key == key))
        if row is not None:
            if as_utc(row.created_at) < now - window:
                session.delete(row)
                session.flush()
            elif row.request_hash != request_hash:
                raise Invalid.at("Idempotency-Key", "This key was used with another request body.",
                                 "The Idempotency-Key was used with another request body.",
                                 location="headers")
            elif row.estimate_id is not None:
                return None, session.get(Estimate, row.estimate_id)
            elif as_utc(row.created_at) > now - CLAIM_STALE_AFTER:
                raise Conflict("A request with this Idempotency-Key is still running.")
            else:
                session.delete(row)
                session.flush()
        claim = IdempotencyKey(api_key_id=api_key_id, key=key, request_hash=request_hash,
                               created_at=now)
        session.add(claim)
        try:
            session.commit()
            return claim.id, None
        except IntegrityError:
            session.rollback()
    raise Conflict("A request with this Idempotency-Key is still running.")


def get(estimate_id):
    estimate = session.get(Estimate, estimate_id)
    if estimate is None:
        raise NotFound(f"No estimate {estimate_id!r}.")
    return estimate


def recalculate(estimate_id, load_request, api_key_id, idempotency=None):
    """A new estimate from a stored request with today's rules, linked to the old one."""
    old = get(estimate_id)
    if idempotency:
        key, window, _ = idempotency
        idempotency = (key, window, _request_hash({"recalculate": estimate_id}))
    return create(load_request(old.request), old.request, api_key_id, idempotency,
                  recalculated_from=old.id)


def compare(options, raw_options):
    """Each option's estimate, lowest net patient cost first, and which request fields differ."""
    results = []
    for index, request in enumerate(options):
        try:
            computed = compute(request)
        except Invalid as error:
            raise Invalid.at(("options", index), error.errors.get("json")) from None
        result = body(computed)
        results.append({"option": index,
                        "coverage": _coverage_summary(request["coverage"], computed.rules),
                        **{key: result[key] for key in COMPARED}})
    results.sort(key=lambda item: (item["totals"]["net_patient_cost"], item["option"]))
    return {"cheapest": results[0]["option"], "differences": _differences(raw_options),
            "options": results}


COMPARED = ("plan", "start_date", "totals", "self_pay_total", "range", "phases", "months",
            "plan_years", "warnings")


def _coverage_summary(coverage, rules):
    """Who pays in an option: "Medicare alone" beside "Medicare + Plan G" (3.7)."""
    secondary = coverage.get("secondary")
    return {"type": coverage["type"], "payer": coverage.get("payer"),
            "network": coverage.get("network") if coverage["type"] == "insurance" else None,
            "secondary": secondary and {"payer": rules.secondary_payer.value.code,
                                        "method": secondary["method"]}}


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        items = {}
        for key, item in value.items():
            items.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
        return items
    return {prefix: orjson.dumps(value, option=orjson.OPT_SORT_KEYS)}


def _differences(raw_options):
    """Dotted request fields whose values are not the same in every option (patient aside)."""
    flat = [_flatten({k: v for k, v in option.items() if k != "patient"})
            for option in raw_options]
    keys = sorted(set().union(*flat))
    return [key for key in keys if len({option.get(key) for option in flat}) > 1]


def search(patient_reference=None, created_from=None, created_to=None):
    """A query of stored estimates, newest first."""
    query = select(Estimate)
    if patient_reference:
        query = query.where(Estimate.patient_reference == patient_reference)
    if created_from:
        query = query.where(Estimate.created_at >= created_from)
    if created_to:
        query = query.where(Estimate.created_at < created_to)
    return query


def count(query):
    return session.scalar(select(func.count()).select_from(query.subquery()))


def page(query, first, size):
    return session.scalars(
        query.order_by(Estimate.created_at.desc(), Estimate.id).offset(first).limit(size)
    ).all()


def summary(estimate):
    """What a list shows of a stored estimate."""
    return {"id": estimate.id, "created_at": estimate.created_at, "plan": estimate.plan_code,
            "start_date": estimate.start_date, "patient_reference": estimate.patient_reference,
            "recalculated_from": estimate.recalculated_from,
            "totals": orjson.loads(estimate.result)["totals"]}
