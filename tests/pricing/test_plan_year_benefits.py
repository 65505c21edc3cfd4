"""Benefits of each plan year (domain.md 3.4): worked cases, every figure derived by hand.

Prices (builders.py, illustrative), allowed at 80% of the charge in network:
96365 360.00, J3490 64.00, 99214 160.00. One infusion visit = 96365 + J3490.
Plan years start on Jan 1 (the default) unless a case says otherwise.

MEDICARE (secondary_builders.py) carries Part B standard benefits: 2026 deductible 283.00,
2027 300.00 (a figure chosen for these tests), 2028 320.00, coinsurance 0.20, no limit.
"""

from dataclasses import replace
from datetime import date

import pytest

from costapi.pricing import (
    Amounts,
    EstimateInput,
    NetworkBenefits,
    PricingError,
    StandardBenefits,
    VisitItem,
    YearAmounts,
    estimate,
)
from costapi.pricing.inputs import Calendar

from .builders import INFUSION, SERVICES, D, insured, payer, plan, run, weekly
from .secondary_builders import PART_B, expect, medicare, year_amounts

THREE_LINES = (VisitItem("99214"), VisitItem("96365"), VisitItem("J3490"))
DECEMBER = date(2027, 12, 20)  # Monday: 12-20, 12-27, then 2028-01-03
YEAR_ONE = dict(deductible="100", coinsurance="0.20", out_of_pocket_max="1000")


def with_standard(*entries):
    """The builders' commercial payer "acme" with standard benefits."""
    return replace(payer(), standard_benefits=tuple(entries))


def entry(entry_id, start, end=None, **amounts):
    return StandardBenefits(
        entry_id, start, end, **{k: D(v) if isinstance(v, str) else v for k, v in amounts.items()}
    )


# Year one with YEAR_ONE (deductible 100, coinsurance .20, OOP max 1000), three weekly
# infusions from 2027-12-20:
# 12-20 96365: deductible 100 + round(260 x .20) = 52 -> 152; J3490 12.80 -> 164.80
# 12-27 96365: 72; J3490: 12.80 -> 84.80
CASES = [
    # ------------------------------------------------- Medicare Part B, each year
    pytest.param(
        dict(the_plan=plan(weekly(3)), start=date(2026, 12, 21), coverage=insured(
            payer_=medicare())),
        {
            # nothing typed: 2026 from the 2026 entry (283.00, .20)
            # 12-21 96365: deductible 283 + round(77 x .20) = 15.40; J3490 12.80
            "visits.0.lines.0.deductible": "283.00",
            "visits.0.patient_pays": "311.20",  # 298.40 + 12.80
            "visits.1.patient_pays": "84.80",  # 12-28: 72 + 12.80
            # 2027-01-04: the 2027 entry (300.00): deductible 300 + round(60 x .20) = 12
            "visits.2.lines.0.deductible": "300.00",
            "visits.2.lines.0.coinsurance": "12.00",
            "visits.2.patient_pays": "324.80",  # 312 + 12.80
            "totals.patient_pays": "720.80",  # 311.20 + 84.80 + 324.80
            "totals.insurance_pays": "551.20",  # 1272 allowed - 720.80
            "plan_years.0.deductible": "283.00",
            "plan_years.1.deductible": "300.00",
            "plan_years.1.start": "2027-01-01",
            "warnings": ["plan_year_reset"],  # no amount typed, so none carried
            "warning:plan_year_reset": {"date": "2027-01-01"},
        },
        id="medicare-part-b-each-year",
    ),  # fmt: skip
    pytest.param(
        dict(the_plan=plan(weekly(3)), start=date(2026, 12, 21),
             coverage=insured(payer_=medicare(), deductible_met="100")),
        {
            # 283 - 100 = 183 left: 96365 deductible 183 + round(177 x .20) = 35.40
            "visits.0.patient_pays": "231.20",  # 218.40 + 12.80
            "visits.2.patient_pays": "324.80",  # 2027 starts at 0 met, deductible 300
            "totals.patient_pays": "640.80",  # 231.20 + 84.80 + 324.80
            "warnings": ["plan_year_reset"],
        },
        id="medicare-part-b-deductible-met-only",
    ),  # fmt: skip
    pytest.param(
        dict(the_plan=plan(weekly(3)), start=date(2026, 12, 21),
             coverage=insured(payer_=medicare(), deductible_met="283")),
        {
            # met equal to the total is fine: 2026 visits 84.80 each
            "totals.patient_pays": "494.40",  # 84.80 + 84.80 + 324.80
        },
        id="medicare-part-b-deductible-met-in-full",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99214"), VisitItem("96365")))),
            coverage=insured(
                payer_=with_standard(entry(7, date(2026, 1, 1), deductible="500",
                                           coinsurance="0.20", out_of_pocket_max="2000",
                                           copays={"office_visit": D("30")})),
                coinsurance="0.10",
                deductible_met="200",
            ),  # fmt: skip
        ),
        {
            # each amount on its own: coinsurance .10 from the request; deductible 500 and
            # the office copay 30 from the entry in effect on 2027-01-01
            "visits.0.lines.0.copay": "30.00",
            "visits.0.lines.1.deductible": "300.00",  # 500 - 200 met
            "visits.0.lines.1.coinsurance": "6.00",  # round(60 x .10)
            "totals.patient_pays": "336.00",
            "warnings": [],
        },
        id="first-year-field-by-field",
    ),
    # -------------------------------------------------------------- later years
    pytest.param(
        dict(
            the_plan=plan(weekly(3)),
            start=DECEMBER,
            coverage=insured(**YEAR_ONE, next_plan_year=year_amounts(
                deductible="200", coinsurance="0.10", out_of_pocket_max="1500")),
        ),
        {
            "visits.0.patient_pays": "164.80",
            "visits.1.patient_pays": "84.80",
            # 2028-01-03 from next_plan_year: deductible 200 + round(160 x .10) = 16;
            # J3490 round(64 x .10) = 6.40
            "visits.2.lines.0.deductible": "200.00",
            "visits.2.lines.0.coinsurance": "16.00",
            "visits.2.patient_pays": "222.40",
            "totals.patient_pays": "472.00",  # 164.80 + 84.80 + 222.40
            "plan_years.1.deductible": "200.00",
            "warnings": ["plan_year_reset"],
        },
        id="next-plan-year-overrides",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(3)),
            start=DECEMBER,
            coverage=insured(**YEAR_ONE, next_plan_year=year_amounts(deductible="200")),
        ),
        {
            # deductible 200 given; coinsurance .20 and OOP 1000 carried (the request
            # gave them): 96365 200 + round(160 x .20) = 32; J3490 12.80
            "visits.2.patient_pays": "244.80",
            "totals.patient_pays": "494.40",  # 164.80 + 84.80 + 244.80
            "warning_set": [("plan_year_reset", None), ("next_year_benefits_assumed", None)],
            "warning:next_year_benefits_assumed@": {"date": "2028-01-01"},
        },
        id="next-plan-year-partly-given-rest-carried",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(3)), start=DECEMBER, coverage=insured(**YEAR_ONE)),
        {
            # every amount carried: 2028 as 2027, met 0: 152 + 12.80
            "visits.2.patient_pays": "164.80",
            "totals.patient_pays": "414.40",
            "warning_set": [("plan_year_reset", None), ("next_year_benefits_assumed", None)],
            "warning:next_year_benefits_assumed@": {"date": "2028-01-01"},
        },
        id="first-year-carried-with-warning",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(3)), start=DECEMBER, coverage=insured()),
        {
            # nothing given, nothing carried from the request: no warning; all covered at 0
            "totals.patient_pays": "0.00",
            "warnings": ["plan_year_reset"],
        },
        id="nothing-given-nothing-assumed",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(3)),
            start=DECEMBER,
            coverage=insured(
                payer_=with_standard(entry(8, date(2028, 1, 1), date(2028, 12, 31),
                                           deductible="250", coinsurance="0.30")),
                deductible="100", coinsurance="0.20", out_of_pocket_max="250",
            ),  # fmt: skip
        ),
        {
            # 2027 from the request, OOP 250: 12-20 164.80 (85.20 left), 12-27 84.80
            "visits.0.patient_pays": "164.80",
            "visits.1.patient_pays": "84.80",  # 0.40 left
            # 2028 from entry 8: deductible 250, coinsurance .30, and no OOP maximum (the
            # entry leaves it out: not carried, 250 would cap this visit):
            # 96365 250 + round(110 x .30) = 33 -> 283; J3490 round(64 x .30) = 19.20
            "visits.2.lines.0.coinsurance": "33.00",
            "visits.2.patient_pays": "302.20",
            "totals.patient_pays": "551.80",
            "warnings": ["plan_year_reset"],  # nothing carried
        },
        id="standard-entry-of-the-later-year",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, THREE_LINES)),
            start=date(2027, 12, 27),
            coverage=insured(
                payer_=with_standard(entry(
                    9, date(2028, 1, 1), deductible="250", coinsurance="0.30",
                    copays={"office_visit": D("40")},
                    coinsurance_by_category={"drug": D("0.40"), "administration": D("0.25")},
                )),
                deductible="100", coinsurance="0.20", copays={"office_visit": D("30")},
                next_plan_year=year_amounts(deductible="150",
                                            coinsurance_by_category={"drug": D("0.50")}),
            ),  # fmt: skip
        ),
        {
            # 12-27 (request): 99214 copay 30; 96365 100 + round(260 x .20) = 52;
            # J3490 12.80 -> 194.80
            "visits.0.patient_pays": "194.80",
            # 2028-01-03: deductible 150 (next_plan_year), copay 40 (entry), drug .50
            # (next_plan_year's map entry over the entry's .40), administration .25 (entry)
            "visits.1.lines.0.copay": "40.00",
            "visits.1.lines.1.deductible": "150.00",
            "visits.1.lines.1.coinsurance": "52.50",  # round(210 x .25)
            "visits.1.lines.2.coinsurance": "32.00",  # round(64 x .50)
            "visits.1.patient_pays": "274.50",  # 40 + 202.50 + 32
            "totals.patient_pays": "469.30",
            "warnings": ["plan_year_reset"],
        },
        id="map-entries-next-year-over-standard-entry",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=insured(
                payer_=with_standard(entry(10, date(2028, 1, 1), deductible="500",
                                           coinsurance="0.20")),
                deductible="500", coinsurance="0.20",
                family=Amounts(D("300"), D("250")),
            ),  # fmt: skip
        ),
        {
            # 12-27: deductible remaining min(500, 300 - 250) = 50: 96365 50 +
            # round(310 x .20) = 62; J3490 12.80 -> 124.80
            "visits.0.patient_pays": "124.80",
            # 2028: individual 500 from the entry; the family 300 is carried (entries have
            # no family), met 0: remaining min(500, 300) = 300: 96365 300 + round(60 x .20)
            "visits.1.lines.0.deductible": "300.00",
            "visits.1.patient_pays": "324.80",  # 312 + 12.80
            "totals.patient_pays": "449.60",
            "warning_set": [("plan_year_reset", None), ("next_year_benefits_assumed", None)],
            "warning:next_year_benefits_assumed@": {"date": "2028-01-01"},
        },
        id="family-carried-with-warning",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=insured(
                payer_=with_standard(entry(10, date(2028, 1, 1), deductible="500",
                                           coinsurance="0.20")),
                deductible="500", coinsurance="0.20",
                family=Amounts(D("300"), D("250")),
                next_plan_year=year_amounts(family=Amounts(D("400"))),
            ),  # fmt: skip
        ),
        {
            "visits.0.patient_pays": "124.80",
            # 2028: remaining min(500, 400) = 400: 96365 deductible 360, coinsurance 0;
            # J3490 deductible 40 + round(24 x .20) = 4.80
            "visits.1.lines.0.deductible": "360.00",
            "visits.1.lines.1.deductible": "40.00",
            "visits.1.patient_pays": "404.80",
            "totals.patient_pays": "529.60",
            "warnings": ["plan_year_reset"],
        },
        id="family-from-next-plan-year",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION, starts_after_days=30)),
            start=DECEMBER,
            coverage=insured(
                deductible="100", deductible_met="100", coinsurance="0.20",
                next_plan_year=year_amounts(deductible="200", coinsurance="0.20"),
            ),  # fmt: skip
        ),
        {
            # the only visit, 2028-01-19, is in the next plan year: its benefits, met 0
            # (deductible_met 100 describes 2027-12-20): 200 + round(160 x .20) = 32;
            # J3490 12.80
            "visits.0.date": "2028-01-19",
            "visits.0.lines.0.deductible": "200.00",
            "visits.0.patient_pays": "244.80",
            "plan_years.0.start": "2028-01-01",
            "plan_years.0.visits": 1,
            "warnings": ["plan_year_reset"],
            "warning:plan_year_reset": {"date": "2028-01-01"},
        },
        id="first-visit-after-a-gap-in-a-later-year",
    ),
]

CASES += [
    pytest.param(
        dict(
            the_plan=plan(weekly(1, THREE_LINES)),
            coverage=insured(
                coinsurance="0.20", copays={"office_visit": D("30")},
                coinsurance_by_category={"drug": D("0.50"), "office_visit": D("0.90")},
            ),
        ),
        {
            # 99214: office_visit has a copay: the copay 30, not .90
            "visits.0.lines.0.copay": "30.00",
            "visits.0.lines.0.coinsurance": "0.00",
            "visits.0.lines.1.coinsurance": "72.00",  # 96365: round(360 x .20)
            "visits.0.lines.2.coinsurance": "32.00",  # J3490 (drug): round(64 x .50)
            "totals.patient_pays": "134.00",
            "warnings": [],
        },
        id="coinsurance-by-category",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=insured(
                payer_=with_standard(
                    entry(11, date(2027, 1, 1), date(2027, 12, 31), deductible="150",
                          coinsurance="0.10"),
                    entry(12, date(2028, 1, 1), date(2028, 12, 31), deductible="150",
                          coinsurance="0.10"),
                ),
                network="out",
                out_of_network=NetworkBenefits(
                    coinsurance=D("0.40"), next_plan_year=YearAmounts(deductible=D("100"))),
            ),
        ),
        {
            # out of network, allowed 50%: 96365 225, J3490 40; the standard entries are
            # in-network only: no deductible in 2027 (missing = 0), coinsurance .40:
            # 96365 round(225 x .40) = 90 -> reimbursed 135; J3490 16 -> 24
            "visits.0.lines.0.deductible": "0.00",
            "visits.0.lines.0.expected_reimbursement": "135.00",
            "visits.0.lines.1.expected_reimbursement": "24.00",
            # 2028: deductible 100 (its next_plan_year), coinsurance .40 carried:
            # 96365 100 + round(125 x .40) = 50 -> 75; J3490 16 -> 24
            "visits.1.lines.0.deductible": "100.00",
            "visits.1.lines.0.expected_reimbursement": "75.00",
            "totals.expected_reimbursement": "258.00",  # 135 + 24 + 75 + 24
            "totals.patient_pays": "1060.00",  # the charges, 2 x 530
            "totals.net_patient_cost": "802.00",
            "warning_set": [("out_of_network", None), ("plan_year_reset", None),
                            ("next_year_benefits_assumed", None)],
            "warning:next_year_benefits_assumed@": {"date": "2028-01-01"},
        },
        id="out-of-network-next-plan-year",
    ),  # fmt: skip
]
CASES += [
    pytest.param(
        dict(
            the_plan=plan(weekly(3, (VisitItem("J3490"),))),
            start=date(2027, 6, 21),
            coverage=insured(
                payer_=with_standard(entry(13, date(2027, 1, 1), deductible="200",
                                           coinsurance="0.20")),
                plan_year_start=date(2026, 7, 1),
                coinsurance="0.10",
            ),
        ),
        {
            # the first plan year starts 2026-07-01, before the entry: coinsurance .10
            # (request), deductible missing = 0: round(64 x .10) = 6.40 each
            "visits.0.patient_pays": "6.40",
            "visits.1.patient_pays": "6.40",
            # 2027-07-01: the entry is in effect on that year's start: deductible 200,
            # coinsurance .20 (the entry's, not the request's .10 carried): 64 deductible
            "visits.2.lines.0.deductible": "64.00",
            "visits.2.patient_pays": "64.00",
            "totals.patient_pays": "76.80",
            "warnings": ["plan_year_reset"],
        },
        id="entry-in-effect-on-the-plan-year-start",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("99214"), VisitItem("J3490")))),
            start=date(2027, 12, 27),
            coverage=insured(
                copays={"office_visit": D("30")},
                coinsurance_by_category={"drug": D("0.50")},
                next_plan_year=year_amounts(copays={"office_visit": D("40")}),
            ),
        ),
        {
            # 12-27: copay 30; J3490 round(64 x .50) = 32
            "visits.0.patient_pays": "62.00",
            # 2028: copay 40 (next_plan_year); the drug .50 map entry carried: warned
            "visits.1.lines.0.copay": "40.00",
            "visits.1.lines.1.coinsurance": "32.00",
            "visits.1.patient_pays": "72.00",
            "totals.patient_pays": "134.00",
            "warning_set": [("plan_year_reset", None), ("next_year_benefits_assumed", None)],
        },
        id="map-entry-carried-with-warning",
    ),  # fmt: skip
]
CASES += [
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=insured(payer_=medicare(standard=PART_B[:2])),
        ),
        {
            # 2027 entry: deductible 300: 96365 300 + round(60 x .20) = 12; J3490 12.80
            "visits.0.patient_pays": "324.80",
            # no 2028 entry: the 2027 figures carried (met 0); nothing typed, no warning
            "visits.1.lines.0.deductible": "300.00",
            "visits.1.patient_pays": "324.80",
            "totals.patient_pays": "649.60",
            "warnings": ["plan_year_reset"],
        },
        id="standard-amounts-carried-without-warning",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=insured(
                deductible="300", coinsurance="0.20", family=Amounts(D("600")),
                next_plan_year=year_amounts(coinsurance="0.20", family=Amounts(D("400"))),
            ),
        ),
        {
            # 12-27: min(300, 600) = 300: 96365 300 + round(60 x .20) = 12; J3490 12.80
            "visits.0.patient_pays": "324.80",
            # 2028: next_plan_year has a family deductible and no individual one: the
            # family amount alone applies (the individual 300 is not carried):
            # 96365 deductible 360; J3490 deductible 40 + round(24 x .20) = 4.80
            "visits.1.lines.0.deductible": "360.00",
            "visits.1.lines.1.deductible": "40.00",
            "visits.1.patient_pays": "404.80",
            "totals.patient_pays": "729.60",
            "warnings": ["plan_year_reset"],
        },
        id="next-year-family-amount-alone",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=insured(
                coinsurance="0.20", out_of_pocket_max="5000",
                next_plan_year=year_amounts(coinsurance="0.20",
                                            family=Amounts(out_of_pocket_max=D("1000"))),
            ),
        ),
        {
            # 72 + 12.80 each visit, far below either limit. 2028: a family OOP maximum
            # and no individual one in next_plan_year: the family 1000 alone applies, the
            # individual 5000 is not carried: nothing carried, no warning
            "totals.patient_pays": "169.60",
            "warnings": ["plan_year_reset"],
        },
        id="next-year-family-oop-alone",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=insured(
                payer_=with_standard(entry(14, date(2028, 1, 1), coinsurance="0.30")),
                deductible="100", coinsurance="0.20", copays={"drug": D("5")},
            ),
        ),
        {
            # 12-27: 96365 100 + round(260 x .20) = 52; J3490 (drug): copay 5 -> 157
            "visits.0.lines.1.copay": "5.00",
            "visits.0.patient_pays": "157.00",
            # 2028, entry 14 gives coinsurance .30 only: no deductible, no drug copay
            # there (left out = missing, not carried): round(360 x .30) = 108; J3490
            # round(64 x .30) = 19.20
            "visits.1.lines.0.deductible": "0.00",
            "visits.1.lines.1.copay": "0.00",
            "visits.1.lines.1.coinsurance": "19.20",
            "visits.1.patient_pays": "127.20",
            "totals.patient_pays": "284.20",
            "warnings": ["plan_year_reset"],
        },
        id="an-amount-the-entry-leaves-out-is-missing",
    ),  # fmt: skip
]

@pytest.mark.parametrize("inputs, expected", CASES)
def test_plan_year_case(inputs, expected):
    expect(run(**inputs), expected)


def test_start_moved_over_an_anniversary():
    # closed on Friday 2027-12-31: the first visit moves to Saturday 2028-01-01 (the default
    # calendar opens every other day), the next plan year: deductible 200, met 0:
    # 200 + round(160 x .20) = 32 + J3490 12.80 = 244.80
    coverage = insured(
        deductible="100", deductible_met="100", coinsurance="0.20",
        next_plan_year=year_amounts(deductible="200", coinsurance="0.20"),
    )  # fmt: skip
    result = estimate(EstimateInput(
        plan(weekly(1)), SERVICES, date(2027, 12, 31), coverage,
        calendar=Calendar(closed_dates=frozenset({date(2027, 12, 31)})),
    ))  # fmt: skip
    expect(result, {
        "visits.0.date": "2028-01-01",
        "visits.0.patient_pays": "244.80",
        "warning_set": [("start_moved", None), ("plan_year_reset", None)],
        "warning:plan_year_reset@": {"date": "2028-01-01"},
        "warning:start_moved@": {"date": "2028-01-01"},
    })  # fmt: skip


@pytest.mark.parametrize(
    "coverage, field",
    [
        pytest.param(
            insured(payer_=medicare(), deductible_met="290"),  # 2026 entry: 283.00
            "coverage.benefits.deductible_met",
            id="deductible-met-above-part-b",
        ),
        pytest.param(
            insured(payer_=with_standard(entry(7, date(2026, 1, 1), deductible="500",
                                               out_of_pocket_max="2000")),
                    out_of_pocket_met="2500"),
            "coverage.benefits.out_of_pocket_met",
            id="oop-met-above-standard-entry",
        ),  # fmt: skip
        pytest.param(
            insured(deductible="100", deductible_met="150"),
            "coverage.benefits.deductible_met",
            id="deductible-met-above-request",
        ),
        pytest.param(
            insured(out_of_pocket_max="1000", out_of_pocket_met="1000.01"),
            "coverage.benefits.out_of_pocket_met",
            id="oop-met-above-request",
        ),
        pytest.param(
            insured(network="out", out_of_network=NetworkBenefits(D("100"), D("150"))),
            "coverage.benefits.out_of_network.deductible_met",
            id="out-of-network-deductible-met-above-its-total",
        ),
    ],
)
def test_met_above_the_resolved_total_is_refused(coverage, field):
    with pytest.raises(PricingError) as caught:
        run(plan(weekly(1)), coverage, start=date(2026, 12, 21))
    assert caught.value.field == field


def test_a_met_amount_checks_against_the_first_years_total_only():
    # 2026 entry 283, 2027 entry 300: met 290 at a 2027 start is below 300
    result = run(plan(weekly(1)), insured(payer_=medicare(), deductible_met="290"))
    # 2027-01-04: 10 left: 96365 deductible 10 + round(350 x .20) = 70; J3490 12.80
    expect(result, {"totals.patient_pays": "92.80", "totals.deductible": "10.00"})
