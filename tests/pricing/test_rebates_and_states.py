"""Programs paid as a rebate, and programs that exclude states (domain 3.6), by hand.

Visit (tests/pricing/builders.py SPRAVATO): J0013 x 56, allowed 80% of 560 = 448.00, and
99214, allowed 80% of 200 = 160.00. Two programs, as the manufacturer runs them:
MEDICATION pays the drug line at the point of sale down to 10.00 a visit; SESSION pays the
visit line back to the patient after the claim (a rebate), with no minimum.
"""
from dataclasses import replace

import pytest

from costapi.pricing import Program

from .builders import SPRAVATO, D, check, insured, phase, plan, run

MEDICATION = Program("medication", "Medication program", services=("J0013",),
                     payer_kinds=("commercial",), patient_pays_per_visit=D("10.00"),
                     annual_max=D("15000.00"))
SESSION = Program("session", "Treatment session program", services=("99214",),
                  payer_kinds=("commercial",), annual_max=D("1000.00"), paid_as="rebate",
                  excluded_states=("MA", "MI", "MN", "RI"))
ESKETAMINE = plan(phase("series", 2, SPRAVATO, every=7), modality="esketamine_nasal")


def coverage(*programs, state=None, **benefits):
    benefits = benefits or {"coinsurance": "0.20"}
    return replace(insured(programs=programs, **benefits), patient_state=state)


def test_a_rebate_leaves_patient_pays_and_lowers_the_net_cost():
    # coinsurance 0.20: J0013 89.60, 99214 32.00. MEDICATION: 89.60 - 10 = 79.60 at the
    # visit, so J0013 costs 10.00; SESSION rebates the 99214 share 32.00 after the claim.
    check(run(ESKETAMINE, coverage(SESSION, MEDICATION, state="NY")), {
        "visits.0.lines.0.assistance_pays": "79.60",
        "visits.0.lines.0.patient_pays": "10.00",
        "visits.0.lines.1.patient_pays": "32.00",  # paid at the visit ...
        "visits.0.lines.1.expected_rebate": "32.00",  # ... and paid back
        "visits.0.lines.1.assistance_pays": "0.00",
        "visits.0.patient_pays": "42.00",  # 10 + 32
        "visits.0.net_patient_cost": "10.00",  # 42 - 32
        "visits.0.expected_rebate": "32.00",
        "phases.0.expected_rebate": "64.00",  # 2 visits
        "months.0.expected_rebate": "64.00",
        "totals.expected_rebate": "64.00",
        "totals.patient_pays": "84.00",  # 2 x 42
        "totals.net_patient_cost": "20.00",  # 84 - 64
        "warnings": [],
    })


def test_a_rebate_is_not_taken_back_by_a_copay_accumulator():
    # deductible 500, accumulator. Visit 1: J0013 448 deductible; 99214 deductible 52 +
    # 0.20 x 108 = 21.60. MEDICATION (point of sale) pays 448 - 10 = 438, which the plan
    # takes back off the deductible met (at most the J0013 deductible part 448): remaining
    # 500 - 500 + 438 = 438.00. SESSION rebates 52 + 21.60 = 73.60; the plan never sees it.
    result = run(ESKETAMINE, coverage(MEDICATION, SESSION, state="NY", deductible="500",
                                      coinsurance="0.20", accumulator_program=True))
    check(result, {
        "visits.0.lines.0.assistance_pays": "438.00",
        "visits.0.lines.1.expected_rebate": "73.60",
        "visits.0.balances.deductible_remaining": "438.00",
        "visits.0.balances.programs_remaining.medication": "14562.00",  # 15000 - 438
        "visits.0.balances.programs_remaining.session": "926.40",  # 1000 - 73.60
        "visits.0.net_patient_cost": "10.00",  # 10 + 73.60 - 73.60
    })
    # Visit 2: deductible 438 left: J0013 438 + 0.20 x 10 = 2.00 = 440.00; MEDICATION 430.00;
    # 99214 0.20 x 160 = 32.00, rebated
    check(result, {
        "visits.1.lines.0.assistance_pays": "430.00",
        "visits.1.lines.1.expected_rebate": "32.00",
        "visits.1.net_patient_cost": "10.00",
    })


def test_a_rebate_before_a_point_of_sale_program_on_the_same_line():
    # Both on J0013 (89.60): the rebate first takes 89.60 - 0 = 89.60; the point-of-sale
    # program then sees what the patient still owes: 89.60 - 89.60 rebated = 0 -> nothing.
    rebate_drug = replace(SESSION, services=("J0013",), excluded_states=())
    check(run(ESKETAMINE, coverage(rebate_drug, MEDICATION)), {
        "visits.0.lines.0.expected_rebate": "89.60",
        "visits.0.lines.0.assistance_pays": "0.00",
        "visits.0.lines.0.patient_pays": "89.60",
    })


@pytest.mark.parametrize("state", ["MA", "RI"])
def test_an_excluded_state_gets_nothing_from_the_program(state):
    # SESSION excludes MA, MI, MN, RI: the 99214 share 32.00 stays the patient's
    check(run(ESKETAMINE, coverage(SESSION, state=state)), {
        "visits.0.lines.1.expected_rebate": "0.00",
        "totals.net_patient_cost": "243.20",  # 2 x (89.60 + 32)
        "warnings": ["assistance_not_applicable"],
    })
    message = run(ESKETAMINE, coverage(SESSION, state=state)).warnings[0].message
    assert state in message


def test_without_a_state_the_program_applies_and_says_so():
    result = run(ESKETAMINE, coverage(SESSION))
    check(result, {
        "totals.expected_rebate": "64.00",  # 2 x 32
        "warnings": ["assistance_state_unverified"],
    })
    assert "MA, MI, MN and RI" in result.warnings[0].message
    # a program without excluded states never asks for the state
    assert run(ESKETAMINE, coverage(MEDICATION)).warnings == ()


def test_program_available_respects_the_state():
    # SESSION is live but not requested: it would save 64.00 in NY, nothing is offered in MA
    offered = replace(coverage(state="NY"), available_programs=(SESSION,))
    check(run(ESKETAMINE, offered), {
        "warnings": ["program_available"],
        "warning:program_available": {"amount": "64.00"},
    })
    refused = replace(coverage(state="MA"), available_programs=(SESSION,))
    assert run(ESKETAMINE, refused).warnings == ()

