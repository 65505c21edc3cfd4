"""An Estimate as plain dicts: `as_dict` for staff (api.md's keys), `public_dict` its subset.

Both walk the same records with the same rules (Decimals kept, dates ISO); the public view
is a list of field names per record, never a second serializer.
"""

from dataclasses import fields
from datetime import date

from .results import Estimate, Notice

STAFF_EXCLUDED = {"by_kind", "programs", "lines"}
PUBLIC_TOTALS = ("patient_pays", "assistance_pays", "deductible", "copay", "coinsurance",
                 "not_covered", "expected_reimbursement", "net_patient_cost")
PUBLIC_PHASE = ("name", "kind", "sessions", "first_date", "last_date", "patient_pays",
                "net_patient_cost")
PUBLIC_MONTH = ("month", "visits", "patient_pays", "net_patient_cost", "by_kind")
PUBLIC_PLAN_YEAR = ("start", "end", "visits", "patient_pays", "deductible", "copay",
                    "coinsurance", "net_patient_cost")
PUBLIC_NOTICE = ("code", "message", "amount", "date", "month")


def _value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return dict(value)  # pairs such as a month's (kind, amount)
    return value


def record(item, names=None) -> dict:
    """The named fields of a result record (all but STAFF_EXCLUDED when `names` is None;
    a visit's lines are added by the caller)."""
    if names is None:
        names = [f.name for f in fields(item) if f.name not in STAFF_EXCLUDED]
    return {name: _value(getattr(item, name)) for name in names}


def notice(item: Notice, names=None, messages=None) -> dict:
    """{code, message} plus amount, date, month and policy_id where they apply."""
    data = {name: value for name, value in record(item, names).items()
            if value is not None or name in ("code", "message")}
    if messages and item.code in messages:
        data["message"] = messages[item.code]
    return data


def as_dict(estimate: Estimate) -> dict:
    """Every figure of an estimate, visits and lines included."""
    return {
        "currency": estimate.currency,
        "plan": estimate.plan,
        "start_date": estimate.start_date.isoformat(),
        "totals": record(estimate.totals),
        "self_pay_total": estimate.self_pay_total,
        "range": None if estimate.range is None else record(estimate.range),
        "phases": [record(p) for p in estimate.phases],
        "months": [record(m) for m in estimate.months],
        "plan_years": [record(y) for y in estimate.plan_years],
        "visits": [{**record(v), "lines": [record(line) for line in v.lines]}
                   for v in estimate.visits],
        "warnings": [notice(n) for n in estimate.warnings],
        "data_versions": {name: list(ids) for name, ids in record(estimate.data_versions).items()},
    }


def public_dict(estimate: Estimate, messages=None) -> dict:
    """What a patient may see of an estimate: their side only, no visits, lines or rates.

    `messages` replaces a warning's wording by code (the public form asks for less).
    """
    return {
        "currency": estimate.currency,
        "plan": estimate.plan,
        "start_date": estimate.start_date.isoformat(),
        "totals": record(estimate.totals, PUBLIC_TOTALS),
        "self_pay_total": estimate.self_pay_total,
        "range": None if estimate.range is None else record(estimate.range),
        "phase_kinds": list(dict.fromkeys(p.kind for p in estimate.phases if p.sessions)),
        "phases": [record(p, PUBLIC_PHASE) for p in estimate.phases],
        "months": [record(m, PUBLIC_MONTH) for m in estimate.months],
        "plan_years": [record(y, PUBLIC_PLAN_YEAR) for y in estimate.plan_years],
        "programs": [record(p) for p in estimate.programs],
        "warnings": [notice(n, PUBLIC_NOTICE, messages) for n in estimate.warnings],
    }
