"""Worked cases: every expectation computed by hand, the arithmetic beside it.

Prices (tests/pricing/builders.py, illustrative): J0013 $10.00/mg (cash $8.00),
56 mg = 560.00 charge, 448.00 cash; 99213 25.00; 99214 200.00 (cash 150.00);
99417 100.00; 96365 450.00 (cash 400.00); J3490 80.00 (cash 60.00);
90837 180.00 (cash 150.25); 0820T 250.00 (cash 200.00). The default payer
allows 80% of the charge in network (96365 360.00, J3490 64.00, 99214 160.00,
99213 20.00, J0013 x56 448.00) and 50% out of network. Start: Monday 2027-01-04.
"""

from dataclasses import replace
from datetime import date

import pytest

from costapi.pricing import (
    Amounts,
    NetworkBenefits,
    PackagePrice,
    PhaseOverride,
    Policy,
    Program,
    Rate,
    SelfPay,
    SlidingScale,
    Tier,
    VisitItem,
)

from .builders import (
    INFUSION,
    SPRAVATO,
    D,
    check,
    insured,
    payer,
    phase,
    plan,
    run,
    weekly,
)

SAVINGS = Program(
    "savings", "Spravato savings program", ("J0013",), (), ("commercial",), D("10.00"), D("1000.00")
)
SAVINGS_500 = Program(
    "savings", "Spravato savings program", ("J0013",), (), ("commercial",), D("10.00"), D("500.00")
)
FOUNDATION = Program(
    "foundation", "patient foundation grant", (), ("drug", "office_visit"), (), D("0.00"),
    D("1000.00"),
)  # fmt: skip
SCALE = SlidingScale(
    "sliding",
    "sliding-fee scale",
    D("15650"),
    D("5500"),
    (Tier(300, D("0.25")), Tier(100, D("0.75")), Tier(200, D("0.50"))),  # any order
)
PACKAGE = PackagePrice("kap-3", "three-session package", "kap", "dosing", 3, D("1000.00"))
DOSING = (VisitItem("90837"), VisitItem("J3490"), VisitItem("0820T"))  # cash 410.25
THERAPY = (VisitItem("90837"), VisitItem("J3490"))  # cash 150.25 + 60 = 210.25
ESKETAMINE = "esketamine_nasal"
OFFICE_30 = {"office_visit": D("30.00")}


def esketamine(sessions, **extra):
    return plan(weekly(sessions, SPRAVATO, **extra), modality=ESKETAMINE)


def open_maintenance():
    return plan(
        weekly(2, name="induction"),
        phase("maintenance", 3, INFUSION, every=14, kind="maintenance",
              sessions_min=2, sessions_max=5),
    )  # fmt: skip


PA_POLICY = Policy(41, modality=ESKETAMINE, prior_authorization=True)
DX_POLICY = Policy(21, modality=ESKETAMINE, diagnosis_codes=("F33.*", "f32.2"))


def dx(*codes, waiver=False):
    return replace(insured(payer_=payer(policies=[DX_POLICY]), coinsurance="0.20",
                           diagnosis=codes), waiver_signed=waiver)  # fmt: skip


def pa(status, through=None, waiver=False):
    """A commercial payer in network: a denial is the clinic's unless waived (3.2 step 7)."""
    return replace(insured(
        payer_=payer(policies=[PA_POLICY]),
        coinsurance="0.20",
        diagnosis=("F33.2",),
        authorization=status,
        through=through,
    ), waiver_signed=waiver)  # fmt: skip


CASES = [
    # ---------------------------------------------------------------- self-pay
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("99214"), VisitItem("99417")))), coverage=SelfPay()
        ),
        {
            # each visit: charge 200 + 100 = 300; cash 150 + 100 (99417 cash = charge) = 250
            "totals.charges": "600.00",
            "totals.patient_pays": "500.00",  # 2 x 250
            "totals.not_covered": "500.00",
            "totals.allowed": "0.00",
            "totals.insurance_pays": "0.00",
            "totals.net_patient_cost": "500.00",
            "visits.1.date": "2027-01-11",  # weekly
            "visits.0.lines.0.reason": "self_pay",
            "visits.0.lines.0.covered": False,
            "visits.0.lines.0.not_covered": "150.00",
            "plan_years": [],
            "self_pay_total": "500.00",
            "range": None,
            "warnings": [],
        },
        id="self-pay-cash-prices",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(1, (VisitItem("ODD", 10),))), coverage=SelfPay()),
        {
            "visits.0.lines.0.charge": "140.13",  # 14.0125 x 10 = 140.125 -> half up 140.13
            "visits.0.lines.0.patient_pays": "120.13",  # 12.0125 x 10 = 120.125 -> 120.13
        },
        id="self-pay-rounding-half-up",
    ),
    # ----------------------------------------------------- in-network cost sharing
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            coverage=insured(deductible="400", coinsurance="0.20", out_of_pocket_max="3000"),
        ),
        {
            # V1 96365: allowed 360, deductible min(360, 400) = 360, plan 0; 40 left
            "visits.0.lines.0.deductible": "360.00",
            "visits.0.lines.0.insurance_pays": "0.00",
            # V1 J3490: allowed 64, deductible 40 (met mid-visit), coinsurance
            # round(24 x 0.20) = 4.80, patient 44.80, plan 19.20
            "visits.0.lines.1.deductible": "40.00",
            "visits.0.lines.1.coinsurance": "4.80",
            "visits.0.lines.1.insurance_pays": "19.20",
            "visits.0.patient_pays": "404.80",  # 360 + 44.80
            # V2: coinsurance 72.00 + 12.80 = 84.80
            "visits.1.patient_pays": "84.80",
            "totals.patient_pays": "489.60",  # 404.80 + 84.80
            "totals.deductible": "400.00",
            "totals.coinsurance": "89.60",  # 4.80 + 72 + 12.80
            "totals.insurance_pays": "358.40",  # 19.20 + 288 + 51.20
            "totals.allowed": "848.00",  # 2 x (360 + 64)
            "totals.charges": "1060.00",  # 2 x (450 + 80)
        },
        id="deductible-met-mid-visit",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2)),
            coverage=insured(coinsurance="0.50", out_of_pocket_max="300", out_of_pocket_met="100"),
        ),
        {
            # OOP remaining 200; no deductible given -> 0
            "visits.0.lines.0.coinsurance": "180.00",  # min(360 x 0.5, 200); 20 left
            "visits.0.lines.1.coinsurance": "20.00",  # min(64 x 0.5 = 32, 20): OOP mid-line
            "visits.0.lines.1.insurance_pays": "44.00",  # 64 - 20
            "visits.1.patient_pays": "0.00",  # OOP met
            "totals.patient_pays": "200.00",
            "totals.insurance_pays": "648.00",  # 848 - 200
            "plan_years.0.coinsurance": "200.00",
        },
        id="oop-reached-mid-line",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("99213"), VisitItem("99214"), VisitItem("J3490")))),
            coverage=insured(
                deductible="1000", coinsurance="0.20", out_of_pocket_max="5000", copays=OFFICE_30
            ),
        ),
        {
            # copay 30 owed once per visit for office_visit, walking its lines:
            "visits.0.lines.0.copay": "20.00",  # 99213: min(30, allowed 20)
            "visits.0.lines.0.insurance_pays": "0.00",
            "visits.0.lines.1.copay": "10.00",  # 99214: min(30 - 20, 160)
            "visits.0.lines.1.deductible": "0.00",  # copay lines get no deductible
            "visits.0.lines.1.insurance_pays": "150.00",  # 160 - 10
            "visits.0.lines.2.deductible": "64.00",  # J3490 into the deductible
            "visits.0.patient_pays": "94.00",  # 20 + 10 + 64
            "visits.1.lines.0.copay": "20.00",  # owed again the next visit
            "totals.copay": "60.00",
            "totals.deductible": "128.00",  # copays never count toward it
            "totals.patient_pays": "188.00",
            "totals.insurance_pays": "300.00",  # 2 x 150
        },
        id="copay-once-per-visit-and-category",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99214"), VisitItem("J3490")))),
            coverage=insured(
                deductible="500",
                coinsurance="0.20",
                out_of_pocket_max="1000",
                out_of_pocket_met="990",
                copays=OFFICE_30,
            ),
        ),
        {
            "visits.0.lines.0.copay": "10.00",  # min(30, 160, OOP remaining 10)
            "visits.0.lines.1.deductible": "0.00",  # OOP remaining 0: nothing more
            "visits.0.lines.1.insurance_pays": "64.00",
            "totals.patient_pays": "10.00",
            "totals.insurance_pays": "214.00",  # 150 + 64
        },
        id="copay-capped-by-oop",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3, (VisitItem("99214"), VisitItem("J3490")))),
            start=date(2027, 6, 21),
            coverage=insured(
                plan_year_start=date(2026, 7, 1),
                deductible="200",
                deductible_met="150",
                coinsurance="0.20",
                out_of_pocket_max="5000",
                copays={"office_visit": D("25")},
            ),
        ),
        {
            # 06-21: copay 25; J3490 deductible min(64, 50) = 50, coins round(14 x .2) 2.80
            "visits.0.patient_pays": "77.80",  # 25 + 52.80
            # 06-28: copay 25; J3490 coinsurance 12.80
            "visits.1.patient_pays": "37.80",
            # 07-05: plan year from 2027-07-01, deductible again: copay 25 + 64
            "visits.2.date": "2027-07-05",
            "visits.2.lines.1.deductible": "64.00",
            "visits.2.patient_pays": "89.00",
            "plan_years.0.start": "2026-07-01",
            "plan_years.0.end": "2027-06-30",
            "plan_years.0.visits": 2,
            "plan_years.0.patient_pays": "115.60",  # 77.80 + 37.80
            "plan_years.0.insurance_pays": "332.40",  # 135 + 11.20 + 135 + 51.20
            "plan_years.0.deductible": "50.00",
            "plan_years.0.copay": "50.00",
            "plan_years.0.coinsurance": "15.60",  # 2.80 + 12.80
            "plan_years.1.start": "2027-07-01",
            "plan_years.1.end": "2028-06-30",
            "plan_years.1.visits": 1,
            "plan_years.1.patient_pays": "89.00",
            "plan_years.1.insurance_pays": "135.00",  # 160 - 25; J3490 all deductible
            "plan_years.1.copay": "25.00",
            "totals.patient_pays": "204.60",  # 115.60 + 89
            # no next_plan_year and no standard benefits: this year's amounts carry over (3.4)
            "warnings": ["plan_year_reset", "next_year_benefits_assumed"],
            "warning:plan_year_reset": {"date": "2027-07-01"},
            "warning:next_year_benefits_assumed": {"date": "2027-07-01"},
        },
        id="series-across-plan-year-with-copay",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(5)),
            start=date(2027, 12, 20),
            coverage=insured(
                payer_=payer(policies=[Policy(7, modality="ketamine_iv", max_visits_per_year=2)]),
                coinsurance="0.10",
                visits_used={7: 1},
            ),
        ),
        {
            # covered visit: 36.00 + 6.40 = 42.40; over the limit: cash 400 + 60 = 460
            # 2027 (default plan year Jan 1): 1 used before; 12-20 is the 2nd; 12-27 over
            "visits.0.patient_pays": "42.40",
            "visits.0.lines.1.covered": True,  # two lines of one visit count once
            "visits.1.lines.0.reason": "visit_limit",
            "visits.1.lines.0.covered": False,
            "visits.1.lines.0.allowed": "0.00",
            "visits.1.lines.0.policy_id": 7,
            "visits.1.patient_pays": "460.00",
            # 2028: counts restart (visits_used is for the first year only):
            # 01-03 and 01-10 covered, 01-17 over
            "visits.2.patient_pays": "42.40",
            "visits.3.patient_pays": "42.40",
            "visits.4.date": "2028-01-17",
            "visits.4.lines.1.reason": "visit_limit",
            "visits.4.patient_pays": "460.00",
            "totals.patient_pays": "1047.20",  # 3 x 42.40 + 2 x 460
            "totals.not_covered": "920.00",
            "totals.insurance_pays": "1144.80",  # 3 x (324 + 57.60)
            "plan_years.0.patient_pays": "502.40",  # 42.40 + 460
            "plan_years.1.patient_pays": "544.80",  # 2 x 42.40 + 460
            "plan_years.1.visits": 3,
            "warnings": ["visit_limit", "plan_year_reset", "next_year_benefits_assumed",
                         "visit_limit"],  # the 0.10 coinsurance carried into 2028
            "warning:visit_limit:0": {"date": "2027-12-27", "policy_id": 7, "amount": "460.00"},
            "warning:visit_limit:1": {"date": "2028-01-17", "policy_id": 7},
            "warning:plan_year_reset": {"date": "2028-01-01"},
        },
        id="visit-limit-second-plan-year",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=insured(
                deductible="1000",
                coinsurance="0.20",
                out_of_pocket_max="3000",
                family=Amounts(D("1500"), D("1400"), D("6000"), D("1400")),
            ),
        ),
        {
            # deductible remaining = min(1000 - 0, 1500 - 1400) = 100 (family binds)
            "visits.0.lines.0.deductible": "100.00",
            "visits.0.lines.0.coinsurance": "52.00",  # round((360 - 100) x 0.20)
            "visits.0.lines.1.deductible": "0.00",
            "visits.0.lines.1.coinsurance": "12.80",  # 64 x 0.20
            "totals.patient_pays": "164.80",  # 152 + 12.80
            "totals.insurance_pays": "259.20",  # 424 - 164.80
        },
        id="family-deductible-binds-first",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=insured(coinsurance="0.20", family=Amounts(deductible=D("300"))),
        ),
        {
            # no individual deductible: the family one alone applies (300)
            "visits.0.lines.0.deductible": "300.00",
            "visits.0.lines.0.coinsurance": "12.00",  # round(60 x 0.20)
            "visits.0.lines.1.coinsurance": "12.80",
            "totals.patient_pays": "324.80",  # 312 + 12.80
        },
        id="family-only-deductible",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=insured(
                coinsurance="0.50",
                out_of_pocket_max="5000",
                family=Amounts(out_of_pocket_max=D("1000"), out_of_pocket_met=D("950")),
            ),
        ),
        {
            # OOP remaining = min(5000, 1000 - 950) = 50
            "visits.0.lines.0.coinsurance": "50.00",  # min(180, 50)
            "visits.0.lines.1.coinsurance": "0.00",
            "totals.patient_pays": "50.00",
            "totals.insurance_pays": "374.00",  # 424 - 50
        },
        id="family-oop-binds",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3)),
            coverage=insured(deductible="2000", coinsurance="0.20", out_of_pocket_max="1000"),
        ),
        {
            "visits.0.patient_pays": "424.00",  # all deductible; OOP left 576
            "visits.1.patient_pays": "424.00",  # OOP left 152
            "visits.2.lines.0.deductible": "152.00",  # min(360, 1152, OOP 152)
            "visits.2.lines.0.coinsurance": "0.00",  # min(41.60, 152 - 152)
            "visits.2.lines.1.deductible": "0.00",
            "totals.patient_pays": "1000.00",  # the OOP maximum
            "totals.deductible": "1000.00",
            "totals.insurance_pays": "272.00",  # 1272 - 1000
        },
        id="deductible-larger-than-oop",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99214"),))),
            coverage=insured(
                payer_=payer(rates=[Rate(40, "99214", D("250.00"))]), coinsurance="0.20"
            ),
        ),
        {
            "visits.0.lines.0.allowed": "250.00",  # rate used as given, above charge 200
            "visits.0.lines.0.coinsurance": "50.00",
            "visits.0.lines.0.insurance_pays": "200.00",
            "visits.0.lines.0.rate_id": 40,
            "data_versions.rates": [40],
        },
        id="contracted-rate-above-charge",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("96365"),))),
            start=date(2027, 1, 25),
            coverage=insured(
                payer_=payer(
                    rates=[
                        Rate(52, "96365", D("320.00"), date(2027, 2, 1)),
                        Rate(51, "96365", D("300.00"), None, date(2027, 1, 31)),
                    ]
                ),
                coinsurance="0.10",
            ),
        ),
        {
            "visits.0.lines.0.allowed": "300.00",  # 01-25: rate 51 (to 01-31)
            "visits.0.lines.0.rate_id": 51,
            "visits.0.lines.0.coinsurance": "30.00",
            "visits.1.lines.0.allowed": "320.00",  # 02-01: rate 52 (from 02-01)
            "visits.1.lines.0.rate_id": 52,
            "visits.1.lines.0.coinsurance": "32.00",
            "totals.allowed": "620.00",
            "data_versions.rates": [51, 52],
        },
        id="rates-effective-dated",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99214"),))),
            coverage=insured(
                deductible="500", coinsurance="0.20", copays={"office_visit": D("0.00")}
            ),
        ),
        {
            "visits.0.lines.0.copay": "0.00",  # a $0 copay is still a copay line:
            "visits.0.lines.0.deductible": "0.00",  # no deductible, no coinsurance
            "visits.0.lines.0.insurance_pays": "160.00",
            "totals.patient_pays": "0.00",
        },
        id="zero-copay-covers-in-full",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99214"), VisitItem("96365")))),
            coverage=insured(
                payer_=payer(policies=[Policy(5, service="99214", covered=False)]),
                deductible="100",
                coinsurance="0.20",
            ),
        ),
        {
            "visits.0.lines.0.not_covered": "150.00",  # 99214 excluded: cash price
            "visits.0.lines.0.deductible": "0.00",
            # the cash payment does not count: 96365 still meets the whole 100
            "visits.0.lines.1.deductible": "100.00",
            "visits.0.lines.1.coinsurance": "52.00",  # round(260 x 0.20)
            "totals.patient_pays": "302.00",  # 150 + 152
            "warning:not_covered": {"amount": "150.00", "policy_id": 5},
        },
        id="not-covered-never-counts-toward-deductible",
    ),
    # ------------------------------------------------------- assistance programs
    pytest.param(
        dict(
            the_plan=esketamine(4),
            coverage=insured(
                deductible="1000",
                coinsurance="0.20",
                out_of_pocket_max="5000",
                copays=OFFICE_30,
                accumulator_program=True,
                programs=(SAVINGS,),
            ),
        ),
        {
            # each visit: J0013 allowed 448, 99214 copay 30
            # V1: J0013 deductible 448; program min(448 - 10, 1000) = 438; patient 10
            #     accumulator: deductible met 448 - 438 = 10 (990 left)
            "visits.0.lines.0.deductible": "448.00",
            "visits.0.lines.0.assistance_pays": "438.00",
            "visits.0.lines.0.patient_pays": "10.00",
            "visits.0.patient_pays": "40.00",
            # V2: deductible 448 again (990 left); program 438 (562 left); met 20
            "visits.1.lines.0.deductible": "448.00",
            "visits.1.patient_pays": "40.00",
            # V3: deductible 448 (980 left); program only 124 left -> cliff
            "visits.2.lines.0.assistance_pays": "124.00",
            "visits.2.lines.0.patient_pays": "324.00",  # 448 - 124
            "visits.2.patient_pays": "354.00",
            # V4: deductible left 980 - 448 + 124 = 656 -> 448 deductible, no program
            "visits.3.lines.0.deductible": "448.00",
            "visits.3.patient_pays": "478.00",  # 448 + 30
            "totals.patient_pays": "912.00",  # 40 + 40 + 354 + 478
            "totals.assistance_pays": "1000.00",  # the annual maximum
            "totals.deductible": "1792.00",  # 4 x 448
            "totals.copay": "120.00",
            "totals.insurance_pays": "520.00",  # 4 x (160 - 30)
            "warnings": ["assistance_exhausted"],
            "warning:assistance_exhausted": {
                "date": "2027-01-18",
                "month": "2027-01",
                "amount": "1000.00",
            },
        },
        id="accumulator-cliff",
    ),
    pytest.param(
        dict(
            the_plan=esketamine(4),
            coverage=insured(
                deductible="1000",
                coinsurance="0.20",
                out_of_pocket_max="5000",
                copays=OFFICE_30,
                programs=(SAVINGS,),
            ),
        ),
        {
            # no accumulator: the plan credits the program's payments
            # V1, V2: deductible 448 each, program 438 each; deductible left 104
            "visits.1.patient_pays": "40.00",
            # V3: deductible 104 + coinsurance round(344 x .2) = 68.80 -> share 172.80;
            #     program min(162.80, 124 left) = 124; patient 48.80 + copay 30
            "visits.2.lines.0.deductible": "104.00",
            "visits.2.lines.0.coinsurance": "68.80",
            "visits.2.lines.0.assistance_pays": "124.00",
            "visits.2.patient_pays": "78.80",
            # V4: coinsurance 89.60, program exhausted; + copay 30
            "visits.3.patient_pays": "119.60",
            "totals.patient_pays": "278.40",  # 40 + 40 + 78.80 + 119.60
            "totals.assistance_pays": "1000.00",
            "totals.deductible": "1000.00",
            "totals.coinsurance": "158.40",  # 68.80 + 89.60
            "totals.insurance_pays": "1153.60",  # 2432 - 1278.40
            "warning:assistance_exhausted": {"date": "2027-01-18"},
        },
        id="program-without-accumulator",
    ),
    pytest.param(
        dict(
            the_plan=esketamine(2),
            coverage=insured(
                deductible="2000",
                coinsurance="0.20",
                copays=OFFICE_30,
                programs=(SAVINGS_500, FOUNDATION),
                used={"savings": "300.00"},
            ),
        ),
        {
            # V1: J0013 deductible 448, 99214 copay 30
            #  savings (first): min(448 - 10, 500 - 300 used) = 200 -> J0013 owes 248
            #  foundation (drug + office_visit): min(248 + 30 - 0, 1000) = 278
            "visits.0.lines.0.assistance_pays": "448.00",  # 200 + 248
            "visits.0.lines.1.assistance_pays": "30.00",
            "visits.0.patient_pays": "0.00",
            # V2: savings has 0 left; foundation pays 448 + 30 (722 left)
            "visits.1.lines.0.assistance_pays": "448.00",
            "visits.1.patient_pays": "0.00",
            "totals.assistance_pays": "956.00",  # 200 + 278 + 478
            "totals.deductible": "896.00",
            "totals.copay": "60.00",
            "totals.insurance_pays": "260.00",  # 2 x (160 - 30)
            "warnings": ["assistance_exhausted"],
            "warning:assistance_exhausted": {"date": "2027-01-04", "month": "2027-01"},
        },
        id="programs-in-order-with-programs-used",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("G2082"),)), modality=ESKETAMINE),
            coverage=insured(
                payer_=payer(kind="medicare", default=None, rates=[Rate(60, "G2082", D("900.00"))]),
                deductible="283",
                coinsurance="0.20",
                programs=(SAVINGS,),
            ),
        ),
        {
            # V1: allowed 900 (rate); deductible 283; coins round(617 x .2) = 123.40
            "visits.0.patient_pays": "406.40",
            "visits.0.lines.0.insurance_pays": "493.60",
            "visits.1.patient_pays": "180.00",  # 900 x 0.20, no OOP maximum
            "totals.patient_pays": "586.40",
            "totals.assistance_pays": "0.00",  # program is commercial-only
            "warnings": ["assistance_not_applicable"],
        },
        id="medicare-program-not-applicable",
    ),
    # -------------------------------------------------------- out of network
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=insured(
                network="out",
                programs=(SAVINGS,),
                out_of_network=NetworkBenefits(D("500"), D("300"), D("10000"), D("0"), D("0.40")),
            ),
        ),
        {
            # 96365: pays charge 450; allowed 50% = 225; deductible min(225, 200 left)
            # = 200; coinsurance round(25 x .40) = 10; reimbursement 225 - 210 = 15
            "visits.0.lines.0.patient_pays": "450.00",
            "visits.0.lines.0.allowed": "225.00",
            "visits.0.lines.0.deductible": "200.00",
            "visits.0.lines.0.coinsurance": "10.00",
            "visits.0.lines.0.expected_reimbursement": "15.00",
            "visits.0.lines.0.insurance_pays": "0.00",
            # J3490: pays 80; allowed 40; coinsurance 16; reimbursement 24
            "visits.0.lines.1.expected_reimbursement": "24.00",
            "totals.patient_pays": "530.00",
            "totals.expected_reimbursement": "39.00",
            "totals.net_patient_cost": "491.00",  # 530 - 39
            "visits.0.net_patient_cost": "491.00",
            "phases.0.net_patient_cost": "491.00",
            "months.0.net_patient_cost": "491.00",
            "self_pay_total": "460.00",  # cash 400 + 60
            "warnings": ["out_of_network", "assistance_not_applicable", "self_pay_cheaper"],
            "warning:self_pay_cheaper": {"amount": "460.00"},  # 460 < net 491
        },
        id="out-of-network-partial-deductible",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=insured(
                payer_=payer(kind="medicare"),
                network="out",
                out_of_network=NetworkBenefits(coinsurance=D("0.20")),
            ),
        ),
        {
            "visits.0.lines.0.covered": True,
            "visits.0.lines.0.patient_pays": "450.00",  # the full charge
            "visits.0.lines.0.allowed": "0.00",
            "visits.0.lines.0.expected_reimbursement": "0.00",
            "totals.patient_pays": "530.00",
            "totals.net_patient_cost": "530.00",  # no reimbursement
            "warnings": ["out_of_network", "out_of_network_no_reimbursement", "self_pay_cheaper"],
        },
        id="medicare-out-of-network-no-reimbursement",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(1)), coverage=insured(network="out", coinsurance="0.20")),
        {
            "totals.expected_reimbursement": "0.00",  # no out_of_network benefits given
            "totals.net_patient_cost": "530.00",
            "warnings": ["out_of_network", "out_of_network_no_reimbursement", "self_pay_cheaper"],
        },
        id="out-of-network-without-benefits",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=insured(
                network="out",
                out_of_network=NetworkBenefits(
                    D("1000"),
                    D("0"),
                    None,
                    D("0"),
                    D("0.40"),
                    Amounts(D("1500"), D("1450")),
                ),
            ),
        ),
        {
            # out-of-network deductible remaining = min(1000, 1500 - 1450) = 50
            "visits.0.lines.0.deductible": "50.00",  # allowed 225
            "visits.0.lines.0.coinsurance": "70.00",  # round(175 x 0.40)
            "visits.0.lines.0.expected_reimbursement": "105.00",  # 225 - 120
            "visits.0.lines.1.expected_reimbursement": "24.00",  # 40 - 16
            "totals.expected_reimbursement": "129.00",
            "totals.net_patient_cost": "401.00",  # 530 - 129
            "warnings": ["out_of_network"],  # 401 < 460: insurance still cheaper
        },
        id="out-of-network-family-deductible",
    ),
    # ------------------------------------------------------------- schedule
    pytest.param(
        dict(
            the_plan=plan(
                phase("induction", 7, (VisitItem("99417"),), per_week=3),
                phase("boost", 2, (VisitItem("99417"),), every=10),
            ),
            coverage=SelfPay(),
        ),
        {
            # per_week 3: 7 x (i // 3) + (i % 3) x 7 // 3 -> days 0, 2, 4, 7, 9, 11, 14
            "visits.1.date": "2027-01-06",
            "visits.2.date": "2027-01-08",
            "visits.3.date": "2027-01-11",
            "visits.5.date": "2027-01-15",
            "visits.6.date": "2027-01-18",
            # span 7 x ceil(7 / 3) = 21 days -> next phase 01-25, then every 10 days
            "visits.7.date": "2027-01-25",
            "visits.8.date": "2027-02-04",
            "phases.0.first_date": "2027-01-04",
            "phases.0.last_date": "2027-01-18",
            "phases.1.first_date": "2027-01-25",
            "months.0.month": "2027-01",
            "months.0.visits": 8,
            "months.1.visits": 1,
            "totals.patient_pays": "900.00",  # 9 x 100
        },
        id="per-week-3-dates",
    ),
    pytest.param(
        dict(
            the_plan=plan(
                phase("induction", 4, (VisitItem("99417"),), per_week=2),
                phase("next", 1, (VisitItem("99417"),), every=7),
            ),
            coverage=SelfPay(),
        ),
        {
            # per_week 2: days 0, 3, 7, 10; span 7 x ceil(4 / 2) = 14
            "visits.1.date": "2027-01-07",
            "visits.2.date": "2027-01-11",
            "visits.3.date": "2027-01-14",
            "visits.4.date": "2027-01-18",
        },
        id="per-week-2-dates",
    ),
    pytest.param(
        dict(
            the_plan=plan(
                weekly(2, name="induction"),
                phase("maintenance", 12, INFUSION, every=14, kind="maintenance"),
            ),
            coverage=SelfPay(),
            overrides={"maintenance": PhaseOverride(sessions=3, per_week=1)},
        ),
        {
            # induction 01-04, 01-11 (span 14); maintenance per_week 1 from 01-18
            "phases.1.sessions": 3,
            "phases.1.first_date": "2027-01-18",
            "phases.1.last_date": "2027-02-01",  # 01-18, 01-25, 02-01
            "visits.3.date": "2027-01-25",
            "totals.patient_pays": "2300.00",  # 5 visits x 460
        },
        id="override-sessions-and-cadence",
    ),
    pytest.param(
        dict(
            the_plan=plan(
                weekly(2, name="induction"),
                phase("maintenance", 2, INFUSION, every=14, kind="maintenance"),
            ),
            coverage=SelfPay(),
            overrides={"induction": PhaseOverride(interval_days=3)},
        ),
        {
            # induction every 3 days: 01-04, 01-07; span 2 x 3 = 6 -> maintenance 01-10
            "phases.0.sessions": 2,
            "visits.1.date": "2027-01-07",
            "visits.2.date": "2027-01-10",
            "visits.3.date": "2027-01-24",
        },
        id="override-interval-only",
    ),
    pytest.param(
        dict(
            the_plan=plan(
                phase("intake", 1, (VisitItem("99214"),), every=1, kind="intake"),
                phase("induction", 0, INFUSION, per_week=2),
                phase("maintenance", 2, INFUSION, every=14, kind="maintenance"),
            ),
            coverage=SelfPay(),
        ),
        {
            # intake 01-04, span 1; induction has 0 sessions (span 0); maintenance 01-05
            "phases.1.name": "induction",
            "phases.1.sessions": 0,
            "phases.1.first_date": None,
            "phases.1.last_date": None,
            "phases.1.patient_pays": "0.00",
            "visits.1.date": "2027-01-05",
            "visits.2.date": "2027-01-19",
            "totals.patient_pays": "1070.00",  # 150 + 2 x 460
        },
        id="zero-session-phase",
    ),
    # ------------------------------------------------------------ plan years
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("96365"),))),
            start=date(2027, 2, 22),
            coverage=insured(
                plan_year_start=date(2024, 2, 29), deductible="100", coinsurance="0.20"
            ),
        ),
        {
            # 2027 has no Feb 29: the anniversary is 2027-03-01, the second visit's date
            "visits.0.patient_pays": "152.00",  # 100 + round(260 x .2)
            "visits.1.date": "2027-03-01",
            "visits.1.lines.0.deductible": "100.00",  # the deductible again
            "visits.1.patient_pays": "152.00",
            "plan_years.0.start": "2026-03-01",
            "plan_years.0.end": "2027-02-28",
            "plan_years.1.start": "2027-03-01",
            "plan_years.1.end": "2028-02-28",  # 2028-02-29 is the next anniversary
            "warning:plan_year_reset": {"date": "2027-03-01"},
            "totals.patient_pays": "304.00",
        },
        id="feb-29-anniversary",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("96365"),))),
            coverage=insured(
                plan_year_start=date(2027, 7, 1),
                deductible="100",
                deductible_met="40",
                coinsurance="0.20",
            ),
        ),
        {
            # the plan year containing 2027-01-04 began 2026-07-01; 60 deductible left
            "plan_years.0.start": "2026-07-01",
            "plan_years.0.end": "2027-06-30",
            "visits.0.lines.0.deductible": "60.00",
            "visits.0.lines.0.coinsurance": "60.00",  # round(300 x .2)
            "warnings": [],
        },
        id="plan-year-start-after-start-date",
    ),
    # ------------------------------------------------------ coverage decision
    pytest.param(
        dict(the_plan=esketamine(1), coverage=dx("f332")),
        {
            # F33.* -> prefix F33; f332 -> F332 (case and dots ignored)
            "visits.0.lines.0.covered": True,
            "visits.0.lines.0.policy_id": 21,
            "totals.patient_pays": "121.60",  # 448 x .2 + 160 x .2 = 89.60 + 32
            "warnings": [],
        },
        id="diagnosis-wildcard-case-and-dots",
    ),
    pytest.param(
        dict(the_plan=esketamine(1), coverage=dx("F32.2")),
        {"totals.patient_pays": "121.60", "warnings": []},  # f32.2 = F322 exactly
        id="diagnosis-exact-with-dots",
    ),
    pytest.param(
        dict(the_plan=esketamine(1), coverage=dx("F33")),
        {"totals.patient_pays": "121.60"},  # F33.* also matches F33 itself
        id="diagnosis-wildcard-matches-stem",
    ),
    pytest.param(
        dict(the_plan=esketamine(1), coverage=dx("F32.1", "F43.10", waiver=True)),
        {  # waiver signed: the patient is liable for the diagnosis denial (3.2 step 7)
            "visits.0.lines.0.covered": False,
            "visits.0.lines.0.liability": "patient",
            "visits.0.lines.0.reason": "diagnosis",
            "visits.0.lines.0.not_covered": "448.00",  # cash 8 x 56
            "totals.patient_pays": "598.00",  # 448 + 150 cash
            "totals.deductible": "0.00",
            "warnings": ["diagnosis_not_covered"],
            "warning:diagnosis_not_covered": {"amount": "598.00", "policy_id": 21},
        },
        id="diagnosis-mismatch",
    ),
    pytest.param(
        dict(the_plan=esketamine(1), coverage=dx("F32.1", "F43.10")),
        {  # no waiver, commercial in network: the clinic writes off the cash price
            "visits.0.lines.0.liability": "clinic",
            "visits.0.lines.0.clinic_write_off": "448.00",
            "visits.0.lines.0.not_covered": "0.00",
            "totals.patient_pays": "0.00",
            "totals.clinic_write_off": "598.00",  # 448 + 150
            "warnings": ["clinic_liability"],
            "warning:clinic_liability": {"amount": "598.00", "date": "2027-01-04"},
        },
        id="diagnosis-mismatch-clinic-liable",
    ),
    pytest.param(
        dict(the_plan=esketamine(1), coverage=dx()),
        {
            "totals.patient_pays": "121.60",  # no codes given: covered, with a warning
            "warnings": ["diagnosis_required"],
            "warning:diagnosis_required": {"policy_id": 21},
        },
        id="diagnosis-missing",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, (VisitItem("96365"), VisitItem("J3490"), VisitItem("99214")))),
            start=date(2027, 1, 25),
            coverage=insured(
                coinsurance="0.10",
                payer_=payer(
                    policies=[
                        Policy(
                            31,
                            modality="ketamine_iv",
                            covered=False,
                            reason="Experimental/investigational for depression",
                        ),
                        Policy(32, category="drug", effective_to=date(2027, 1, 25)),
                        Policy(
                            33,
                            modality="ketamine_iv",
                            service="96365",
                            effective_from=date(2027, 2, 1),
                        ),
                    ]
                ),
            ),
        ),
        {
            # 01-25: 96365 -> 33 not yet in effect -> 31 (excluded): cash 400
            "visits.0.lines.0.policy_id": 31,
            "visits.0.lines.0.reason": "policy_exclusion",
            "visits.0.lines.0.reason_detail": "Experimental/investigational for depression",
            "visits.0.lines.0.patient_pays": "400.00",
            # J3490: 32 (category, score 2) beats 31 (modality, 1); to is inclusive
            "visits.0.lines.1.policy_id": 32,
            "visits.0.lines.1.coinsurance": "6.40",
            "visits.0.lines.2.patient_pays": "150.00",  # 99214 -> 31: cash
            # 02-01: 96365 -> 33 (service + modality, 5): covered, 36.00
            "visits.1.lines.0.policy_id": 33,
            "visits.1.lines.0.coinsurance": "36.00",
            # J3490: 32 ended 01-25 -> 31: cash 60
            "visits.1.lines.1.policy_id": 31,
            "visits.1.lines.1.patient_pays": "60.00",
            "totals.patient_pays": "802.40",  # 400 + 6.40 + 150 + 36 + 60 + 150
            "totals.not_covered": "760.00",  # 400 + 150 + 60 + 150
            "totals.insurance_pays": "381.60",  # 57.60 + 324
            "data_versions.policies": [31, 32, 33],
            "warnings": ["not_covered"],
            "warning:not_covered": {"amount": "760.00", "policy_id": 31, "date": "2027-01-25"},
        },
        id="policy-specificity-and-effective-dates",
    ),
    pytest.param(
        dict(the_plan=esketamine(2), coverage=pa("approved")),
        {"totals.patient_pays": "243.20", "warnings": []},  # 2 x 121.60
        id="authorization-approved",
    ),
    pytest.param(
        dict(the_plan=esketamine(2), coverage=pa("pending")),
        {
            "totals.patient_pays": "243.20",  # covered meanwhile
            "warnings": ["prior_authorization_required"],
            # if denied the clinic would be liable (no waiver): amount 0, and the clinic's
            # part the cash of both visits, 2 x (448 + 150)
            "warning:prior_authorization_required": {
                "amount": "0.00",
                "clinic_amount": "1196.00",
                "policy_id": 41,
                "date": "2027-01-04",
            },
            "visits.0.lines.0.prior_authorization": "pending",
        },
        id="authorization-pending",
    ),
    pytest.param(
        dict(the_plan=esketamine(2), coverage=pa("pending", waiver=["prior_authorization_denied"])),
        {  # a signed waiver for a denial: the patient would pay the cash, 2 x 598
            "warning:prior_authorization_required": {"amount": "1196.00",
                                                     "clinic_amount": "0.00"},
        },
        id="authorization-pending-waiver-signed",
    ),
    pytest.param(
        dict(the_plan=esketamine(2), coverage=pa("not_requested", waiver=True)),
        {
            "totals.patient_pays": "243.20",
            "warning:prior_authorization_required": {"amount": "1196.00"},
        },
        id="authorization-not-requested",
    ),
    pytest.param(
        dict(the_plan=esketamine(2), coverage=pa("denied", waiver=True)),
        {
            "visits.0.lines.0.reason": "prior_authorization_denied",
            "visits.0.lines.0.prior_authorization": "denied",
            "totals.patient_pays": "1196.00",  # cash 2 x 598
            "totals.not_covered": "1196.00",
            "warnings": ["prior_authorization_denied"],
        },
        id="authorization-denied",
    ),
    pytest.param(
        dict(the_plan=esketamine(2), coverage=pa("approved", through=date(2027, 1, 4),
                                                 waiver=True)),
        {
            # 01-04 on the through date: authorized; 01-11 after it: not requested
            "totals.patient_pays": "243.20",
            "warnings": ["prior_authorization_required"],
            "warning:prior_authorization_required": {"amount": "598.00", "date": "2027-01-11"},
            "visits.0.lines.0.prior_authorization": "approved",
            "visits.1.lines.0.prior_authorization": "expired",
        },
        id="authorization-approved-through",
    ),
    # ----------------------------------------------------------- discounts
    pytest.param(
        dict(the_plan=plan(weekly(2, THERAPY)), coverage=SelfPay(D("40000"), 3, (SCALE,))),
        {
            # guideline 15650 + 2 x 5500 = 26650; 40000 is 150% -> tier <= 200: 50% off
            "visits.0.lines.0.discount": "75.13",  # 150.25 x .5 = 75.125 -> 75.13
            "visits.0.lines.0.patient_pays": "75.12",
            "visits.0.lines.1.discount": "30.00",
            "totals.not_covered": "420.50",  # 2 x 210.25
            "totals.discount": "210.26",  # 2 x 105.13
            "totals.patient_pays": "210.24",  # 420.50 - 210.26
            "self_pay_total": "420.50",  # before discounts
        },
        id="sliding-scale",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(2, THERAPY)), coverage=SelfPay(D("53300.00"), 3, (SCALE,))),
        {"totals.patient_pays": "210.24"},  # exactly 200%: still the 200% tier
        id="sliding-scale-tier-boundary",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(2, THERAPY)), coverage=SelfPay(D("53300.01"), 3, (SCALE,))),
        {
            # just above 200%: the 300% tier, 25% off
            "visits.0.lines.0.discount": "37.56",  # 150.25 x .25 = 37.5625
            "visits.0.lines.1.discount": "15.00",
            "totals.patient_pays": "315.38",  # 2 x (112.69 + 45)
        },
        id="sliding-scale-next-tier",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(2, THERAPY)), coverage=SelfPay(D("100000"), 3, (SCALE,))),
        {
            "totals.discount": "0.00",  # 375%: above every tier
            "totals.patient_pays": "420.50",
            "warnings": ["discount_not_applicable"],
        },
        id="sliding-scale-above-tiers",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, THERAPY)),
            coverage=SelfPay(D("40000"), 3, (SCALE, replace(SCALE, code="second"))),
        ),
        {
            # two sliding scales compound, each on what is left:
            # 90837: 150.25 -> 75.13 off -> 75.12 -> 37.56 off -> 37.56
            "visits.0.lines.0.discount": "112.69",
            "visits.0.lines.0.patient_pays": "37.56",
            # J3490: 60 -> 30 -> 15
            "visits.0.lines.1.patient_pays": "15.00",
            "totals.patient_pays": "52.56",
        },
        id="two-sliding-scales-compound",
    ),
    pytest.param(
        dict(
            the_plan=plan(phase("dosing", 3, DOSING, every=7), code="kap"),
            coverage=SelfPay(discounts=(PACKAGE,)),
        ),
        {
            # cash 3 x 410.25 = 1230.75 -> package 1000: discount 230.75 by cash:
            # 150.25 -> 28.17, 60 -> 11.25, 200 -> 37.50 (x 230.75 / 1230.75),
            # the last line takes the remainder 230.75 - 193.26 = 37.49
            "visits.0.lines.0.discount": "28.17",
            "visits.0.lines.1.discount": "11.25",
            "visits.0.lines.2.discount": "37.50",
            "visits.2.lines.2.discount": "37.49",
            "visits.0.patient_pays": "333.33",  # 410.25 - 76.92
            "visits.2.patient_pays": "333.34",  # 410.25 - 76.91
            "totals.discount": "230.75",
            "totals.patient_pays": "1000.00",
        },
        id="package-price",
    ),
    pytest.param(
        dict(
            the_plan=plan(phase("dosing", 3, DOSING, every=7), code="kap"),
            coverage=SelfPay(D("40000"), 3, (SCALE, PACKAGE)),
        ),
        {
            # package first (as above), then 50% of what is left, per line:
            # 122.08 -> 61.04; 48.75 -> 24.375 -> 24.38; 162.50 -> 81.25
            "visits.0.lines.0.discount": "89.21",  # 28.17 + 61.04
            "visits.0.lines.1.discount": "35.63",  # 11.25 + 24.38
            "visits.0.lines.1.patient_pays": "24.37",
            "visits.0.patient_pays": "166.66",  # 61.04 + 24.37 + 81.25
            # last line: 200 - 37.49 = 162.51 -> 81.255 -> 81.26 off, 81.25 left
            "visits.2.lines.2.discount": "118.75",  # 37.49 + 81.26
            "visits.2.lines.2.patient_pays": "81.25",
            "totals.patient_pays": "499.98",  # 3 x 166.66
            "totals.discount": "730.77",  # 1230.75 - 499.98
            "warnings": [],
        },
        id="package-then-sliding-scale",
    ),
    pytest.param(
        dict(
            the_plan=plan(phase("dosing", 3, DOSING, every=7), code="kap"),
            coverage=SelfPay(discounts=(PACKAGE,)),
            overrides={"dosing": PhaseOverride(sessions=4)},
        ),
        {
            "totals.discount": "0.00",  # 4 sessions, the package needs exactly 3
            "totals.patient_pays": "1641.00",  # 4 x 410.25
            "warnings": ["discount_not_applicable"],
        },
        id="package-not-applicable",
    ),
    # ---------------------------------------------- self-pay comparison, range
    pytest.param(
        dict(
            the_plan=plan(weekly(1)),
            coverage=insured(payer_=payer(default=None), deductible="5000", coinsurance="0.20"),
        ),
        {
            "totals.allowed": "530.00",  # no percent: allowed = charge
            "totals.patient_pays": "530.00",  # all deductible
            "self_pay_total": "460.00",
            "warnings": ["self_pay_cheaper"],
            "warning:self_pay_cheaper": {"amount": "460.00"},
        },
        id="self-pay-cheaper-in-network",
    ),
    pytest.param(
        dict(
            the_plan=open_maintenance(),
            coverage=insured(coinsurance="0.20", out_of_pocket_max="500"),
        ),
        {
            # each visit 72 + 12.80 = 84.80; 2 + 3 visits = 424.00
            "totals.patient_pays": "424.00",
            "range.low": "339.20",  # 2 + 2 visits
            # 2 + 5 visits: 6 x 84.80 = 508.80 -> capped by the OOP maximum 500
            "range.high": "500.00",
        },
        id="range-insured-with-oop-cap",
    ),
    pytest.param(
        dict(the_plan=open_maintenance(), coverage=SelfPay()),
        {
            "totals.patient_pays": "2300.00",  # 5 x 460
            "range.low": "1840.00",  # 4 x 460
            "range.high": "3220.00",  # 7 x 460
        },
        id="range-self-pay",
    ),
    pytest.param(
        dict(
            the_plan=open_maintenance(),
            coverage=SelfPay(),
            overrides={"maintenance": PhaseOverride(sessions=6)},
        ),
        {
            # 6 is above sessions_max 5: allowed; the range widens to include it
            "phases.1.sessions": 6,
            "totals.patient_pays": "3680.00",  # 8 x 460
            "range.low": "1840.00",
            "range.high": "3680.00",
        },
        id="range-override-above-max",
    ),
]


@pytest.mark.parametrize("inputs, expected", CASES)
def test_worked_case(inputs, expected):
    check(run(**inputs), expected)


def test_there_are_enough_worked_cases():
    assert len(CASES) >= 30
