"""Steer schema-valid bodies past the rules no OpenAPI schema can state, so they reach the engine.

Schemathesis generates bodies that fit the OpenAPI document, but most of them then fail a
cross-field rule (insurance needs a payer, a met amount within its total, a start date from
2000 to 2100, override names that are phases of the plan, ...) and stop at a 422. `repair`
fixes those rules in a copy of a positive body, keeping every generated value it can; the
fuzz test sends the repaired body for half of the positive examples.
"""
import copy
import re
from datetime import date

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
CATEGORIES = ("evaluation", "office_visit", "psychotherapy", "administration",
              "drug", "monitoring", "supply", "other")
INSURANCE_ONLY = ("payer", "benefits", "eligibility_check", "diagnosis_codes",
                  "prior_authorization", "prior_authorization_through", "programs",
                  "programs_used")
SELF_PAY_ONLY = ("household_income", "household_size", "discounts")
PUBLIC_INSURANCE_ONLY = ("payer", "network", "deductible", "deductible_met", "coinsurance",
                         "copay", "out_of_pocket_max", "out_of_pocket_met", "plan_year_start")
TOTALS = (("deductible", "deductible_met"), ("out_of_pocket_max", "out_of_pocket_met"))


class Seed:
    """What the seed data holds: codes per resource and each plan's phase names."""

    def __init__(self, codes, phases, check_payer):
        self.codes = codes
        self.phases = phases
        self.check_payer = check_payer

    def pick(self, resource, value):
        """`value` if it is a seeded code of `resource`, else one chosen from it by `value`."""
        codes = self.codes[resource]
        return value if value in codes else codes[len(str(value)) % len(codes)]


def _day(text, low, high, default):
    """An ISO date between `low` and `high` (the generated one moved into range)."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return default.isoformat()
    if low <= day <= high:
        return text
    return day.replace(year=default.year, day=min(day.day, 28)).isoformat()


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _met_within_totals(amounts):
    if not isinstance(amounts, dict):
        return
    for total, met in TOTALS:
        high, used = _number(amounts.get(total)), _number(amounts.get(met))
        if high is not None and used is not None and used > high:
            amounts[met] = amounts[total]


def _benefits(benefits):
    if not isinstance(benefits, dict):
        return {}
    _met_within_totals(benefits)
    for name in ("family", "out_of_network"):
        _met_within_totals(benefits.get(name))
        if isinstance(benefits.get(name), dict):
            _met_within_totals(benefits[name].get("family"))
    if isinstance(benefits.get("copays"), dict):
        benefits["copays"] = {k: v for k, v in benefits["copays"].items() if k in CATEGORIES}
    if isinstance(benefits.get("visits_used"), dict):
        benefits["visits_used"] = {k: v for k, v in benefits["visits_used"].items()
                                   if re.fullmatch(r"[1-9][0-9]{0,9}", k)}
    return benefits


def _coverage(coverage, seed):
    if coverage.get("type") == "self_pay":
        for name in INSURANCE_ONLY:
            coverage.pop(name, None)
        coverage.pop("network", None)
        if (coverage.get("household_income") is None) != (coverage.get("household_size") is None):
            coverage.pop("household_income", None)
            coverage.pop("household_size", None)
        if "discounts" in coverage:
            coverage["discounts"] = [seed.pick("discounts", code) for code in
                                     coverage["discounts"]]
        return coverage
    coverage["type"] = "insurance"
    for name in SELF_PAY_ONLY:
        coverage.pop(name, None)
    coverage["payer"] = seed.pick("payers", coverage.get("payer"))
    if coverage.get("eligibility_check"):
        coverage["payer"] = seed.check_payer
    else:
        coverage.pop("eligibility_check", None)
        coverage["benefits"] = coverage.get("benefits") or {}
    if "benefits" in coverage:
        coverage["benefits"] = _benefits(coverage["benefits"])
    if "programs" in coverage:
        coverage["programs"] = [seed.pick("programs", code) for code in coverage["programs"]]
    if isinstance(coverage.get("programs_used"), dict):
        coverage["programs_used"] = {k: v for k, v in coverage["programs_used"].items()
                                     if CODE.match(k)}
    return coverage


def estimate_request(body, seed):
    body["plan"] = seed.pick("plans", body.get("plan"))
    body["start_date"] = _day(body.get("start_date"), date(2000, 1, 1), date(2100, 12, 31),
                              date(2027, 1, 4))
    names = seed.phases[body["plan"]]
    if isinstance(body.get("phases"), dict):
        overrides = {}
        for i, override in enumerate(body["phases"].values()):
            if isinstance(override, dict) and "interval_days" in override:
                override.pop("per_week", None)
            overrides[names[i % len(names)]] = override
        body["phases"] = overrides
    if isinstance(body.get("coverage"), dict):
        body["coverage"] = _coverage(body["coverage"], seed)
    patient = body.get("patient")
    if isinstance(patient, dict) and "date_of_birth" in patient:
        patient["date_of_birth"] = _day(patient["date_of_birth"], date(1900, 1, 1),
                                        date.today(), date(1985, 2, 14))
    return body


def public_estimate(body, seed):
    body["plan"] = seed.pick("plans", body.get("plan"))
    body["start_date"] = _day(body.get("start_date"), date(2000, 1, 1), date(2100, 12, 31),
                              date(2027, 1, 4))
    if body.get("coverage") == "self_pay":
        for name in PUBLIC_INSURANCE_ONLY:
            body.pop(name, None)
    else:
        body["payer"] = seed.pick("payers", body.get("payer"))
        _met_within_totals(body)
    return body


def plan(body, seed):
    seen = set()
    phases = body.get("phases") or []
    for phase in phases:  # the whole schedule within 365 days
        phase["sessions"] = min(phase.get("sessions", 1), 40 // len(phases))
        if phase.get("interval_days") is not None:
            phase["per_week"] = None
            phase["interval_days"] = min(phase["interval_days"], 7)
        elif phase.get("per_week") is None:
            phase["interval_days"] = 7
        sessions = phase["sessions"]
        if phase.get("sessions_max") is not None:
            phase["sessions_max"] = min(phase["sessions_max"], 40 // len(phases))
        if phase.get("sessions_min") is not None:
            phase["sessions_min"] = min(phase["sessions_min"], sessions)
        if phase.get("sessions_max") is not None:
            phase["sessions_max"] = max(phase["sessions_max"], sessions)
        while phase.get("name") in seen:
            phase["name"] = f"{phase['name'][:60]}-{len(seen)}"
        seen.add(phase.get("name"))
        for item in phase.get("visit") or []:
            item["service"] = seed.pick("services", item.get("service"))
    return body


def payer(body, seed):
    for key, fields in (("rates", ("service",)), ("policies", ("modality", "service",
                                                                "category"))):
        kept, seen = [], set()
        for item in body.get(key) or []:
            if item.get("service") is not None:
                item["service"] = seed.pick("services", item["service"])
            if item.get("effective_to") is not None and \
                    item["effective_to"] < item.get("effective_from", ""):
                item["effective_to"] = None
            identity = tuple(item.get(name) for name in fields)
            if identity not in seen:
                seen.add(identity)
                kept.append(item)
        if key in body:
            body[key] = kept
    return body


def program(body, seed):
    body["services"] = [seed.pick("services", code) for code in body.get("services") or []]
    if not body["services"] and not body.get("categories"):
        body["categories"] = ["drug"]
    return body


def discount(body, seed):
    if body.get("kind") == "package":
        body.update(poverty_base=None, poverty_per_additional_person=None, tiers=None)
        body["plan"] = seed.pick("plans", body.get("plan"))
        body["phase"] = seed.phases[body["plan"]][0]
        body.setdefault("sessions", 1)
        body.setdefault("price", "100.00")
    elif body.get("kind") == "sliding_scale":
        body.update(plan=None, phase=None, sessions=None, price=None)
        body.setdefault("poverty_base", "15650.00")
        body.setdefault("poverty_per_additional_person", "5500.00")
        tiers = {tier["max_percent_of_poverty"]: tier for tier in body.get("tiers") or []}
        body["tiers"] = list(tiers.values()) or [{"max_percent_of_poverty": 200,
                                                  "percent_off": "0.50"}]
    return body


def eligibility_check(body, seed):
    body["payer"] = seed.pick("payers", body.get("payer"))
    body["date_of_birth"] = _day(body.get("date_of_birth"), date(1900, 1, 1), date.today(),
                                 date(1985, 2, 14))
    return body


BY_PATH = {
    "/api/v1/estimates": estimate_request,
    "/api/v1/estimates/preview": estimate_request,
    "/api/v1/public/estimate": public_estimate,
    "/api/v1/plans": plan, "/api/v1/plans/{code}": plan,
    "/api/v1/payers": payer, "/api/v1/payers/{code}": payer,
    "/api/v1/programs": program, "/api/v1/programs/{code}": program,
    "/api/v1/discounts": discount, "/api/v1/discounts/{code}": discount,
    "/api/v1/eligibility/checks": eligibility_check,
}


def repair(path, body, seed):
    """A copy of `body` that obeys the cross-field rules of the operation at `path`."""
    if not isinstance(body, dict):
        return body
    body = copy.deepcopy(body)
    if path == "/api/v1/estimates/compare":
        body["options"] = [estimate_request(option, seed) if isinstance(option, dict) else option
                           for option in body.get("options") or []]
        return body
    fix = BY_PATH.get(path)
    return fix(body, seed) if fix else body
