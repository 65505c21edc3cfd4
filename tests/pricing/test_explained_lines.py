"""What explains a line and a visit (domain.md section 4, 3.2 step 8, 3.3, 3.6, 3.9): each
line's description, cash, allowed_basis, liability and prior_authorization; each visit's
balances; the data-gap warnings no_policy_in_effect and no_contracted_rate. Every figure
derived by hand.

Prices (builders.py, illustrative): 96365 charge 450.00 cash 400.00; J3490 charge 80.00 cash
60.00; 99214 charge 200.00 cash 150.00; 99213 25.00 (cash = charge); J0013 10.00/mg cash
8.00/mg. The default payer allows 80% in network (96365 360.00, J3490 64.00, 99214
160.00) and 50% out of network (96365 225.00, J3490 40.00). Start: Monday 2027-01-04.
"""

from dataclasses import replace
from datetime import date

import pytest

from costapi.pricing import Amounts, NetworkBenefits, Policy, Program, Rate, SelfPay, VisitItem

from .builders import (
    INFUSION,
    SERVICES,
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
from .liability_builders import codes, coverage, warnings_with
from .secondary_builders import cob, with_secondary

DESCRIBED = {
    **SERVICES,
    "96365": replace(SERVICES["96365"], description="IV infusion, first hour"),
    "J3490": replace(SERVICES["J3490"], description="Unclassified drug (ketamine)"),
}
PA_96365 = Policy(63, service="96365", prior_authorization=True)
OUT_40 = NetworkBenefits(coinsurance=D("0.40"))
SAVINGS = Program(
    "savings", "Spravato savings program", ("J0013",), (), ("commercial",), D("10.00"), D("1000.00")
)
FOUNDATION = Program("foundation", "foundation grant", (), ("office_visit",), (), D("0.00"), None)
OFFICE_30 = {"office_visit": D("30.00")}

CASES = [
    # ------------------------------------------------------------- description, cash
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(coinsurance="0.20"),
            services=DESCRIBED,
        ),
        {
            "visits.0.lines.0.description": "IV infusion, first hour",
            "visits.0.lines.1.description": "Unclassified drug (ketamine)",
            "visits.0.lines.0.cash": "400.00",
            "visits.0.lines.1.cash": "60.00",
            "visits.0.lines.0.charge": "450.00",
        },
        id="description-and-cash-insured",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(1, INFUSION)), coverage=SelfPay(), services=DESCRIBED),
        {
            "visits.0.lines.0.description": "IV infusion, first hour",
            "visits.0.lines.0.cash": "400.00",
            "visits.0.lines.0.liability": "patient",  # self-pay: the patient's
            "visits.0.lines.0.allowed_basis": None,
            "visits.0.lines.0.prior_authorization": None,
            "visits.0.lines.0.clinic_write_off": "0.00",
            "visits.0.balances": None,  # self-pay: no balances
        },
        id="description-self-pay",
    ),
    pytest.param(
        dict(
            the_plan=plan(
                weekly(1, SPRAVATO + (VisitItem("99213"), VisitItem("ODD", 10))),
                modality="esketamine_nasal",
            ),
            coverage=insured(coinsurance="0.20"),
        ),
        {
            "visits.0.lines.0.description": "",  # the builders' services have none
            "visits.0.lines.0.cash": "448.00",  # 8.00 x 56
            "visits.0.lines.0.charge": "560.00",  # 10.00 x 56
            "visits.0.lines.0.allowed": "448.00",  # 560 x .80
            "visits.0.lines.1.cash": "150.00",  # 99214
            "visits.0.lines.2.cash": "25.00",  # 99213: cash price defaults to the charge
            "visits.0.lines.3.cash": "120.13",  # 12.0125 x 10 = 120.125 -> half up
            "visits.0.lines.0.liability": None,  # covered
        },
        id="cash-is-cash-price-times-units",
    ),
    # ---------------------------------------------------------------- allowed_basis
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(rates=[Rate(81, "96365", D("300.00"))]), coinsurance="0.20"
            ),
        ),
        {
            "visits.0.lines.0.allowed_basis": "contracted",
            "visits.0.lines.0.allowed": "300.00",
            "visits.0.lines.0.rate_id": 81,
            "visits.0.lines.1.allowed_basis": "percent_of_charge",  # 80 x .80 = 64
            "visits.0.lines.1.allowed": "64.00",
            "visits.0.lines.1.rate_id": None,
        },
        id="basis-contracted-and-percent",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(rates=[Rate(82, "96365", D("300.00"), None, date(2026, 12, 31))]),
                coinsurance="0.20",
            ),
        ),
        {
            # the rate ended before the visit: 450 x .80
            "visits.0.lines.0.allowed_basis": "percent_of_charge",
            "visits.0.lines.0.allowed": "360.00",
            "visits.0.lines.0.rate_id": None,
        },
        id="basis-rate-not-in-effect",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(payer_=payer(default=None), coinsurance="0.20"),
        ),
        {
            "visits.0.lines.0.allowed_basis": "charge",  # no rate, no percent
            "visits.0.lines.0.allowed": "450.00",
        },
        id="basis-charge-in-network",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(network="out", out_of_network=OUT_40),
        ),
        {
            "visits.0.lines.0.allowed_basis": "out_of_network_percent",
            "visits.0.lines.0.allowed": "225.00",  # 450 x .50
            "visits.0.lines.0.expected_reimbursement": "135.00",  # 225 - 90
        },
        id="basis-out-of-network-percent",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(payer_=payer(out=None), network="out", out_of_network=OUT_40),
        ),
        {
            # no out_of_network_allowed_percent: the charge (3.9)
            "visits.0.lines.0.allowed_basis": "charge",
            "visits.0.lines.0.allowed": "450.00",
            "visits.0.lines.0.coinsurance": "180.00",  # 450 x .40
            "visits.0.lines.0.expected_reimbursement": "270.00",
        },
        id="basis-out-of-network-charge",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(payer_=payer(kind="medicare"), network="out", out_of_network=OUT_40),
        ),
        {
            "visits.0.lines.0.allowed_basis": "none",  # the payer processes nothing
            "visits.0.lines.0.allowed": "0.00",
            "visits.0.lines.0.patient_pays": "450.00",
            "visits.0.balances": None,  # out of network without reimbursement
        },
        id="basis-none-medicare-out-of-network",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(payer_=payer(kind="medicaid"), network="out", out_of_network=OUT_40),
        ),
        {"visits.0.lines.1.allowed_basis": "none", "visits.0.balances": None},
        id="basis-none-medicaid-out-of-network",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(1, INFUSION)), coverage=insured(network="out")),
        {
            "visits.0.lines.0.allowed_basis": "none",  # no out_of_network benefits
            "visits.0.lines.0.allowed": "0.00",
            "visits.0.balances": None,
        },
        id="basis-none-without-out-of-network-benefits",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(kind="medicare_advantage"), network="out", out_of_network=OUT_40
            ),
        ),
        {
            # Medicare Advantage is not Original Medicare: it reimburses out of network
            "visits.0.lines.0.allowed_basis": "out_of_network_percent",
            "visits.0.lines.0.expected_reimbursement": "135.00",
        },
        id="basis-medicare-advantage-out-of-network",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(policies=[Policy(65, service="J3490", covered=False)]),
                coinsurance="0.20",
            ),
        ),
        {
            "visits.0.lines.0.allowed_basis": "percent_of_charge",
            "visits.0.lines.1.allowed_basis": None,  # not covered
            "visits.0.lines.1.liability": "patient",  # commercial exclusion
            "visits.0.lines.1.cash": "60.00",
        },
        id="basis-null-not-covered",
    ),
    # ------------------------------------------------------------ prior_authorization
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=insured(
                payer_=payer(policies=[PA_96365]), authorization="approved", coinsurance="0.20"
            ),
        ),
        {
            "visits.0.lines.0.prior_authorization": "approved",
            "visits.1.lines.0.prior_authorization": "approved",
            "visits.0.lines.1.prior_authorization": None,  # J3490: no policy needs one
            "warnings": [],
        },
        id="pa-approved",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=insured(
                payer_=payer(policies=[PA_96365]),
                authorization="approved",
                through=date(2027, 1, 4),
                coinsurance="0.20",
            ),
        ),
        {
            "visits.0.lines.0.prior_authorization": "approved",  # on the through date
            "visits.1.lines.0.prior_authorization": "expired",  # after it
            "visits.1.lines.0.covered": True,  # treated as not_requested
            "visits.1.lines.1.prior_authorization": None,
            # if denied (commercial, no waiver): the clinic's 400
            "warning:prior_authorization_required": {
                "date": "2027-01-11",
                "amount": "0.00",
                "clinic_amount": "400.00",
            },
        },
        id="pa-expired",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(policies=[PA_96365]), authorization="pending", coinsurance="0.20"
            ),
        ),
        {"visits.0.lines.0.prior_authorization": "pending", "visits.0.lines.0.covered": True},
        id="pa-pending",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(payer_=payer(policies=[PA_96365]), coinsurance="0.20"),
        ),
        {"visits.0.lines.0.prior_authorization": "not_requested"},
        id="pa-not-requested",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(policies=[PA_96365]), authorization="denied", coinsurance="0.20"
            ),
        ),
        {
            "visits.0.lines.0.prior_authorization": "denied",
            "visits.0.lines.0.covered": False,
            "visits.0.lines.0.reason": "prior_authorization_denied",
        },
        id="pa-denied",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(
                    policies=[Policy(68, service="96365", covered=False, prior_authorization=True)]
                ),
                authorization="approved",
                coinsurance="0.20",
            ),
        ),
        {
            # set on every line whose policy needs one, covered or not (3.9)
            "visits.0.lines.0.reason": "policy_exclusion",
            "visits.0.lines.0.prior_authorization": "approved",
        },
        id="pa-on-an-excluded-line",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                payer_=payer(
                    policies=[
                        Policy(
                            69,
                            service="96365",
                            prior_authorization=True,
                            diagnosis_codes=("F33.*",),
                        )
                    ]
                ),
                authorization="pending",
                diagnosis=("F43.10",),
                coinsurance="0.20",
            ),
        ),
        {
            # refused at step 3 (diagnosis) before step 4: still the status of the visit
            "visits.0.lines.0.reason": "diagnosis",
            "visits.0.lines.0.prior_authorization": "pending",
        },
        id="pa-on-a-diagnosis-refusal",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(1, INFUSION)), coverage=insured(coinsurance="0.20")),
        {"visits.0.lines.0.prior_authorization": None, "visits.0.lines.0.liability": None},
        id="pa-none-without-policy",
    ),
    # --------------------------------------------------------------------- balances
    pytest.param(
        dict(
            the_plan=plan(weekly(3, INFUSION)),
            start=date(2027, 12, 20),
            coverage=insured(deductible="500", coinsurance="0.20", out_of_pocket_max="1000"),
        ),
        {
            # 12-20: deductible 360 + 64 = 424 -> 76 left; OOP 1000 - 424 = 576
            "visits.0.balances.deductible_remaining": "76.00",
            "visits.0.balances.out_of_pocket_remaining": "576.00",
            "visits.0.balances.programs_remaining": {},  # no programs requested
            # 12-27: 96365 deductible 76 + round(284 x .20) = 56.80; J3490 12.80:
            # 145.60 -> deductible 0, OOP 576 - 145.60 = 430.40
            "visits.1.balances.deductible_remaining": "0.00",
            "visits.1.balances.out_of_pocket_remaining": "430.40",
            # 2028-01-03: a new plan year (amounts carried): 424 again -> 76, OOP 576
            "visits.2.balances.deductible_remaining": "76.00",
            "visits.2.balances.out_of_pocket_remaining": "576.00",
        },
        id="balances-across-a-plan-year",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                deductible="1000",
                coinsurance="0.20",
                out_of_pocket_max="3000",
                family=Amounts(D("1500"), D("1400"), D("6000"), D("1400")),
            ),
        ),
        {
            # deductible remaining min(1000, 1500 - 1400) = 100: 96365 deductible 100,
            # coinsurance round(260 x .20) = 52; J3490 12.80: 164.80 in all
            # after: deductible min(1000 - 100, 1500 - 1500) = 0;
            # OOP min(3000 - 164.80, 6000 - 1400 - 164.80) = min(2835.20, 4435.20)
            "visits.0.balances.deductible_remaining": "0.00",
            "visits.0.balances.out_of_pocket_remaining": "2835.20",
        },
        id="balances-family-effective-remaining",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=insured(
                network="out",
                deductible="50",  # in network: not these balances
                out_of_network=NetworkBenefits(D("500"), D("300"), D("10000"), D("0"), D("0.40")),
            ),
        ),
        {
            # out of network: 96365 allowed 225: deductible min(225, 200) = 200,
            # coinsurance round(25 x .40) = 10; J3490 40: coinsurance 16
            # deductible 500 - 300 - 200 = 0; OOP 10000 - 226 = 9774
            "visits.0.balances.deductible_remaining": "0.00",
            "visits.0.balances.out_of_pocket_remaining": "9774.00",
        },
        id="balances-out-of-network",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(4, SPRAVATO), modality="esketamine_nasal"),
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
            # each visit: J0013 allowed 448 (deductible), 99214 copay 30 (3.6):
            # V1: program min(448 - 10, 1000) = 438; deductible met 448 - 438 = 10
            #     OOP met 448 + 30 - 438 = 40
            "visits.0.balances.deductible_remaining": "990.00",
            "visits.0.balances.out_of_pocket_remaining": "4960.00",
            "visits.0.balances.programs_remaining": {"savings": D("562.00")},  # 1000 - 438
            # V2: the same: met 20, OOP met 80, program 124 left
            "visits.1.balances.deductible_remaining": "980.00",
            "visits.1.balances.out_of_pocket_remaining": "4920.00",
            "visits.1.balances.programs_remaining.savings": "124.00",
            # V3: the program pays only 124 (exhausted): met 20 + 448 - 124 = 344;
            #     OOP met 80 + 478 - 124 = 434 -- the cliff
            "visits.2.balances.deductible_remaining": "656.00",
            "visits.2.balances.out_of_pocket_remaining": "4566.00",
            "visits.2.balances.programs_remaining.savings": "0.00",
            "visits.2.patient_pays": "354.00",  # 448 - 124 + 30
            # V4: no program: deductible 448 -> 656 - 448 = 208; OOP met 434 + 478 = 912
            "visits.3.balances.deductible_remaining": "208.00",
            "visits.3.balances.out_of_pocket_remaining": "4088.00",
            "visits.3.balances.programs_remaining.savings": "0.00",
            "visits.3.patient_pays": "478.00",
            "warning:assistance_exhausted": {"date": "2027-01-18"},
        },
        id="balances-explain-the-accumulator-cliff",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(4, SPRAVATO), modality="esketamine_nasal"),
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
            # V1: deductible 448 -> 552 left; OOP 5000 - 478 = 4522
            "visits.0.balances.deductible_remaining": "552.00",
            "visits.0.balances.out_of_pocket_remaining": "4522.00",
            # V2: 104 left; OOP 4044
            "visits.1.balances.deductible_remaining": "104.00",
            "visits.1.balances.out_of_pocket_remaining": "4044.00",
            # V3: deductible 104, coinsurance round(344 x .20) = 68.80, copay 30:
            #     OOP 4044 - 202.80 = 3841.20; program min(172.80 - 10, 124) = 124
            "visits.2.balances.deductible_remaining": "0.00",
            "visits.2.balances.out_of_pocket_remaining": "3841.20",
            "visits.2.balances.programs_remaining.savings": "0.00",
            # V4: coinsurance 89.60 + copay 30: 3841.20 - 119.60
            "visits.3.balances.out_of_pocket_remaining": "3721.60",
        },
        id="balances-without-accumulator",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, SPRAVATO), modality="esketamine_nasal"),
            coverage=insured(
                payer_=payer(kind="medicare"),
                deductible="283",
                coinsurance="0.20",
                programs=(SAVINGS, FOUNDATION),
                used={"savings": "300.00", "foundation": "50.00"},
            ),
        ),
        {
            # savings is commercial-only: it cannot pay for Medicare and keeps
            # 1000 - 300 used = 700; foundation has no yearly maximum: null
            # (it pays the 99214 share: V1 deductible 0 left? J0013 first: deductible 283,
            # coinsurance round(165 x .20) = 33; 99214 coinsurance 32 -> foundation 32)
            "visits.0.balances.programs_remaining": {"savings": D("700.00"), "foundation": None},
            "visits.1.balances.programs_remaining": {"savings": D("700.00"), "foundation": None},
            "visits.0.lines.1.assistance_pays": "32.00",
            "visits.0.balances.deductible_remaining": "0.00",
            "visits.0.balances.out_of_pocket_remaining": None,
        },
        id="balances-programs-remaining-kinds-and-no-maximum",
    ),
]


@pytest.mark.parametrize("inputs, expected", CASES)
def test_explained_line(inputs, expected):
    check(run(**inputs), expected)


def test_programs_remaining_in_request_order():
    coverage_ = insured(coinsurance="0.20", programs=(FOUNDATION, SAVINGS))
    result = run(plan(weekly(1, SPRAVATO), modality="esketamine_nasal"), coverage_)
    assert [code for code, _ in result.visits[0].balances.programs_remaining] == [
        "foundation",
        "savings",
    ]


# ----------------------------------------------------------- no_policy_in_effect (3.2 step 8)
def policies(*the_policies, **terms):
    return insured(payer_=payer(policies=the_policies), coinsurance="0.20", **terms)


IV = "ketamine_iv"


def test_no_policy_in_effect_before_any():
    # the payer's only policy for the line ended 2026-12-31: both visits assume coverage;
    # one warning, at the first visit, no amount
    result = run(
        plan(weekly(2, INFUSION)),
        policies(Policy(71, modality=IV, effective_to=date(2026, 12, 31))),
    )
    check(
        result,
        {
            "visits.0.lines.0.covered": True,
            "visits.0.lines.0.policy_id": None,
            "totals.patient_pays": "169.60",  # 2 x (72 + 12.80)
            "warnings": ["no_policy_in_effect"],
            "warning:no_policy_in_effect": {"date": "2027-01-04"},
        },
    )
    assert "amount" not in warnings_with(result, "no_policy_in_effect")[0]


def test_no_policy_in_effect_after_the_policy_ends():
    # in effect to 01-10: 01-04 under policy 72; 01-11 none in effect
    result = run(
        plan(weekly(3, INFUSION)), policies(Policy(72, modality=IV, effective_to=date(2027, 1, 10)))
    )
    check(
        result,
        {
            "visits.0.lines.0.policy_id": 72,
            "visits.1.lines.0.policy_id": None,
            "warnings": ["no_policy_in_effect"],
            "warning:no_policy_in_effect": {"date": "2027-01-11"},
        },
    )


def test_no_policy_in_effect_before_a_future_policy():
    # from 01-11: 01-04 has none in effect
    result = run(
        plan(weekly(2, INFUSION)),
        policies(Policy(77, modality=IV, effective_from=date(2027, 1, 11))),
    )
    check(
        result,
        {
            "visits.0.lines.0.policy_id": None,
            "visits.1.lines.0.policy_id": 77,
            "warning:no_policy_in_effect": {"date": "2027-01-04"},
        },
    )


def test_no_warning_when_another_matching_policy_is_in_effect():
    # 96365's own policy ended, but the modality policy 74 is in effect and matches
    result = run(
        plan(weekly(1, INFUSION)),
        policies(
            Policy(73, service="96365", effective_to=date(2026, 12, 31)),
            Policy(74, modality=IV),
        ),
    )
    check(result, {"visits.0.lines.0.policy_id": 74, "visits.0.lines.1.policy_id": 74})
    assert "no_policy_in_effect" not in codes(result)


def test_no_warning_for_an_expired_policy_that_would_not_match():
    result = run(
        plan(weekly(1, INFUSION)),
        policies(Policy(75, modality="kap", effective_to=date(2026, 12, 31))),
    )
    assert "no_policy_in_effect" not in codes(result)


def test_no_policy_in_effect_looks_at_the_primary_only():
    secondary = cob(
        "standard",
        coinsurance="0.10",
        policies=[Policy(76, modality=IV, effective_to=date(2026, 12, 31))],
    )
    result = run(plan(weekly(1, INFUSION)), with_secondary(policies(), secondary))
    assert "no_policy_in_effect" not in codes(result)


# ------------------------------------------------------------ no_contracted_rate (step 8)
def rated(*rates, network="in", **extra):
    return coverage(payer_=payer(rates=rates, **extra), network=network, coinsurance="0.20")


def contracted_warnings(result):
    return sorted(
        (w["date"], str(w["amount"])) for w in warnings_with(result, "no_contracted_rate")
    )


def test_no_contracted_rate_per_service():
    # 96365 has rate 81; J3490 priced at 80%: 64.00 a visit, 2 visits
    result = run(plan(weekly(2, INFUSION)), rated(Rate(81, "96365", D("300.00"))))
    assert contracted_warnings(result) == [("2027-01-04", "128.00")]


def test_no_contracted_rate_with_a_rate_not_in_effect():
    # rate 82 ended 2026-12-31 (still "a rate"): 96365 2 x 360 and J3490 2 x 64
    result = run(
        plan(weekly(2, INFUSION)), rated(Rate(82, "96365", D("300.00"), None, date(2026, 12, 31)))
    )
    assert contracted_warnings(result) == [("2027-01-04", "128.00"), ("2027-01-04", "720.00")]


def test_no_contracted_rate_at_the_charge():
    # no default percent: J3490 allowed = charge 80.00, 2 visits
    result = run(plan(weekly(2, INFUSION)), rated(Rate(81, "96365", D("300.00")), default=None))
    assert contracted_warnings(result) == [("2027-01-04", "160.00")]


def test_no_contracted_rate_dated_by_each_service_first_line():
    # intake 01-04 (99214, 160.00), then the series from 01-11 (96365 rated, J3490 64.00)
    the_plan = plan(
        phase("intake", 1, (VisitItem("99214"),), every=7, kind="intake"), weekly(1, INFUSION)
    )
    result = run(the_plan, rated(Rate(81, "96365", D("300.00"))))
    assert contracted_warnings(result) == [("2027-01-04", "160.00"), ("2027-01-11", "64.00")]


def test_no_contracted_rate_needs_a_rate():
    result = run(plan(weekly(2, INFUSION)), rated())
    assert "no_contracted_rate" not in codes(result)


def test_no_contracted_rate_in_network_only():
    result = run(plan(weekly(2, INFUSION)), rated(Rate(81, "96365", D("300.00")), network="out"))
    assert "no_contracted_rate" not in codes(result)


def test_no_contracted_rate_for_covered_lines_only():
    # J3490 excluded (not priced at all), 96365 contracted: nothing to warn about
    result = run(
        plan(weekly(1, INFUSION)),
        coverage(
            payer_=payer(
                rates=[Rate(81, "96365", D("300.00"))],
                policies=[Policy(65, service="J3490", covered=False)],
            ),
            coinsurance="0.20",
        ),
    )
    assert "no_contracted_rate" not in codes(result)


def test_no_policy_in_effect_once_per_estimate():
    # 01-04: 96365's policy 71 ended, J3490's policy 78 starts 01-11: neither in effect;
    # 01-11: 96365 still none. Two lines, two visits, one warning dated 01-04
    result = run(
        plan(weekly(2, INFUSION)),
        policies(
            Policy(71, service="96365", effective_to=date(2026, 12, 31)),
            Policy(78, service="J3490", effective_from=date(2027, 1, 11)),
        ),
    )
    check(
        result,
        {
            "visits.0.lines.1.policy_id": None,
            "visits.1.lines.1.policy_id": 78,
            "visits.1.lines.0.policy_id": None,
            "warnings": ["no_policy_in_effect"],
            "warning:no_policy_in_effect": {"date": "2027-01-04"},
        },
    )
