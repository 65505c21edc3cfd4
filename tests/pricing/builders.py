"""Small builders for engine inputs, with illustrative prices that are easy to add up."""

from datetime import date
from decimal import Decimal

from costapi.pricing import (
    Benefits,
    EstimateInput,
    Insurance,
    Payer,
    Phase,
    Plan,
    Service,
    VisitItem,
    as_dict,
    estimate,
)

D = Decimal
START = date(2027, 1, 4)  # a Monday

# code: category, unit charge, unit cash price (illustrative)
SERVICES = {
    "J0013": Service("J0013", "drug", D("10.00"), D("8.00")),  # per mg; 56 mg: 560 / 448
    "99213": Service("99213", "office_visit", D("25.00")),
    "99214": Service("99214", "office_visit", D("200.00"), D("150.00")),
    "99417": Service("99417", "monitoring", D("100.00")),
    "96365": Service("96365", "administration", D("450.00"), D("400.00")),
    "J3490": Service("J3490", "drug", D("80.00"), D("60.00")),
    "90837": Service("90837", "psychotherapy", D("180.00"), D("150.25")),
    "0820T": Service("0820T", "monitoring", D("250.00"), D("200.00")),
    "G2082": Service("G2082", "drug", D("1050.00")),
    "ODD": Service("ODD", "supply", D("14.0125"), D("12.0125")),  # half-up rounding
}

SPRAVATO = (VisitItem("J0013", 56), VisitItem("99214"))  # allowed at 80%: 448 + 160
INFUSION = (VisitItem("96365"), VisitItem("J3490"))  # allowed at 80%: 360 + 64; cash 460


def phase(name, sessions, visit, *, every=None, per_week=None, kind="induction", **extra):
    return Phase(name, kind, sessions, every, per_week, tuple(visit), **extra)


def plan(*phases, modality="ketamine_iv", code="plan"):
    return Plan(code, modality, tuple(phases))


def weekly(sessions, visit=INFUSION, name="series", **extra):
    return phase(name, sessions, visit, every=7, **extra)


def payer(*, kind="commercial", default="0.80", out="0.50", rates=(), policies=()):
    return Payer(
        "acme",
        kind,
        None if default is None else D(default),
        None if out is None else D(out),
        tuple(rates),
        tuple(policies),
    )


def insured(
    *,
    payer_=None,
    network="in",
    diagnosis=(),
    authorization="not_requested",
    through=None,
    programs=(),
    used=None,
    **benefits,
):
    """Insurance with Benefits(**benefits); money given as strings."""
    money = {k: D(v) if isinstance(v, str) else v for k, v in benefits.items()}
    return Insurance(
        payer_ or payer(),
        network,
        Benefits(**money),
        tuple(diagnosis),
        authorization,
        through,
        tuple(programs),
        {k: D(v) for k, v in (used or {}).items()},
    )


def run(the_plan, coverage, start=START, overrides=None, services=None):
    return estimate(EstimateInput(the_plan, services or SERVICES, start, coverage, overrides or {}))


def pick(data, path: str):
    """Follow a dotted path through as_dict() output: "visits.0.lines.1.deductible"."""
    for key in path.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def check(estimate_, expected: dict) -> None:
    """Compare as_dict(estimate) with expectations.

    "a.0.b": value   -- str(value at path) must equal a string, else value equality
    "warnings": [...] -- the warning codes, in order
    "warning:code" / "warning:code:n": {field: value} -- the (n-th) warning with that code
    """
    data = as_dict(estimate_)
    for path, want in expected.items():
        if path == "warnings":
            assert [w["code"] for w in data["warnings"]] == want, data["warnings"]
        elif path.startswith("warning:"):
            _, code, *nth = path.split(":")
            found = [w for w in data["warnings"] if w["code"] == code]
            assert len(found) > (int(nth[0]) if nth else 0), (path, data["warnings"])
            warning = found[int(nth[0]) if nth else 0]
            for key, value in want.items():
                got = warning.get(key)
                assert (str(got) if isinstance(value, str) else got) == value, (path, key, got)
        else:
            got = pick(data, path)
            if isinstance(want, str):
                assert str(got) == want, (path, got, want)
            else:
                assert got == want, (path, got, want)
