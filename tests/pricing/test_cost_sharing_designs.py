"""Copays after the deductible and coinsurance by category (domain.md 3.4, 3.5): worked
cases, every figure derived by hand.

Prices (builders.py, illustrative), allowed at 80% of the charge in network:
99213 (office_visit) 20.00, 99214 (office_visit) 160.00, J3490 (drug) 64.00,
96365 (administration) 360.00; out of network 50%: 96365 225.00, J3490 40.00.
Start: Monday 2027-01-04, weekly visits.

3.4, copay after the deductible (`Copay(amount)`): deductible part = min(allowed, deductible
remaining, OOP remaining); then, only if the deductible remaining is now 0, copay part =
min(copay still owed this visit and category, allowed - deductible part, OOP remaining after
the deductible part); no coinsurance. A category with a copay (of either kind) and a category
coinsurance uses the copay.
"""

from datetime import date

import pytest

from costapi.pricing import Copay, NetworkBenefits, VisitItem

from .builders import INFUSION, D, check, insured, plan, run, weekly

HDHP_VISIT = (VisitItem("99213"), VisitItem("99214"), VisitItem("J3490"))
AFTER_30 = {"office_visit": Copay(D("30.00"))}

CASES = [
    # -------------------------------------------------- copays after the deductible
    pytest.param(
        dict(
            the_plan=plan(weekly(2, HDHP_VISIT)),
            coverage=insured(
                deductible="500",
                deductible_met="400",
                coinsurance="0.20",
                out_of_pocket_max="3000",
                copays=AFTER_30,
            ),
        ),
        {
            # deductible remaining 100, OOP remaining 3000
            # V1 99213: deductible min(20, 100) = 20 -> 80 left, not 0: no copay; plan 0
            "visits.0.lines.0.deductible": "20.00",
            "visits.0.lines.0.copay": "0.00",
            "visits.0.lines.0.insurance_pays": "0.00",
            # V1 99214: deductible min(160, 80) = 80 -> 0 left: copay min(30 still owed,
            #   160 - 80, OOP) = 30, no coinsurance; plan 160 - 110 = 50
            "visits.0.lines.1.deductible": "80.00",
            "visits.0.lines.1.copay": "30.00",
            "visits.0.lines.1.coinsurance": "0.00",
            "visits.0.lines.1.insurance_pays": "50.00",
            # V1 J3490 (no copay): coinsurance round(64 x .20) = 12.80, plan 51.20
            "visits.0.lines.2.coinsurance": "12.80",
            "visits.0.patient_pays": "142.80",  # 20 + 110 + 12.80
            "visits.0.balances.deductible_remaining": "0.00",
            "visits.0.balances.out_of_pocket_remaining": "2857.20",  # 3000 - 142.80
            # V2 (deductible met): 99213 copay min(30, 20) = 20; 99214 min(10, 160) = 10
            "visits.1.lines.0.copay": "20.00",
            "visits.1.lines.0.deductible": "0.00",
            "visits.1.lines.1.copay": "10.00",
            "visits.1.lines.1.insurance_pays": "150.00",
            "visits.1.patient_pays": "42.80",  # 20 + 10 + 12.80
            "visits.1.balances.out_of_pocket_remaining": "2814.40",  # 2857.20 - 42.80
            "totals.deductible": "100.00",
            "totals.copay": "60.00",  # 30 + 20 + 10
            "totals.coinsurance": "25.60",
            "totals.patient_pays": "185.60",  # 142.80 + 42.80
            "totals.insurance_pays": "302.40",  # 488 - 185.60
            "totals.allowed": "488.00",  # 2 x (20 + 160 + 64)
            "warnings": [],
        },
        id="hdhp-crosses-deductible-inside-a-visit",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, HDHP_VISIT)),
            coverage=insured(deductible="1000", coinsurance="0.20", copays=AFTER_30),
        ),
        {
            # far from the deductible: everything is deductible, no copay
            # V1: 20 + 160 + 64 = 244 (756 left); V2: 244 (512 left)
            "visits.0.lines.1.deductible": "160.00",
            "visits.0.lines.1.copay": "0.00",
            "visits.0.patient_pays": "244.00",
            "visits.0.balances.deductible_remaining": "756.00",
            "visits.1.balances.deductible_remaining": "512.00",
            "visits.1.balances.out_of_pocket_remaining": None,  # no OOP maximum
            "totals.patient_pays": "488.00",
            "totals.copay": "0.00",
            "totals.insurance_pays": "0.00",
        },
        id="hdhp-before-the-deductible-no-copay",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, HDHP_VISIT)),
            coverage=insured(
                deductible="1000", coinsurance="0.20", copays={"office_visit": D("30.00")}
            ),
        ),
        {
            # the same with a plain copay: office lines pay the copay, never the deductible
            # V1 99213 copay 20, 99214 copay 10 (plan 150), J3490 deductible 64
            "visits.0.lines.1.copay": "10.00",
            "visits.0.lines.1.deductible": "0.00",
            "visits.0.lines.2.deductible": "64.00",
            "visits.0.patient_pays": "94.00",
            "visits.0.balances.deductible_remaining": "936.00",  # 1000 - 64
            "visits.1.balances.deductible_remaining": "872.00",  # 936 - 64
            "totals.patient_pays": "188.00",
        },
        id="plain-copay-for-comparison",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99214"), VisitItem("J3490")))),
            coverage=insured(
                deductible="100", coinsurance="0.20", out_of_pocket_max="120", copays=AFTER_30
            ),
        ),
        {
            # 99214: deductible min(160, 100, OOP 120) = 100 -> 0 left; copay
            #   min(30, 60, OOP after the deductible 20) = 20; plan 40
            "visits.0.lines.0.deductible": "100.00",
            "visits.0.lines.0.copay": "20.00",
            "visits.0.lines.0.insurance_pays": "40.00",
            # J3490: OOP remaining 0: costs the patient 0
            "visits.0.lines.1.coinsurance": "0.00",
            "visits.0.lines.1.insurance_pays": "64.00",
            "totals.patient_pays": "120.00",
            "visits.0.balances.out_of_pocket_remaining": "0.00",
            "visits.0.balances.deductible_remaining": "0.00",
        },
        id="copay-after-deductible-capped-by-oop",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, HDHP_VISIT)),
            coverage=insured(coinsurance="0.20", copays=AFTER_30),
        ),
        {
            # no deductible (missing = 0): the copay applies at once, as a plain copay
            "visits.0.lines.0.copay": "20.00",  # min(30, 20)
            "visits.0.lines.1.copay": "10.00",
            "visits.0.lines.1.deductible": "0.00",
            "visits.0.lines.2.coinsurance": "12.80",
            "totals.patient_pays": "42.80",
        },
        id="copay-after-deductible-without-deductible",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, HDHP_VISIT)),
            coverage=insured(
                deductible="500",
                deductible_met="480",
                coinsurance="0.20",
                copays=AFTER_30,
                coinsurance_by_category={"office_visit": D("0.50")},
            ),
        ),
        {
            # office_visit has both a copay and a category coinsurance: the copay wins
            # 99213: deductible 20 -> 0 left: copay min(30, 20 - 20 = 0) = 0
            "visits.0.lines.0.deductible": "20.00",
            "visits.0.lines.0.copay": "0.00",
            "visits.0.lines.0.coinsurance": "0.00",
            # 99214: copay min(30, 160) = 30, no coinsurance (not round(160 x .50))
            "visits.0.lines.1.copay": "30.00",
            "visits.0.lines.1.coinsurance": "0.00",
            "visits.0.lines.1.insurance_pays": "130.00",
            "visits.0.lines.2.coinsurance": "12.80",  # drug: the plain .20
            "totals.patient_pays": "62.80",  # 20 + 30 + 12.80
        },
        id="copay-after-deductible-beats-category-coinsurance",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("99214"),))),
            coverage=insured(
                deductible="500",
                coinsurance="0.20",
                copays={"office_visit": D("30.00")},
                coinsurance_by_category={"office_visit": D("0.50")},
            ),
        ),
        {
            # a plain copay with a category coinsurance: the copay (no deductible, no
            # coinsurance)
            "visits.0.lines.0.copay": "30.00",
            "visits.0.lines.0.deductible": "0.00",
            "visits.0.lines.0.coinsurance": "0.00",
            "totals.patient_pays": "30.00",
        },
        id="plain-copay-beats-category-coinsurance",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(3, (VisitItem("99214"),))),
            start=date(2027, 12, 20),
            coverage=insured(
                deductible="100", deductible_met="100", coinsurance="0.20", copays=AFTER_30
            ),
        ),
        {
            # 12-20 and 12-27: deductible met: copay 30 each
            "visits.0.lines.0.copay": "30.00",
            "visits.1.lines.0.copay": "30.00",
            # 2028-01-03: a new plan year, deductible 100 again (carried): deductible
            #   min(160, 100) = 100 -> 0 left: copay min(30, 60) = 30
            "visits.2.lines.0.deductible": "100.00",
            "visits.2.lines.0.copay": "30.00",
            "visits.2.patient_pays": "130.00",
            "visits.1.balances.deductible_remaining": "0.00",
            "visits.2.balances.deductible_remaining": "0.00",
            "totals.patient_pays": "190.00",  # 30 + 30 + 130
        },
        id="copay-after-deductible-across-plan-year",
    ),
    # ------------------------------------------------------- coinsurance by category
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=insured(
                deductible="100",
                coinsurance="0.20",
                coinsurance_by_category={"drug": D("0.50")},
            ),
        ),
        {
            # V1 96365 (administration, .20): deductible 100, coins round(260 x .20) = 52
            "visits.0.lines.0.coinsurance": "52.00",
            # V1 J3490 (drug, .50): coinsurance round(64 x .50) = 32, plan 32
            "visits.0.lines.1.coinsurance": "32.00",
            "visits.0.lines.1.insurance_pays": "32.00",
            "visits.0.patient_pays": "184.00",  # 100 + 52 + 32
            # V2: 72 + 32
            "visits.1.patient_pays": "104.00",
            "totals.coinsurance": "188.00",  # 52 + 32 + 72 + 32
            "totals.patient_pays": "288.00",
            "totals.insurance_pays": "560.00",  # 848 - 288
        },
        id="category-coinsurance-on-a-drug-line",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("J3490"), VisitItem("96365")))),
            coverage=insured(
                deductible="50",
                coinsurance="0.20",
                coinsurance_by_category={"drug": D("0.50")},
            ),
        ),
        {
            # J3490 first: deductible 50, coinsurance round(14 x .50) = 7; plan 7
            "visits.0.lines.0.deductible": "50.00",
            "visits.0.lines.0.coinsurance": "7.00",
            "visits.0.lines.0.insurance_pays": "7.00",
            # 96365: coinsurance round(360 x .20) = 72
            "visits.0.lines.1.coinsurance": "72.00",
            "totals.patient_pays": "129.00",  # 57 + 72
        },
        id="category-coinsurance-after-deductible-met-on-the-line",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(coinsurance_by_category={"drug": D("0.30")}),
        ),
        {
            # no plain coinsurance (missing = 0): 96365 costs 0; J3490 round(64 x .30)
            "visits.0.lines.0.coinsurance": "0.00",
            "visits.0.lines.0.insurance_pays": "360.00",
            "visits.0.lines.1.coinsurance": "19.20",
            "totals.patient_pays": "19.20",
        },
        id="category-coinsurance-alone",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, (VisitItem("ODD", 10),))),
            coverage=insured(coinsurance="0.20", coinsurance_by_category={"supply": D("0.15")}),
        ),
        {
            # charge 14.0125 x 10 = 140.125 -> 140.13; allowed 80%: 112.10
            # coinsurance 112.10 x .15 = 16.815 -> half up 16.82
            "visits.0.lines.0.allowed": "112.10",
            "visits.0.lines.0.coinsurance": "16.82",
            "visits.0.lines.0.insurance_pays": "95.28",  # 112.10 - 16.82
        },
        id="category-coinsurance-rounds-half-up",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                coinsurance="0.20",
                coinsurance_by_category={"drug": D("0.50")},
                out_of_pocket_max="100",
            ),
        ),
        {
            # 96365: coinsurance 72 (28 left); J3490: min(round(64 x .50) = 32, 28) = 28
            "visits.0.lines.1.coinsurance": "28.00",
            "visits.0.lines.1.insurance_pays": "36.00",
            "totals.patient_pays": "100.00",
            "visits.0.balances.out_of_pocket_remaining": "0.00",
        },
        id="category-coinsurance-capped-by-oop",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                network="out",
                coinsurance_by_category={"drug": D("0.90")},  # in network: not used here
                out_of_network=NetworkBenefits(
                    coinsurance=D("0.40"), coinsurance_by_category={"drug": D("0.10")}
                ),
            ),
        ),
        {
            # out of network: allowed 50%; 96365 225, coinsurance round(225 x .40) = 90,
            # reimbursement 135; J3490 40, the out-of-network drug rate: round(40 x .10) =
            # 4, reimbursement 36
            "visits.0.lines.0.coinsurance": "90.00",
            "visits.0.lines.0.expected_reimbursement": "135.00",
            "visits.0.lines.1.coinsurance": "4.00",
            "visits.0.lines.1.expected_reimbursement": "36.00",
            "totals.patient_pays": "530.00",  # the charges 450 + 80
            "totals.expected_reimbursement": "171.00",
            "totals.net_patient_cost": "359.00",  # 530 - 171
            "warnings": ["out_of_network"],  # 359 < cash 460
        },
        id="out-of-network-category-coinsurance",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                network="out",
                coinsurance_by_category={"drug": D("0.90")},
                out_of_network=NetworkBenefits(coinsurance=D("0.40")),
            ),
        ),
        {
            # the in-network map does not reach out of network: J3490 round(40 x .40) = 16
            "visits.0.lines.1.coinsurance": "16.00",
            "visits.0.lines.1.expected_reimbursement": "24.00",
            "totals.expected_reimbursement": "159.00",  # 135 + 24
        },
        id="out-of-network-ignores-in-network-category-map",
    ),
]


@pytest.mark.parametrize("inputs, expected", CASES)
def test_cost_sharing_design(inputs, expected):
    check(run(**inputs), expected)
