"""The engine's building blocks: allocation, plan years, diagnosis codes, dates, output."""

import dataclasses
from datetime import date
from decimal import Decimal

import orjson
import pytest

from costapi.pricing import Line, SelfPay, as_dict
from costapi.pricing.coverage import diagnosis_matches, specificity
from costapi.pricing.inputs import Policy
from costapi.pricing.money import allocate
from costapi.pricing.plan_years import anniversary, bounds, plan_year_of
from costapi.pricing.schedule import PlannedPhase, session_offsets

from .builders import insured, plan, run, weekly

D = Decimal


@pytest.mark.parametrize(
    "total, weights, shares",
    [
        # 100 x 1/3 = 33.333 -> 33.33, 33.33, remainder 33.34
        ("100.00", ["100.00"] * 3, ["33.33", "33.33", "33.34"]),
        # 0.05 over nine 1.00 lines and a 0.00 line: each 0.00556 -> 0.01; the last
        # would be 0.05 - 0.09 = -0.04, so the drift moves back: five 0.01, rest 0
        ("0.05", ["1.00"] * 9 + ["0.00"], ["0.01"] * 5 + ["0.00"] * 5),
        ("0.00", ["5.00", "7.00"], ["0.00", "0.00"]),
        ("12.00", ["5.00", "7.00"], ["5.00", "7.00"]),  # the whole amount
    ],
)
def test_allocate(total, weights, shares):
    got = allocate(D(total), [D(w) for w in weights])
    assert [str(s) for s in got] == shares
    assert sum(got) == D(total)


@pytest.mark.parametrize(
    "start, years, expected",
    [
        (date(2024, 2, 29), 1, date(2025, 3, 1)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 3, 1)),
        (date(2027, 7, 1), -1, date(2026, 7, 1)),
    ],
)
def test_anniversary(start, years, expected):
    assert anniversary(start, years) == expected


def test_plan_year_of_and_bounds():
    start = date(2024, 2, 29)
    assert plan_year_of(start, date(2027, 2, 28)) == 2  # 2026-03-01 .. 2027-02-28
    assert plan_year_of(start, date(2027, 3, 1)) == 3
    assert bounds(start, 2) == (date(2026, 3, 1), date(2027, 2, 28))
    assert plan_year_of(date(2027, 7, 1), date(2027, 1, 4)) == -1


@pytest.mark.parametrize(
    "patterns, codes, matches",
    [
        (("F33.*",), ("f33.2",), True),
        (("F33.*",), ("F331",), True),
        (("F33.*",), ("F33",), True),
        (("F33.*",), ("F3",), False),
        (("F33.*",), ("F43.10",), False),
        (("F33.2",), ("f332",), True),
        (("F33.2",), ("F33.21",), False),  # exact without a star
        (("F43.1*",), ("F43.10",), True),
        (("*",), ("Z00.00",), True),
    ],
)
def test_diagnosis_matches(patterns, codes, matches):
    assert diagnosis_matches(patterns, codes) is matches


def test_specificity_scores():
    assert specificity(Policy(1, modality="ketamine_iv")) == 1
    assert specificity(Policy(1, category="drug")) == 2
    assert specificity(Policy(1, service="J3490")) == 4
    assert specificity(Policy(1, "ketamine_iv", "J3490", "drug")) == 7


@pytest.mark.parametrize("per_week", range(1, 8))
def test_per_week_offsets(per_week):
    """N sessions a week: one week holds days 0..6, the next week starts at day 7."""
    phase = PlannedPhase("p", "induction", 15, None, per_week, (), None, None)
    offsets, span = session_offsets(phase, 15)
    for i, day in enumerate(offsets):
        assert day == 7 * (i // per_week) + (i % per_week) * 7 // per_week
    assert offsets == sorted(set(offsets))  # at most one session a day
    assert span == 7 * -(-15 // per_week)
    assert offsets[-1] < span


def test_as_dict_keys_follow_api_md():
    estimate = run(plan(weekly(2)), insured(coinsurance="0.20", network="in"))
    data = as_dict(estimate)
    assert set(data["totals"]) == {
        "charges", "allowed", "insurance_pays", "secondary_pays", "assistance_pays", "discount",
        "patient_pays", "deductible", "copay", "coinsurance", "not_covered", "clinic_write_off",
        "expected_reimbursement", "expected_rebate", "net_patient_cost",
    }  # fmt: skip
    assert set(data["visits"][0]["lines"][0]) == {
        "service", "description", "units", "charge", "cash", "allowed", "allowed_basis",
        "insurance_pays", "secondary_pays", "assistance_pays", "discount", "patient_pays",
        "deductible", "copay", "coinsurance", "not_covered", "clinic_write_off",
        "expected_reimbursement", "expected_rebate", "covered", "reason", "reason_detail",
        "liability", "prior_authorization", "policy_id", "rate_id", "benefit",
    }  # fmt: skip
    assert {"date", "phase", "patient_pays", "clinic_write_off", "balances", "lines"} <= set(
        data["visits"][0])
    assert {"name", "kind", "sessions", "first_date", "last_date", "patient_pays",
            "insurance_pays", "secondary_pays", "clinic_write_off", "expected_rebate",
            "net_patient_cost"} == set(data["phases"][0])  # fmt: skip
    assert {"month", "visits", "patient_pays", "secondary_pays", "clinic_write_off",
            "expected_rebate", "net_patient_cost"} == set(data["months"][0])  # fmt: skip
    assert {"start", "end", "visits", "patient_pays", "insurance_pays", "secondary_pays",
            "deductible", "copay", "coinsurance"} <= set(data["plan_years"][0])  # fmt: skip
    assert data["data_versions"] == {"policies": [], "rates": [], "calendar": None}  # none stored
    dumped = orjson.loads(orjson.dumps(data, default=str))
    assert dumped["totals"]["patient_pays"] == "169.60"  # 2 x (72 + 12.80), as a string
    assert dumped["visits"][1]["date"] == "2027-01-11"


def test_warning_dict_has_only_the_fields_that_apply():
    data = as_dict(run(plan(weekly(1)), SelfPay(discounts=())))
    assert data["warnings"] == []
    data = as_dict(run(plan(weekly(1)), insured(network="out")))
    assert data["warnings"][0] == {
        "code": "out_of_network",
        "message": data["warnings"][0]["message"],
    }
    assert "not a guarantee" in data["warnings"][0]["message"]


def test_reported_lines_are_real_frozen_lines():
    """lines.freeze() turns a draft into a Line in place; it must be a true Line."""
    line = run(plan(weekly(1)), insured(coinsurance="0.20")).visits[0].lines[0]
    assert type(line) is Line
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.patient_pays = D("0.00")
    twin = Line(*(getattr(line, f.name) for f in dataclasses.fields(Line)))
    assert twin == line and hash(twin) == hash(line)
    assert dataclasses.replace(line, units=2).units == 2
