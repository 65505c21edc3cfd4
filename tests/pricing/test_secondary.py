"""Secondary coverage (domain.md 3.7): worked cases, every figure derived by hand.

Prices (builders.py, illustrative), allowed at 80% of the charge in network:
96365 360.00 (cash 400), J3490 64.00 (cash 60), 99213 20.00, 99214 160.00 (cash 150),
J0013 x 56 448.00 (cash 448). Start: Monday 2027-01-04.

The secondary pays part of each covered line's primary share S = deductible + copay +
coinsurance; the patient pays the rest (then programs, 3.6). Identities (section 4):
insurance_pays + secondary_pays + assistance_pays + patient_pays = allowed.

Unless a case says otherwise the primary is Original Medicare with the deductible and
coinsurance typed (283.00, 0.20; no standard benefits), so these cases do not depend on
3.4's standard benefits (test_plan_year_benefits.py has those).
"""

from dataclasses import replace
from datetime import date

import pytest

from costapi.pricing import (
    Amounts,
    Policy,
    PricingError,
    Program,
    Service,
    StandardBenefits,
    SupplementBenefits,
    VisitItem,
)

from .builders import INFUSION, SERVICES, SPRAVATO, D, insured, payer, plan, run, weekly
from .secondary_builders import (
    cob,
    expect,
    medicaid,
    medicare,
    medigap,
    other_payer,
    with_secondary,
    year_amounts,
)

TYPED_MEDICARE = medicare(standard=())
OFFICE_THEN_OTHER = (VisitItem("J3490"), VisitItem("99213"), VisitItem("99214"))
SAVINGS = Program(
    "savings", "Spravato savings program", ("J0013",), (), ("commercial",), D("10.00"), D("1000.00")
)
GRANT = Program("grant", "foundation grant", (), ("administration",), (), D("50.00"), D("1000.00"))


def part_b(secondary, **benefits):
    """Original Medicare primary (deductible 283.00, coinsurance 0.20 typed) + a secondary."""
    terms = {"deductible": "283", "coinsurance": "0.20", **benefits}
    return with_secondary(insured(payer_=TYPED_MEDICARE, **terms), secondary)


def commercial(secondary, **benefits):
    """The builders' commercial primary "acme" (80% allowed) + a secondary."""
    return with_secondary(insured(**benefits), secondary)


# Two weekly infusions under the typed Part B terms (primary, 3.4):
# V1 96365: deductible min(360, 283) = 283, coinsurance round(77 x .20) = 15.40,
#           S = 298.40, Medicare pays 61.60
#    J3490: coinsurance round(64 x .20) = 12.80 = S, Medicare pays 51.20
# V2 96365: coinsurance 72.00 = S, Medicare 288.00;  J3490: S 12.80, Medicare 51.20
# Medicare pays 61.60 + 51.20 + 288 + 51.20 = 452.00 of allowed 848.00; S total 396.00.
CASES = [
    # ----------------------------------------------------------------- supplement
    pytest.param(
        dict(the_plan=plan(weekly(2)), coverage=part_b(medigap())),
        {
            # Plan G (defaults: deductible not paid, share 1, no copay, no limit):
            # patient = D + (K - round(K x 1)) = D; the supplement pays K
            "visits.0.lines.0.patient_pays": "283.00",
            "visits.0.lines.0.secondary_pays": "15.40",  # 298.40 - 283
            "visits.0.lines.0.insurance_pays": "61.60",
            "visits.0.lines.1.patient_pays": "0.00",
            "visits.0.lines.1.secondary_pays": "12.80",
            "visits.1.lines.0.secondary_pays": "72.00",
            "visits.1.patient_pays": "0.00",
            "totals.patient_pays": "283.00",
            "totals.secondary_pays": "113.00",  # 15.40 + 12.80 + 72 + 12.80
            "totals.insurance_pays": "452.00",
            "totals.deductible": "283.00",  # the parts stay as the primary adjudicated
            "totals.coinsurance": "113.00",
            "totals.allowed": "848.00",  # 452 + 113 + 283
            "phases.0.secondary_pays": "113.00",
            "months.0.secondary_pays": "113.00",
            "plan_years.0.secondary_pays": "113.00",
            "warnings": [],
        },
        id="medigap-plan-g",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(2)), coverage=part_b(medigap(pays_part_b_deductible=True))),
        {
            # Plan F: patient = 0 + (K - K) = 0: the supplement pays every S
            "visits.0.lines.0.secondary_pays": "298.40",
            "visits.0.lines.0.patient_pays": "0.00",
            "totals.patient_pays": "0.00",
            "totals.secondary_pays": "396.00",  # 298.40 + 12.80 + 72 + 12.80
            "totals.net_patient_cost": "0.00",
            "warnings": [],
        },
        id="medigap-plan-f",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, OFFICE_THEN_OTHER)),
            coverage=part_b(medigap(office_visit_copay="20"), deductible_met="283"),
        ),
        {
            # deductible met: K = coinsurance; J3490 12.80, 99213 4.00, 99214 32.00.
            # The $20 is owed once a visit, taken first from the office lines (99213, then
            # 99214), only then from J3490, although J3490 comes first in the visit:
            # 99213 keep min(20, 4) = 4 -> 16 owed; 99214 keep min(16, 32) = 16 -> 0 owed;
            # J3490 keep 0.  Patient = keep + (K - keep) - round((K - keep) x 1) = keep.
            "visits.0.lines.0.patient_pays": "0.00",  # J3490
            "visits.0.lines.0.secondary_pays": "12.80",
            "visits.0.lines.1.patient_pays": "4.00",  # 99213
            "visits.0.lines.1.secondary_pays": "0.00",
            "visits.0.lines.2.patient_pays": "16.00",  # 99214
            "visits.0.lines.2.secondary_pays": "16.00",  # 32 - 16
            "visits.0.patient_pays": "20.00",  # the copay once, not once per office line
            "visits.1.patient_pays": "20.00",  # owed again the next visit
            "totals.patient_pays": "40.00",
            "totals.secondary_pays": "57.60",  # 2 x (12.80 + 0 + 16)
            "totals.insurance_pays": "390.40",  # 2 x (51.20 + 16 + 128)
            "totals.allowed": "488.00",  # 390.40 + 57.60 + 40
            "warnings": [],
        },
        id="medigap-plan-n-copay-once-per-visit",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3)),
            coverage=part_b(
                medigap(coinsurance_share="0.50", out_of_pocket_max="100", out_of_pocket_met="30"),
                deductible_met="283",
            ),
        ),
        {
            # Plan K: patient = K - round(K x .50), at most the limit's remaining 70.00
            # V1 96365: K 72 -> 36 (34 left);  J3490: K 12.80 -> 6.40 (27.60 left)
            "visits.0.lines.0.patient_pays": "36.00",
            "visits.0.lines.0.secondary_pays": "36.00",
            "visits.0.lines.1.patient_pays": "6.40",
            "visits.0.lines.1.secondary_pays": "6.40",
            # V2 96365: 36 -> capped at 27.60 (0 left), the supplement pays 72 - 27.60
            "visits.1.lines.0.patient_pays": "27.60",
            "visits.1.lines.0.secondary_pays": "44.40",
            "visits.1.lines.1.patient_pays": "0.00",
            "visits.1.lines.1.secondary_pays": "12.80",
            # V3: the limit is reached: the supplement pays every S
            "visits.2.patient_pays": "0.00",
            "visits.2.lines.0.secondary_pays": "72.00",
            "totals.patient_pays": "70.00",  # exactly the remaining 100 - 30
            "totals.secondary_pays": "184.40",  # S 3 x 84.80 = 254.40, less 70
            "warnings": [],
        },
        id="medigap-plan-k-reaches-yearly-limit",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3)),
            start=date(2027, 12, 20),
            coverage=part_b(
                medigap(
                    payer_=other_payer("medigap", "medicare_supplement", standard=(
                        StandardBenefits(11, date(2027, 1, 1), date(2027, 12, 31),
                                         coinsurance_share=D("0.50"),
                                         out_of_pocket_max=D("100")),
                        StandardBenefits(12, date(2028, 1, 1), date(2028, 12, 31),
                                         coinsurance_share=D("0.50"),
                                         out_of_pocket_max=D("120")),
                    )),  # fmt: skip
                    out_of_pocket_met="60",
                ),
                deductible="300",
                deductible_met="300",
                next_plan_year=year_amounts(deductible="320", coinsurance="0.20"),
            ),
        ),
        {
            # Plan K terms from the supplement payer's entry of each calendar year.
            # 2027 (entry 11: share .50, limit 100, met 60 -> 40 left), deductible met:
            # 12-20 96365: K 72 -> 36 (4 left); J3490: 6.40 -> capped 4 (0 left)
            "visits.0.lines.0.patient_pays": "36.00",
            "visits.0.lines.1.patient_pays": "4.00",
            "visits.0.lines.1.secondary_pays": "8.80",  # 12.80 - 4
            "visits.1.patient_pays": "0.00",  # 12-27: limit reached
            # 2028-01-03: Medicare's next year: deductible 320 (met 0), coinsurance .20:
            # 96365 D 320, K round(40 x .20) = 8.00, S 328; Medicare pays 32.00.
            # Supplement 2028 (entry 12: share .50, limit 120, met 0): patient
            # 320 + 8 - round(8 x .50) = 324 -> capped at 120; it pays 328 - 120
            "visits.2.lines.0.deductible": "320.00",
            "visits.2.lines.0.insurance_pays": "32.00",
            "visits.2.lines.0.patient_pays": "120.00",
            "visits.2.lines.0.secondary_pays": "208.00",
            "visits.2.lines.1.patient_pays": "0.00",  # limit reached again
            "visits.2.lines.1.secondary_pays": "12.80",
            "totals.patient_pays": "160.00",  # 36 + 4 + 120
            "totals.secondary_pays": "350.40",  # 36 + 8.80 + 72 + 12.80 + 208 + 12.80
            "plan_years.0.secondary_pays": "129.60",  # 36 + 8.80 + 72 + 12.80
            "plan_years.1.secondary_pays": "220.80",  # 208 + 12.80
            "plan_years.1.patient_pays": "120.00",
            # both reset on Jan 1: Medicare's plan year (default Jan 1), the supplement's
            # calendar year
            "warning_set": [("plan_year_reset", None), ("plan_year_reset", "medigap")],
            "warning:plan_year_reset@": {"date": "2028-01-01"},
            "warning:plan_year_reset@medigap": {"date": "2028-01-01"},
        },
        id="medigap-plan-k-resets-jan-1-terms-from-standard-entries",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("99214"),))),
            start=date(2027, 12, 27),
            coverage=part_b(
                medigap(
                    office_visit_copay="20",
                    next_plan_year=SupplementBenefits(pays_part_b_deductible=True),
                ),
                deductible_met="283",
                next_plan_year=year_amounts(deductible="283", coinsurance="0.20"),
            ),
        ),
        {
            # 12-27: 99214 K = round(160 x .20) = 32.00; keep the $20 copay, pays 12
            "visits.0.lines.0.patient_pays": "20.00",
            "visits.0.lines.0.secondary_pays": "12.00",
            # 2028-01-03: deductible 283 met 0: D = 160, K = 0. The next year pays the
            # deductible (next_plan_year); the copay 20 is carried: keep = min(20, K 0) = 0
            "visits.1.lines.0.deductible": "160.00",
            "visits.1.lines.0.patient_pays": "0.00",
            "visits.1.lines.0.secondary_pays": "160.00",
            "totals.patient_pays": "20.00",
            "totals.secondary_pays": "172.00",
            # the request's office_visit_copay carried into 2028
            "warning_set": [
                ("plan_year_reset", None),
                ("plan_year_reset", "medigap"),
                ("next_year_benefits_assumed", "medigap"),
            ],
            "warning:next_year_benefits_assumed@medigap": {"date": "2028-01-01"},
        },
        id="medigap-next-year-terms-and-carried-copay",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION, starts_after_days=30)),
            start=date(2027, 12, 20),
            coverage=part_b(
                medigap(coinsurance_share="0.50", out_of_pocket_max="100", out_of_pocket_met="95",
                        next_plan_year=SupplementBenefits(coinsurance_share=D("0.50"),
                                                          out_of_pocket_max=D("100"))),
                deductible_met="283",
                next_plan_year=year_amounts(deductible="283", coinsurance="0.20"),
            ),  # fmt: skip
        ),
        {
            # the only visit is 2028-01-19, after a 30-day gap: every plan year is the new
            # one, met 0 (the met amounts describe 2027-12-20).
            # Medicare: 96365 D 283, K round(77 x .20) = 15.40, S 298.40; J3490 S 12.80.
            # Plan K 2028 (limit 100, met 0): 283 + 15.40 - round(15.40 x .50) = 290.70
            # -> capped at 100 (0 left); J3490: 0
            "visits.0.date": "2028-01-19",
            "visits.0.lines.0.patient_pays": "100.00",
            "visits.0.lines.0.secondary_pays": "198.40",  # 298.40 - 100
            "visits.0.lines.1.secondary_pays": "12.80",
            "totals.patient_pays": "100.00",
            "totals.secondary_pays": "211.20",
            "warning_set": [("plan_year_reset", None), ("plan_year_reset", "medigap")],
            "warning:plan_year_reset@medigap": {"date": "2028-01-01"},
        },
        id="medigap-first-visit-in-a-later-year",
    ),
    # -------------------------------------------------------------------- medicaid
    pytest.param(
        dict(the_plan=plan(weekly(2)), coverage=part_b(medicaid())),
        {
            # copay_per_visit 0: Medicaid pays every S
            "visits.0.lines.0.secondary_pays": "298.40",
            "totals.patient_pays": "0.00",
            "totals.secondary_pays": "396.00",
            "totals.insurance_pays": "452.00",
            "warnings": ["medicaid_crossover"],
            "warning:medicaid_crossover@medicaid": {"date": "2027-01-04", "amount": "396.00"},
        },
        id="medicaid-pays-every-share",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("99213"), VisitItem("96365"), VisitItem("J3490")))),
            coverage=part_b(medicaid("5.00"), deductible_met="283"),
        ),
        {
            # S: 99213 4.00, 96365 72.00, J3490 12.80. The patient pays at most 5.00 a
            # visit, from the first lines: 99213 4.00, then 96365 1.00
            "visits.0.lines.0.patient_pays": "4.00",
            "visits.0.lines.0.secondary_pays": "0.00",
            "visits.0.lines.1.patient_pays": "1.00",
            "visits.0.lines.1.secondary_pays": "71.00",
            "visits.0.lines.2.patient_pays": "0.00",
            "visits.0.lines.2.secondary_pays": "12.80",
            "visits.0.patient_pays": "5.00",
            "visits.1.patient_pays": "5.00",
            "totals.patient_pays": "10.00",
            "totals.secondary_pays": "167.60",  # 2 x (0 + 71 + 12.80)
            "warnings": ["medicaid_crossover"],
            "warning:medicaid_crossover@medicaid": {"date": "2027-01-04", "amount": "167.60"},
        },
        id="medicaid-copay-per-visit",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 12, 27),
            coverage=part_b(
                medicaid(), next_plan_year=year_amounts(deductible="300", coinsurance="0.20")
            ),
        ),
        {
            # 12-27: S 298.40 + 12.80 (as above). 2028-01-03: Medicare's new year,
            # deductible 300: 96365 D 300 + round(60 x .20) = 12.00 -> S 312; J3490 12.80
            "visits.1.lines.0.secondary_pays": "312.00",
            "totals.patient_pays": "0.00",
            "totals.secondary_pays": "636.00",  # 298.40 + 12.80 + 312 + 12.80
            "plan_years.1.secondary_pays": "324.80",
            # the primary's reset only: Medicaid has no plan year here
            "warning_set": [("plan_year_reset", None), ("medicaid_crossover", "medicaid")],
            "warning:plan_year_reset@": {"date": "2028-01-01"},
            "warning:medicaid_crossover@medicaid": {"date": "2027-12-27", "amount": "636.00"},
        },
        id="medicaid-primary-plan-year-reset",
    ),
    # -------------------------------------------- standard and non_duplication (COB)
    # Primary acme: deductible 100, coinsurance .20. One infusion:
    # 96365: deductible 100, coinsurance round(260 x .20) = 52, S 152, acme pays 208
    # J3490: coinsurance 12.80 = S, acme pays 51.20
    # Secondary beta as if primary (deductible 50, coinsurance .10, its own accumulators):
    # 96365: deductible 50, coinsurance round(310 x .10) = 31, N = 360 - 81 = 279
    # J3490: deductible 0 (met), coinsurance 6.40, N = 57.60
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=commercial(
                cob("standard", deductible="50", coinsurance="0.10"),
                deductible="100",
                coinsurance="0.20",
            ),
        ),
        {
            "visits.0.lines.0.secondary_pays": "152.00",  # min(N 279, S 152)
            "visits.0.lines.0.patient_pays": "0.00",
            "visits.0.lines.1.secondary_pays": "12.80",  # min(57.60, 12.80)
            "totals.patient_pays": "0.00",
            "totals.secondary_pays": "164.80",
            "totals.insurance_pays": "259.20",  # 208 + 51.20
            "totals.deductible": "100.00",  # the primary's parts
            "warnings": [],
        },
        id="standard-same-line",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=commercial(
                cob("non_duplication", deductible="50", coinsurance="0.10"),
                deductible="100",
                coinsurance="0.20",
            ),
        ),
        {
            "visits.0.lines.0.secondary_pays": "71.00",  # max(0, min(279 - 208, 152))
            "visits.0.lines.0.patient_pays": "81.00",  # 152 - 71
            "visits.0.lines.1.secondary_pays": "6.40",  # min(57.60 - 51.20, 12.80)
            "visits.0.lines.1.patient_pays": "6.40",
            "totals.patient_pays": "87.40",
            "totals.secondary_pays": "77.40",
            "totals.insurance_pays": "259.20",  # 259.20 + 77.40 + 87.40 = 424
            "warnings": [],
        },
        id="non-duplication-same-line",
    ),
    # 99213, 99214, J3490. Primary acme: copay office_visit 30, coinsurance .20:
    # 99213 copay min(30, 20) = 20 (S 20, acme 0); 99214 copay 10 (S 10, acme 150);
    # J3490 coinsurance 12.80 (S 12.80, acme 51.20).
    # Secondary beta: copay office_visit 15, coinsurance .10, by category drug .50 and
    # office_visit .90 (a category with a copay uses the copay):
    # 99213 copay min(15, 20) = 15 -> N 5; 99214 copay owed 0 -> N 160;
    # J3490 coinsurance round(64 x .50) = 32 -> N 32.
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99213"), VisitItem("99214"), VisitItem("J3490")))),
            coverage=commercial(
                cob("standard", copays={"office_visit": D("15")}, coinsurance="0.10",
                    coinsurance_by_category={"drug": D("0.50"), "office_visit": D("0.90")}),
                copays={"office_visit": D("30")},
                coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            "visits.0.lines.0.secondary_pays": "5.00",  # min(5, 20)
            "visits.0.lines.0.patient_pays": "15.00",
            "visits.0.lines.1.secondary_pays": "10.00",  # min(160, 10)
            "visits.0.lines.2.secondary_pays": "12.80",  # min(32, 12.80)
            "totals.secondary_pays": "27.80",
            "totals.patient_pays": "15.00",
        },
        id="standard-copays-and-category-coinsurance",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99213"), VisitItem("99214"), VisitItem("J3490")))),
            coverage=commercial(
                cob("non_duplication", copays={"office_visit": D("15")}, coinsurance="0.10",
                    coinsurance_by_category={"drug": D("0.50"), "office_visit": D("0.90")}),
                copays={"office_visit": D("30")},
                coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            "visits.0.lines.0.secondary_pays": "5.00",  # min(5 - 0, 20)
            "visits.0.lines.1.secondary_pays": "10.00",  # min(160 - 150, 10)
            "visits.0.lines.2.secondary_pays": "0.00",  # max(0, min(32 - 51.20, 12.80))
            "visits.0.lines.2.patient_pays": "12.80",
            "totals.secondary_pays": "15.00",
            "totals.patient_pays": "27.80",  # 15 + 0 + 12.80
        },
        id="non-duplication-copays-and-category-coinsurance",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3, (VisitItem("J3490"),))),
            start=date(2027, 1, 18),
            coverage=commercial(
                cob("standard", deductible="100", plan_year_start=date(2026, 2, 1),
                    next_plan_year=year_amounts(deductible="100")),
                coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            # acme: S 12.80 each visit (no deductible). beta's own plan year, from Feb 1:
            # 01-18: deductible 64 (36 left), N 0 -> pays 0
            "visits.0.lines.0.secondary_pays": "0.00",
            "visits.0.patient_pays": "12.80",
            # 01-25: deductible 36, N 28 -> min(28, 12.80)
            "visits.1.lines.0.secondary_pays": "12.80",
            "visits.1.patient_pays": "0.00",
            # 02-01: beta's anniversary, deductible 100 again: 64 -> N 0
            "visits.2.lines.0.secondary_pays": "0.00",
            "visits.2.patient_pays": "12.80",
            "totals.patient_pays": "25.60",
            "totals.secondary_pays": "12.80",
            "plan_years.0.start": "2027-01-01",  # plan_years are the primary's
            "plan_years.0.visits": 3,
            "warning_set": [("plan_year_reset", "beta")],
            "warning:plan_year_reset@beta": {"date": "2027-02-01"},
        },
        id="standard-secondary-own-plan-year-reset",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3, (VisitItem("J3490"),))),
            start=date(2027, 6, 21),
            coverage=commercial(
                cob("non_duplication", deductible="50", deductible_met="50",
                    next_plan_year=year_amounts(deductible="50")),
                plan_year_start=date(2026, 7, 1),
                deductible="100",
                deductible_met="100",
                coinsurance="0.20",
                next_plan_year=year_amounts(deductible="100", coinsurance="0.20"),
            ),  # fmt: skip
        ),
        {
            # beta's plan_year_start defaults to acme's: both reset on 2027-07-01.
            # 06-21, 06-28: acme S 12.80, pays 51.20; beta N 64 -> min(64 - 51.20, 12.80)
            "visits.0.lines.0.secondary_pays": "12.80",
            "visits.1.lines.0.secondary_pays": "12.80",
            # 07-05: acme deductible 64 = S, pays 0; beta deductible 50 -> N 14:
            # max(0, min(14 - 0, 64)) = 14
            "visits.2.lines.0.deductible": "64.00",
            "visits.2.lines.0.secondary_pays": "14.00",
            "visits.2.lines.0.patient_pays": "50.00",
            "totals.patient_pays": "50.00",
            "totals.secondary_pays": "39.60",  # 12.80 + 12.80 + 14
            "totals.insurance_pays": "102.40",  # 2 x 51.20
            "plan_years.0.secondary_pays": "25.60",
            "plan_years.1.secondary_pays": "14.00",
            "warning_set": [("plan_year_reset", None), ("plan_year_reset", "beta")],
            "warning:plan_year_reset@": {"date": "2027-07-01"},
            "warning:plan_year_reset@beta": {"date": "2027-07-01"},
        },
        id="non-duplication-shared-plan-year-reset",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=commercial(
                cob("standard", policies=[Policy(90, service="J3490", covered=False,
                                                 reason="Not a benefit")]),
                coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            # beta (no cost sharing: N = allowed) covers 96365: pays S 72; its policy
            # refuses J3490: it pays 0 there, the patient keeps S 12.80
            "visits.0.lines.0.secondary_pays": "72.00",
            "visits.0.lines.1.covered": True,  # acme covers it
            "visits.0.lines.1.secondary_pays": "0.00",
            "visits.0.lines.1.patient_pays": "12.80",
            "totals.patient_pays": "12.80",
            "totals.secondary_pays": "72.00",
        },
        id="standard-secondary-policy-refuses-a-line",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3)),
            coverage=commercial(
                cob("standard", visits_used={91: 1},
                    policies=[Policy(91, modality="ketamine_iv", max_visits_per_year=2)]),
                coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            # beta's own count: 1 used + 01-04 = 2, then over its limit; acme has no limit
            "visits.0.lines.0.secondary_pays": "72.00",
            "visits.0.lines.1.secondary_pays": "12.80",  # one visit counts once
            "visits.1.lines.0.covered": True,
            "visits.1.lines.0.secondary_pays": "0.00",
            "visits.1.patient_pays": "84.80",  # 72 + 12.80
            "visits.2.patient_pays": "84.80",
            "totals.secondary_pays": "84.80",
            "totals.patient_pays": "169.60",
        },
        id="standard-secondary-own-visit-limit",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=commercial(
                cob("standard", policies=[Policy(92, modality="ketamine_iv",
                                                 diagnosis_codes=("F33.*",))]),
                coinsurance="0.20",
                diagnosis=("F43.10",),
            ),  # fmt: skip
        ),
        {
            # the estimate's diagnosis F43.10 does not match beta's F33.*: beta pays 0
            "totals.secondary_pays": "0.00",
            "totals.patient_pays": "84.80",
        },
        id="standard-secondary-diagnosis-refuses",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=commercial(
                cob("non_duplication", policies=[Policy(93, modality="ketamine_iv",
                                                        prior_authorization=True)]),
                coinsurance="0.20",
                authorization="denied",
            ),  # fmt: skip
        ),
        {
            # acme needs no authorization; beta's policy does and it was denied
            "visits.0.lines.0.covered": True,
            "totals.secondary_pays": "0.00",
            "totals.patient_pays": "84.80",
        },
        id="non-duplication-secondary-authorization-denied",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            coverage=with_secondary(
                insured(payer_=payer(policies=[Policy(5, service="J3490", covered=False,
                                                      reason="Excluded")]),
                        coinsurance="0.20"),
                cob("standard"),
            ),  # fmt: skip
        ),
        {
            # acme refuses J3490: the patient pays its cash 60, beta pays nothing there;
            # beta has no policy for it (covered): secondary_may_cover, cash 2 x 60
            "visits.0.lines.1.covered": False,
            "visits.0.lines.1.secondary_pays": "0.00",
            "visits.0.lines.1.patient_pays": "60.00",
            "visits.0.lines.0.secondary_pays": "72.00",  # 96365 S
            "totals.secondary_pays": "144.00",
            "totals.patient_pays": "120.00",
            "warning_set": [("not_covered", None), ("secondary_may_cover", "beta")],
            "warning:secondary_may_cover@beta": {"date": "2027-01-04", "amount": "120.00"},
        },
        id="secondary-may-cover",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            coverage=with_secondary(
                insured(payer_=payer(policies=[Policy(5, service="J3490", covered=False,
                                                      reason="Excluded")]),
                        coinsurance="0.20"),
                cob("non_duplication", policies=[Policy(94, category="drug", covered=False)]),
            ),  # fmt: skip
        ),
        {
            # beta's own policy excludes drugs too: no secondary_may_cover
            "totals.secondary_pays": "144.00",  # 96365 only: min(360 - 288, 72) x 2
            "warning_set": [("not_covered", None)],
        },
        id="secondary-would-not-cover-either",
    ),
    # --------------------------------------------------------- programs after it
    pytest.param(
        dict(
            the_plan=plan(weekly(1, SPRAVATO), modality="esketamine_nasal"),
            coverage=commercial(
                cob("standard", deductible="300", coinsurance="0.50"),
                deductible="500",
                coinsurance="0.20",
                programs=(SAVINGS,),
            ),
        ),
        {
            # acme: J0013 deductible 448 = S, pays 0; 99214 deductible 52 + coinsurance
            # round(108 x .20) = 21.60, S 73.60, pays 86.40.
            # beta: J0013 deductible 300 + round(148 x .50) = 74 -> N 74: pays min(74, 448);
            # 99214 deductible 0 + round(160 x .50) = 80 -> N 80: pays min(80, 73.60)
            # savings (both payers commercial): J0013 patient 448 - 74 = 374, pays
            # min(374 - 10, 1000) = 364
            "visits.0.lines.0.secondary_pays": "74.00",
            "visits.0.lines.0.assistance_pays": "364.00",
            "visits.0.lines.0.patient_pays": "10.00",
            "visits.0.lines.0.deductible": "448.00",  # = 10 + 74 + 364
            "visits.0.lines.1.secondary_pays": "73.60",
            "visits.0.lines.1.patient_pays": "0.00",
            "totals.patient_pays": "10.00",
            "totals.secondary_pays": "147.60",
            "totals.assistance_pays": "364.00",
            "totals.insurance_pays": "86.40",  # 86.40 + 147.60 + 364 + 10 = 608
            "warnings": [],
        },
        id="standard-then-savings-program",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, SPRAVATO), modality="esketamine_nasal"),
            coverage=commercial(
                cob("standard", kind="other", deductible="300", coinsurance="0.50"),
                deductible="500",
                coinsurance="0.20",
                programs=(SAVINGS,),
            ),
        ),
        {
            # the secondary's kind (other) is not in the program's kinds: it pays nothing
            "visits.0.lines.0.secondary_pays": "74.00",
            "visits.0.lines.0.patient_pays": "374.00",
            "totals.assistance_pays": "0.00",
            "totals.patient_pays": "374.00",
            "warnings": ["assistance_not_applicable"],
        },
        id="program-not-for-the-secondary-kind",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(1)), coverage=part_b(medigap(), programs=(GRANT,))),
        {
            # Plan G leaves the patient the deductible part: 96365 283; the grant (any
            # payer kind, administration) then pays min(283 - 50, 1000) = 233
            "visits.0.lines.0.secondary_pays": "15.40",
            "visits.0.lines.0.assistance_pays": "233.00",
            "visits.0.lines.0.patient_pays": "50.00",
            "totals.patient_pays": "50.00",
            "totals.secondary_pays": "28.20",  # 15.40 + 12.80
            "warnings": [],
        },
        id="medigap-then-grant",
    ),
]

EVALUATION = {**SERVICES, "90792": Service("90792", "evaluation", D("250.00"))}  # allowed 200
EXCLUDES_J3490 = (Policy(5, service="J3490", covered=False, reason="Excluded"),)

CASES += [
    # ------------------------------------------------------- more supplement cases
    pytest.param(
        dict(the_plan=plan(weekly(1)),
             coverage=part_b(medigap(office_visit_copay="20"), deductible_met="283")),
        {
            # no office line: the $20 comes from the covered lines in line order:
            # 96365 K 72 -> keep 20, the supplement pays 52; J3490 keep 0, pays 12.80
            "visits.0.lines.0.patient_pays": "20.00",
            "visits.0.lines.0.secondary_pays": "52.00",
            "visits.0.lines.1.secondary_pays": "12.80",
            "totals.patient_pays": "20.00",
        },
        id="medigap-plan-n-no-office-line",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("J3490"), VisitItem("90792"), VisitItem("99213")))),
            services=EVALUATION,
            coverage=part_b(medigap(office_visit_copay="20"), deductible_met="283"),
        ),
        {
            # K: J3490 12.80, 90792 round(200 x .20) = 40, 99213 4. Office and evaluation
            # lines first, in line order: 90792 keeps the whole 20; 99213 and J3490 keep 0
            "visits.0.lines.0.secondary_pays": "12.80",
            "visits.0.lines.1.patient_pays": "20.00",
            "visits.0.lines.1.secondary_pays": "20.00",
            "visits.0.lines.2.patient_pays": "0.00",
            "visits.0.lines.2.secondary_pays": "4.00",
            "totals.patient_pays": "20.00",
            "totals.secondary_pays": "36.80",
        },
        id="medigap-plan-n-evaluation-line-first",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("99214"),))),
            coverage=part_b(medigap(office_visit_copay="20"), deductible_met="183"),
        ),
        {
            # V1 99214: D = 100 (283 - 183), K = round(60 x .20) = 12; keep min(20, 12) = 12;
            # patient 100 + 12 + 0 = 112 (Plan N does not pay the deductible)
            "visits.0.lines.0.patient_pays": "112.00",
            "visits.0.lines.0.secondary_pays": "0.00",
            # V2: K 32, keep 20, pays 12
            "visits.1.lines.0.patient_pays": "20.00",
            "visits.1.lines.0.secondary_pays": "12.00",
            "totals.patient_pays": "132.00",
        },
        id="medigap-plan-n-copay-from-coinsurance-only",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(1)),
             coverage=with_secondary(
                 insured(payer_=medicare(standard=(), policies=EXCLUDES_J3490),
                         deductible="283", coinsurance="0.20"),
                 medigap())),
        {
            # Medicare excludes J3490: the patient pays its cash 60, the supplement nothing
            # there (and no secondary_may_cover: a supplement has no policies of its own);
            # 96365 as Plan G: patient 283, supplement 15.40
            "visits.0.lines.1.covered": False,
            "visits.0.lines.1.secondary_pays": "0.00",
            "visits.0.lines.1.patient_pays": "60.00",
            "totals.secondary_pays": "15.40",
            "totals.patient_pays": "343.00",
            "warning_set": [("not_covered", None)],
        },
        id="medigap-nothing-on-a-line-medicare-refuses",
    ),  # fmt: skip
    pytest.param(
        dict(the_plan=plan(weekly(1)),
             coverage=part_b(medicaid("100.00"), deductible_met="283")),
        {
            # S 72 + 12.80 = 84.80 <= 100: the patient pays it all, Medicaid nothing, and
            # so no medicaid_crossover
            "totals.patient_pays": "84.80",
            "totals.secondary_pays": "0.00",
            "warnings": [],
        },
        id="medicaid-copay-above-the-shares",
    ),  # fmt: skip
    # ------------------------------------------------------------ more COB cases
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=commercial(
                cob("non_duplication", deductible="500", out_of_pocket_max="50",
                    coinsurance="0.50"),
                deductible="100", coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            # beta's OOP maximum 50: 96365 deductible min(360, 500, 50) = 50, coinsurance
            # min(155, 0) = 0 -> N 310; pays min(310 - 208, 152) = 102
            "visits.0.lines.0.secondary_pays": "102.00",
            "visits.0.lines.0.patient_pays": "50.00",
            # J3490: beta's OOP met -> N 64; pays min(64 - 51.20, 12.80) = 12.80
            "visits.0.lines.1.secondary_pays": "12.80",
            "totals.secondary_pays": "114.80",
            "totals.patient_pays": "50.00",
        },
        id="non-duplication-secondary-oop-maximum",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            coverage=commercial(cob("standard", deductible="300"), coinsurance="0.20"),
        ),
        {
            # beta's deductible grows by its parts, not by what it pays:
            # V1 96365: deductible 300 -> N 60, pays min(60, 72) = 60 (patient 12);
            # J3490: deductible met -> N 64, pays 12.80; V2: N = allowed, pays every S
            "visits.0.lines.0.secondary_pays": "60.00",
            "visits.0.lines.0.patient_pays": "12.00",
            "visits.0.lines.1.secondary_pays": "12.80",
            "visits.1.patient_pays": "0.00",
            "totals.secondary_pays": "157.60",  # 60 + 12.80 + 72 + 12.80
            "totals.patient_pays": "12.00",
        },
        id="standard-secondary-accumulates-its-own-parts",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("J3490"),))),
            start=date(2027, 12, 27),
            coverage=commercial(
                cob("standard", coinsurance="0.10",
                    standard=(StandardBenefits(30, date(2027, 1, 1), date(2027, 12, 31),
                                               deductible=D("60")),)),
                coinsurance="0.20",
                next_plan_year=year_amounts(coinsurance="0.20"),
            ),  # fmt: skip
        ),
        {
            # acme: S 12.80 each visit. beta: 2027 deductible 60 from its entry,
            # coinsurance .10 typed: 60 + round(4 x .10) = 0.40 -> N 3.60, pays 3.60
            "visits.0.lines.0.secondary_pays": "3.60",
            # 2028: no entry, no next_plan_year: deductible 60 and coinsurance .10 carried
            # (met 0 again): N 3.60 again. The coinsurance was typed: warned
            "visits.1.lines.0.secondary_pays": "3.60",
            "totals.secondary_pays": "7.20",
            "totals.patient_pays": "18.40",  # 2 x 9.20
            "warning_set": [
                ("plan_year_reset", None),
                ("plan_year_reset", "beta"),
                ("next_year_benefits_assumed", "beta"),
            ],
            "warning:next_year_benefits_assumed@beta": {"date": "2028-01-01"},
        },
        id="standard-secondary-standard-entry-then-carried",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            coverage=with_secondary(
                insured(payer_=payer(policies=[Policy(7, modality="ketamine_iv",
                                                      max_visits_per_year=1)]),
                        coinsurance="0.20"),
                cob("standard", policies=[Policy(70, modality="ketamine_iv",
                                                 max_visits_per_year=1)]),
            ),
        ),
        {
            # V1: both cover; beta (no cost sharing) pays S 84.80 and uses its one visit.
            # V2: acme's limit refuses both lines (cash 400 + 60 = 460); beta's policy would
            # cover them (visit limits are not counted for this warning)
            "visits.0.patient_pays": "0.00",
            "visits.1.lines.0.reason": "visit_limit",
            "visits.1.patient_pays": "460.00",
            "totals.secondary_pays": "84.80",
            "warning_set": [("visit_limit", None), ("secondary_may_cover", "beta")],
            "warning:secondary_may_cover@beta": {"date": "2027-01-11", "amount": "460.00"},
        },
        id="secondary-may-cover-over-the-primary-visit-limit",
    ),  # fmt: skip
]
CASES += [
    pytest.param(
        dict(
            the_plan=plan(weekly(2, SPRAVATO), modality="esketamine_nasal"),
            coverage=commercial(
                cob("standard", coinsurance="0.50"),
                deductible="500", coinsurance="0.20", accumulator_program=True,
                programs=(SAVINGS,),
            ),
        ),
        {
            # V1 acme: J0013 deductible 448 (52 left); 99214 deductible 52 + round(108 x
            # .20) = 21.60. beta (coinsurance .50 only): J0013 N 224 -> pays 224; 99214
            # N 80 -> pays 73.60. Savings: J0013 224 - 10 = 214 -> patient 10.
            "visits.0.lines.0.secondary_pays": "224.00",
            "visits.0.lines.0.assistance_pays": "214.00",
            "visits.0.patient_pays": "10.00",
            # copay accumulator (acme's accumulators only): deductible met 500 - min(214,
            # 448) = 286, so 214 left. V2 J0013: deductible 214 + round(234 x .20) = 46.80,
            # S 260.80, acme pays 187.20; beta N 224 -> pays 224; savings 36.80 - 10 = 26.80
            "visits.1.lines.0.deductible": "214.00",
            "visits.1.lines.0.coinsurance": "46.80",
            "visits.1.lines.0.secondary_pays": "224.00",
            "visits.1.lines.0.assistance_pays": "26.80",
            # 99214: deductible met: coinsurance 32 = S; beta N 80 -> pays 32
            "visits.1.lines.1.secondary_pays": "32.00",
            "visits.1.patient_pays": "10.00",
            "totals.secondary_pays": "553.60",  # 224 + 73.60 + 224 + 32
            "totals.assistance_pays": "240.80",  # 214 + 26.80
            "totals.insurance_pays": "401.60",  # 86.40 + 187.20 + 128
            "totals.patient_pays": "20.00",  # 401.60 + 553.60 + 240.80 + 20 = 1216
        },
        id="standard-then-savings-with-copay-accumulator",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            start=date(2027, 1, 25),
            coverage=commercial(
                cob("standard", plan_year_start=date(2026, 2, 1), visits_used={91: 1},
                    policies=[Policy(91, modality="ketamine_iv", max_visits_per_year=1)]),
                coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            # beta's visit used before the start fills its 2026-02-01 year: 01-25 nothing;
            # its count restarts on its anniversary 2027-02-01: pays S 84.80
            "visits.0.patient_pays": "84.80",
            "visits.1.patient_pays": "0.00",
            "visits.1.lines.0.secondary_pays": "72.00",
            "totals.secondary_pays": "84.80",
            "warning:plan_year_reset@beta": {"date": "2027-02-01"},
        },
        id="standard-secondary-visit-count-restarts-on-its-anniversary",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3, (VisitItem("J3490"),))),
            start=date(2027, 6, 21),
            coverage=part_b(
                medigap(coinsurance_share="0.50", out_of_pocket_max="100", out_of_pocket_met="30"),
                plan_year_start=date(2026, 7, 1),
                deductible_met="283",
                next_plan_year=year_amounts(deductible="283", coinsurance="0.20"),
            ),
        ),
        {
            # Plan K, 70 left this calendar year. 06-21, 06-28: K 12.80 -> 6.40 each
            "visits.0.lines.0.patient_pays": "6.40",
            "visits.1.lines.0.patient_pays": "6.40",  # 57.20 left
            # 07-05: the primary's new plan year (deductible 283 again): D 64, K 0 ->
            # 64, capped at 57.20: the supplement's limit runs by calendar year, no reset
            "visits.2.lines.0.deductible": "64.00",
            "visits.2.lines.0.patient_pays": "57.20",
            "visits.2.lines.0.secondary_pays": "6.80",
            "totals.patient_pays": "70.00",
            "totals.secondary_pays": "19.60",  # 6.40 + 6.40 + 6.80
            "warning_set": [("plan_year_reset", None)],
            "warning:plan_year_reset@": {"date": "2027-07-01"},
        },
        id="medigap-calendar-year-beside-a-july-primary-year",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            start=date(2027, 6, 7),
            coverage=part_b(
                medigap(payer_=other_payer("medigap", "medicare_supplement", standard=(
                    StandardBenefits(14, date(2027, 3, 1), None, coinsurance_share=D("0.50")),
                ))),
                deductible_met="283",
            ),
        ),
        {
            # the entry starts 2027-03-01, so none is in effect on Jan 1, 2027: defaults
            # (share 1): the supplement pays S 72 + 12.80
            "totals.secondary_pays": "84.80",
            "totals.patient_pays": "0.00",
        },
        id="medigap-entry-not-in-effect-on-jan-1",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("J3490"), VisitItem("99214")))),
            coverage=part_b(
                medigap(coinsurance_share="0.50", out_of_pocket_max="100", out_of_pocket_met="80"),
                deductible_met="283",
            ),
        ),
        {
            # Plan K, 20 left. The office line first, then the others in line order:
            # 99214 K 32 -> 16 (4 left); then J3490 K 12.80 -> 6.40, capped at 4
            "visits.0.lines.0.patient_pays": "4.00",  # J3490
            "visits.0.lines.0.secondary_pays": "8.80",
            "visits.0.lines.1.patient_pays": "16.00",  # 99214
            "visits.0.lines.1.secondary_pays": "16.00",
            "totals.patient_pays": "20.00",
            "totals.secondary_pays": "24.80",
        },
        id="medigap-plan-k-limit-office-line-first",
    ),
]
CASES += [
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=commercial(
                cob("non_duplication", deductible="300", family=Amounts(D("200"), D("150"))),
                coinsurance="0.20",
            ),
        ),
        {
            # beta's deductible remaining: min(300, 200 - 150) = 50.
            # 96365: N = 360 - 50 = 310; pays max(0, min(310 - 288, 72)) = 22
            "visits.0.lines.0.secondary_pays": "22.00",
            # J3490: family deductible met -> N 64; pays min(64 - 51.20, 12.80) = 12.80
            "visits.0.lines.1.secondary_pays": "12.80",
            "totals.secondary_pays": "34.80",
            "totals.patient_pays": "50.00",  # 84.80 - 34.80
        },
        id="non-duplication-secondary-family-deductible",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("J3490"),))),
            start=date(2027, 1, 25),
            coverage=commercial(
                cob("standard", plan_year_start=date(2026, 2, 1),
                    standard=(StandardBenefits(31, date(2027, 1, 1), deductible=D("100")),)),
                coinsurance="0.20",
            ),  # fmt: skip
        ),
        {
            # beta's first year starts 2026-02-01, before its entry: deductible 0, N 64,
            # pays S 12.80. 2027-02-01: the entry (deductible 100) is in effect on that
            # year's start: deductible 64 -> N 0, pays 0
            "visits.0.lines.0.secondary_pays": "12.80",
            "visits.1.lines.0.secondary_pays": "0.00",
            "visits.1.patient_pays": "12.80",
            "warning_set": [("plan_year_reset", "beta")],  # nothing typed was carried
            "warning:plan_year_reset@beta": {"date": "2027-02-01"},
        },
        id="standard-secondary-entry-from-its-own-year-start",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=with_secondary(
                insured(payer_=payer(policies=EXCLUDES_J3490), coinsurance="0.20",
                        authorization="denied"),
                cob("standard", policies=[Policy(95, service="J3490", prior_authorization=True)]),
            ),
        ),
        {
            # beta needs authorization for J3490 and it was denied (step 4): it would not
            # cover the line acme refuses, so no secondary_may_cover; 96365: pays S 72
            "totals.secondary_pays": "72.00",
            "totals.patient_pays": "60.00",  # J3490's cash
            "warning_set": [("not_covered", None)],
        },
        id="secondary-may-cover-not-when-its-authorization-is-denied",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=with_secondary(
                insured(payer_=payer(policies=EXCLUDES_J3490), coinsurance="0.20",
                        diagnosis=("F33.2",)),
                cob("standard", policies=[Policy(96, service="J3490",
                                                 diagnosis_codes=("F33.*",))]),
            ),
        ),
        {
            # the estimate's F33.2 matches beta's F33.*: beta would cover J3490 (cash 60)
            "warning:secondary_may_cover@beta": {"date": "2027-01-04", "amount": "60.00"},
        },
        id="secondary-may-cover-with-a-matching-diagnosis",
    ),  # fmt: skip
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=with_secondary(
                insured(payer_=payer(policies=EXCLUDES_J3490), coinsurance="0.20",
                        diagnosis=("F43.10",)),
                cob("standard", policies=[Policy(96, service="J3490",
                                                 diagnosis_codes=("F33.*",))]),
            ),
        ),
        {
            # F43.10 does not match: beta would refuse J3490 too
            "warning_set": [("not_covered", None)],
        },
        id="secondary-may-cover-not-for-another-diagnosis",
    ),  # fmt: skip
]

@pytest.mark.parametrize("inputs, expected", CASES)
def test_secondary_case(inputs, expected):
    expect(run(**inputs), expected)


def test_without_a_secondary_nothing_is_reported_as_secondary():
    result = run(plan(weekly(2)), insured(coinsurance="0.20"))
    expect(result, {"totals.secondary_pays": "0.00", "visits.0.lines.0.secondary_pays": "0.00",
                    "totals.patient_pays": "169.60"})  # fmt: skip


# ------------------------------------------------------------------- refusals (422)
MISFITS = [
    pytest.param(insured(), medigap(), id="supplement-on-commercial-primary"),
    pytest.param(
        insured(payer_=payer(kind="medicare_advantage")), medigap(), id="supplement-on-advantage"
    ),
    pytest.param(
        insured(payer_=TYPED_MEDICARE),
        medigap(payer_=other_payer("gap", "commercial")),
        id="supplement-payer-not-medigap",
    ),
    pytest.param(
        insured(payer_=TYPED_MEDICARE),
        medicaid(payer_=other_payer("state", "commercial")),
        id="medicaid-payer-not-medicaid",
    ),
    pytest.param(insured(), cob("standard", kind="medicaid"), id="standard-with-medicaid"),
    pytest.param(
        insured(), cob("non_duplication", kind="medicare"), id="non-duplication-with-medicare"
    ),
    pytest.param(
        insured(payer_=TYPED_MEDICARE),
        cob("standard", kind="medicare_supplement"),
        id="standard-with-medigap",
    ),
]


@pytest.mark.parametrize("primary, secondary", MISFITS)
def test_method_must_fit_the_payers(primary, secondary):
    with pytest.raises(PricingError) as caught:
        run(plan(weekly(1)), with_secondary(primary, secondary))
    assert caught.value.field == "coverage.secondary.method"


def test_out_of_network_with_a_secondary_is_refused():
    coverage = with_secondary(insured(network="out"), cob("standard"))
    with pytest.raises(PricingError) as caught:
        run(plan(weekly(1)), coverage)
    assert caught.value.field == "coverage.secondary"


MET_ABOVE = [
    pytest.param(
        cob("standard", deductible="50", deductible_met="80"),
        "coverage.secondary.benefits.deductible_met",
        id="standard-deductible-met-above-request",
    ),
    pytest.param(
        cob("standard", deductible_met="45",
            standard=(StandardBenefits(20, date(2026, 1, 1), deductible=D("40")),)),
        "coverage.secondary.benefits.deductible_met",
        id="standard-deductible-met-above-standard-entry",
    ),  # fmt: skip
    pytest.param(
        cob("non_duplication", out_of_pocket_max="1000", out_of_pocket_met="1000.01"),
        "coverage.secondary.benefits.out_of_pocket_met",
        id="non-duplication-oop-met-above-request",
    ),
]


@pytest.mark.parametrize("secondary, field", MET_ABOVE)
def test_a_secondary_met_above_its_total_is_refused(secondary, field):
    with pytest.raises(PricingError) as caught:
        run(plan(weekly(1)), commercial(secondary, coinsurance="0.20"))
    assert caught.value.field == field


@pytest.mark.parametrize(
    "secondary",
    [
        pytest.param(medigap(out_of_pocket_max="100", out_of_pocket_met="150"), id="request"),
        pytest.param(
            medigap(
                payer_=other_payer("medigap", "medicare_supplement", standard=(
                    StandardBenefits(13, date(2027, 1, 1), date(2027, 12, 31),
                                     coinsurance_share=D("0.50"), out_of_pocket_max=D("100")),
                )),
                out_of_pocket_met="150",
            ),
            id="standard-entry",
        ),  # fmt: skip
    ],
)
def test_a_supplement_met_above_its_limit_is_refused(secondary):
    with pytest.raises(PricingError) as caught:
        run(plan(weekly(1)), part_b(secondary))
    assert caught.value.field == "coverage.secondary.benefits.out_of_pocket_met"


def test_met_equal_to_the_total_is_fine():
    # Plan K with its limit already met: the supplement pays every S (72 + 12.80)
    secondary = medigap(coinsurance_share="0.50", out_of_pocket_max="100", out_of_pocket_met="100")
    result = run(plan(weekly(1)), part_b(secondary, deductible_met="283"))
    expect(result, {"totals.patient_pays": "0.00", "totals.secondary_pays": "84.80"})


def offered_savings(kind):
    """Spravato (J0013 448 + 99214 160) on acme (deductible 500, coinsurance .20) with a
    standard second plan of `kind` (coinsurance .50), the savings program live but not
    requested."""
    coverage = commercial(cob("standard", kind=kind, deductible="300", coinsurance="0.50"),
                          deductible="500", coinsurance="0.20")  # fmt: skip
    return run(plan(weekly(1, SPRAVATO), modality="esketamine_nasal"),
               replace(coverage, available_programs=(SAVINGS,)))  # fmt: skip


def test_program_available_counts_the_secondary():
    # as standard-then-savings: without the program the patient pays 374 (J0013) + 0;
    # with it 10: the saving is 364. Cash 448 + 150 = 598 is not cheaper than 374.
    expect(offered_savings("commercial"), {
        "totals.patient_pays": "374.00",
        "totals.secondary_pays": "147.60",
        "warnings": ["program_available"],
        "warning:program_available": {"amount": "364.00"},
    })  # fmt: skip


def test_program_available_not_offered_when_the_secondary_kind_is_not_allowed():
    # the savings program admits commercial plans only; the second plan is "other"
    expect(offered_savings("other"), {"totals.patient_pays": "374.00", "warnings": []})


@pytest.mark.parametrize(
    "kinds, patient, assistance, warnings",
    [
        # Plan G leaves the deductible part 283 on 96365; a grant of 283 - 50 = 233 when
        # it admits both payers' kinds, nothing (and a warning) when it names Medicare only
        pytest.param(("medicare",), "283.00", "0.00", ["assistance_not_applicable"],
                     id="primary-kind-only"),
        pytest.param(("medicare", "medicare_supplement"), "50.00", "233.00", [],
                     id="both-kinds"),
    ],
)  # fmt: skip
def test_a_program_needs_both_payers_kinds(kinds, patient, assistance, warnings):
    grant = Program("grant", "foundation grant", (), ("administration",), kinds, D("50.00"),
                    D("1000.00"))  # fmt: skip
    result = run(plan(weekly(1)), part_b(medigap(), programs=(grant,)))
    expect(result, {"totals.patient_pays": patient, "totals.assistance_pays": assistance,
                    "totals.secondary_pays": "28.20", "warnings": warnings})  # fmt: skip
