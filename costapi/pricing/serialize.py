"""An Estimate as plain dicts: `as_dict` for staff (api.md's keys), `public_dict` its subset.

Both walk the same records with the same rules (Decimals kept, dates ISO); the public view
is a list of field names per record, never a second serializer.
"""

from dataclasses import fields
from datetime import date
from functools import cache
from operator import attrgetter

from .results import Estimate, Notice

STAFF_EXCLUDED = {"by_kind", "programs", "lines", "balances"}
PUBLIC_TOTALS = ("patient_pays", "assistance_pays", "deductible", "copay", "coinsurance",
                 "not_covered", "clinic_write_off", "expected_reimbursement",
                 "expected_rebate", "net_patient_cost")
PUBLIC_PHASE = ("name", "kind", "sessions", "first_date", "last_date", "patient_pays",
                "net_patient_cost")
PUBLIC_MONTH = ("month", "visits", "patient_pays", "net_patient_cost", "by_kind")
PUBLIC_PLAN_YEAR = ("start", "end", "visits", "patient_pays", "deductible", "copay",
                    "coinsurance", "net_patient_cost")
PUBLIC_NOTICE = ("code", "message", "amount", "date", "month", "clinic_amount")


def _value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return dict(value)  # pairs such as a month's (kind, amount)
    return value


@cache
def _reader(kind, names):
    """(names, a getter of their values, whether any value may need converting) of a type.

    Lines are most of an estimate: their fields are plain values, read with one attrgetter
    and no per-value checks.
    """
    declared = {f.name: str(f.type) for f in fields(kind)}
    if names is None:
        names = tuple(name for name in declared if name not in STAFF_EXCLUDED)
    plain = not any("date" in declared[name] or "tuple" in declared[name] for name in names)
    return names, attrgetter(*names), plain


def records(items, names=None) -> list[dict]:
    """The named fields of each record of one type (all but STAFF_EXCLUDED when `names` is
    None; a visit's lines are added by the caller)."""
    if not items:
        return []
    names, values, plain = _reader(type(items[0]), names)
    if len(names) == 1:
        return [{names[0]: _value(values(item))} for item in items]
    if plain:
        return [{name: getattr(item, name) for name in names} for item in items]
    return [dict(zip(names, map(_value, values(item)), strict=True)) for item in items]


def record(item, names=None) -> dict:
    return records([item], names)[0]


def notice(item: Notice, names=None, messages=None) -> dict:
    """{code, message} plus amount, date, month and policy_id where they apply."""
    data = {name: value for name, value in record(item, names).items()
            if value is not None or name in ("code", "message")}
    if messages and item.code in messages:
        data["message"] = messages[item.code]
    return data


def _balances(balances) -> dict | None:
    if balances is None:
        return None
    data = {"deductible_remaining": balances.deductible_remaining,
            "out_of_pocket_remaining": balances.out_of_pocket_remaining,
            "programs_remaining": dict(balances.programs_remaining)}
    if balances.pharmacy_deductible_remaining is not None:  # only a separate one (3.8)
        data["pharmacy_deductible_remaining"] = balances.pharmacy_deductible_remaining
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
        "phases": records(estimate.phases),
        "months": records(estimate.months),
        "plan_years": records(estimate.plan_years),
        "visits": [{**data, "balances": _balances(visit.balances), "lines": records(visit.lines)}
                   for visit, data in zip(estimate.visits, records(estimate.visits),
                                          strict=True)],
        "warnings": [notice(n) for n in estimate.warnings],
        "data_versions": {name: list(ids) if isinstance(ids, tuple) else ids
                          for name, ids in record(estimate.data_versions).items()},
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
        "phases": records(estimate.phases, PUBLIC_PHASE),
        "months": records(estimate.months, PUBLIC_MONTH),
        "plan_years": records(estimate.plan_years, PUBLIC_PLAN_YEAR),
        "programs": records(estimate.programs),
        "warnings": [notice(n, PUBLIC_NOTICE, messages) for n in estimate.warnings],
    }
