"""Liability of lines the payer does not cover, waivers, QMB (domain.md 3.2 step 7, 3.7,
section 4): worked cases, every figure derived by hand.

Prices (builders.py, illustrative): one infusion visit = 96365 (charge 450.00, cash 400.00)
+ J3490 (charge 80.00, cash 60.00): cash 460.00; allowed at 80% in network 360.00 + 64.00.
Start: Monday 2027-01-04, weekly visits (01-04, 01-11, ...).

A `patient` line is as 3.2 step 6: patient_pays = not_covered = cash, clinic_write_off 0.
A `clinic` line: patient_pays = not_covered = 0, clinic_write_off = cash (section 4).
The refusal warnings (not_covered, diagnosis_not_covered, prior_authorization_denied,
visit_limit) come from patient-liable lines only; clinic-liable lines give
`clinic_liability`, one per reason (amount = their clinic_write_off, date = the first).
"""

from dataclasses import replace
from datetime import date

import pytest

from costapi.pricing import NetworkBenefits, Policy, PricingError, Program

from .builders import INFUSION, D, check, phase, plan, run, weekly
from .liability_builders import (
    AUTHORIZATION,
    REASONS,
    REFUSAL_WARNING,
    codes,
    coverage,
    refused,
    warnings_with,
)
from .secondary_builders import expect, medicaid, medicare

TYPED_MEDICARE = medicare(standard=())  # kind medicare, 80% allowed, Part B typed per case

# ----------------------------------------------------------- the liability table (3.2 step 7)
# P: the patient's whatever the waiver; C: the clinic's whatever the waiver;
# W: the patient's only when waived (waiver_signed true, or a list naming the reason),
#    else the clinic's.
# Columns: policy_exclusion, diagnosis, prior_authorization_denied, visit_limit.
IN_NETWORK = {
    # any other kind: exclusion and visit_limit patient; diagnosis and PA denial waivable
    "commercial": "PWWP",
    "other": "PWWP",
    # Original Medicare: exclusion patient; diagnosis, visit_limit (a frequency limit is a
    # medical-necessity denial) and PA denial only with the ABN
    "medicare": "PWWW",
    # Medicare Advantage: exclusion and PA denial (a pre-service denial) patient;
    # diagnosis and visit_limit the clinic, a waiver does not shift them
    "medicare_advantage": "PCPC",
    # Medicaid: every reason, only when waived
    "medicaid": "WWWW",
    "commercial+medicaid": "WWWW",  # a Medicaid secondary (3.7) behind a commercial primary
    "medicare+medicaid": "WWWW",  # dual eligible, not QMB
    "qmb": "WWWW",  # coverage.qmb with Original Medicare
}
OUT_OF_NETWORK = {
    # out of network the patient's, except in the Medicaid context (payer kind medicaid or
    # qmb: in or out of network, only when waived); a secondary is in network only (3.7)
    "commercial": "PPPP",
    "other": "PPPP",
    "medicare": "PPPP",
    "medicare_advantage": "PPPP",
    "medicaid": "WWWW",
    "qmb": "WWWW",
}
WAIVERS = {
    "no-waiver": lambda reason: False,
    "waiver-true": lambda reason: True,
    "waiver-list-naming-it": lambda reason: (reason,),
    "waiver-list-naming-another": lambda reason: tuple(r for r in REASONS if r != reason)[:1],
    "waiver-empty-list": lambda reason: (),
}


def scenario(name, reason, network, waiver):
    kinds = {
        "qmb": "medicare",
        "commercial+medicaid": "commercial",
        "medicare+medicaid": "medicare",
    }
    extra = {}
    if name.endswith("+medicaid"):
        extra["secondary"] = medicaid()
    if name == "qmb":
        extra["qmb"] = True
    return refused(reason, kind=kinds.get(name, name), network=network, waiver=waiver, **extra)


def liable(cell, waived):
    return {"P": "patient", "C": "clinic", "W": "patient" if waived else "clinic"}[cell]


def matrix():
    for network, table in (("in", IN_NETWORK), ("out", OUT_OF_NETWORK)):
        for name, cells in table.items():
            for reason, cell in zip(REASONS, cells, strict=True):
                for label, waiver_of in WAIVERS.items():
                    waiver = waiver_of(reason)
                    waived = waiver is True or reason in (waiver or ())
                    yield pytest.param(
                        name,
                        reason,
                        network,
                        waiver,
                        liable(cell, waived),
                        id=f"{network}-{name}-{reason}-{label}",
                    )


@pytest.mark.parametrize("name, reason, network, waiver, who", list(matrix()))
def test_liability_of_a_refused_visit(name, reason, network, waiver, who):
    result = run(plan(weekly(1, INFUSION)), scenario(name, reason, network, waiver))
    on_patient = who == "patient"
    # 96365 cash 400.00, J3490 cash 60.00: the patient's bill or the clinic's write-off
    expected = {
        "visits.0.lines.0.covered": False,
        "visits.0.lines.0.reason": reason,
        "visits.0.lines.0.liability": who,
        "visits.0.lines.0.cash": "400.00",
        "visits.0.lines.0.allowed": "0.00",
        "visits.0.lines.0.allowed_basis": None,  # not covered: null (3.3)
        "visits.0.lines.0.insurance_pays": "0.00",
        "visits.0.lines.0.secondary_pays": "0.00",  # a secondary pays nothing here (3.7)
        "visits.0.lines.0.deductible": "0.00",
        "visits.0.lines.0.not_covered": "400.00" if on_patient else "0.00",
        "visits.0.lines.0.patient_pays": "400.00" if on_patient else "0.00",
        "visits.0.lines.0.clinic_write_off": "0.00" if on_patient else "400.00",
        "visits.0.lines.1.liability": who,
        "visits.0.lines.1.not_covered": "60.00" if on_patient else "0.00",
        "visits.0.lines.1.clinic_write_off": "0.00" if on_patient else "60.00",
        # the line's authorization status where its policy needs one (section 4)
        "visits.0.lines.0.prior_authorization": (
            "denied" if reason == "prior_authorization_denied" else None
        ),
        "visits.0.patient_pays": "460.00" if on_patient else "0.00",
        "visits.0.clinic_write_off": "0.00" if on_patient else "460.00",
        "totals.patient_pays": "460.00" if on_patient else "0.00",
        "totals.not_covered": "460.00" if on_patient else "0.00",
        "totals.clinic_write_off": "0.00" if on_patient else "460.00",
        "totals.net_patient_cost": "460.00" if on_patient else "0.00",
        "totals.expected_reimbursement": "0.00",
        "phases.0.clinic_write_off": "0.00" if on_patient else "460.00",
        "months.0.clinic_write_off": "0.00" if on_patient else "460.00",
    }
    check(result, expected)
    refusal = REFUSAL_WARNING[reason]
    if on_patient:
        assert "clinic_liability" not in codes(result)
        check(result, {f"warning:{refusal}": {"amount": "460.00"}})
    else:
        assert refusal not in codes(result)
        [warning] = warnings_with(result, "clinic_liability")
        assert str(warning["amount"]) == "460.00" and warning["date"] == "2027-01-04"


# ------------------------------------------------------------------------ worked cases
DX_96365 = Policy(62, service="96365", diagnosis_codes=("F33.*",))
PA_96365 = Policy(63, service="96365", prior_authorization=True)
EXCLUDE_J3490 = Policy(65, service="J3490", covered=False, reason="Unlisted drug")
LIMIT_J3490 = Policy(66, service="J3490", max_visits_per_year=1)
PA_J3490 = Policy(67, service="J3490", prior_authorization=True)
OUT_BENEFITS_20 = NetworkBenefits(coinsurance=D("0.20"))
GRANT = Program(
    "grant", "foundation grant", (), ("administration", "drug"), (), D("0.00"), D("1000.00")
)  # any payer kind

CASES = [
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=coverage(policies=[DX_96365], diagnosis=("F43.10",), coinsurance="0.20"),
        ),
        {
            # commercial, in network, no waiver: 96365 refused (diagnosis) -> the clinic's;
            # J3490 has no policy: covered, coinsurance round(64 x .20) = 12.80, plan 51.20
            "visits.0.lines.0.liability": "clinic",
            "visits.0.lines.0.clinic_write_off": "400.00",
            "visits.0.lines.0.patient_pays": "0.00",
            "visits.0.lines.1.liability": None,  # covered
            "visits.0.lines.1.clinic_write_off": "0.00",
            "visits.0.lines.1.coinsurance": "12.80",
            "visits.0.patient_pays": "12.80",
            "visits.0.clinic_write_off": "400.00",
            "visits.1.clinic_write_off": "400.00",
            "totals.patient_pays": "25.60",  # 2 x 12.80
            "totals.insurance_pays": "102.40",  # 2 x 51.20
            "totals.not_covered": "0.00",
            "totals.clinic_write_off": "800.00",  # 2 x 400
            "phases.0.clinic_write_off": "800.00",
            "months.0.clinic_write_off": "800.00",
            "plan_years.0.clinic_write_off": "800.00",
            "self_pay_total": "920.00",  # 2 x 460
            "warnings": ["clinic_liability"],
            "warning:clinic_liability": {"amount": "800.00", "date": "2027-01-04"},
        },
        id="commercial-diagnosis-clinic-two-visits-roll-ups",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=coverage(
                policies=[DX_96365],
                diagnosis=("F43.10",),
                coinsurance="0.20",
                waiver=("diagnosis",),
            ),
        ),
        {
            # the same with the patient's signed notice for `diagnosis`: 96365 at cash
            "visits.0.lines.0.liability": "patient",
            "visits.0.lines.0.not_covered": "400.00",
            "visits.0.patient_pays": "412.80",  # 400 + 12.80
            "totals.patient_pays": "825.60",  # 2 x 412.80
            "totals.not_covered": "800.00",
            "totals.clinic_write_off": "0.00",
            "plan_years.0.clinic_write_off": "0.00",
            "warnings": ["diagnosis_not_covered"],
            "warning:diagnosis_not_covered": {"amount": "800.00", "policy_id": 62},
        },
        id="commercial-diagnosis-waived-by-list",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(
                policies=[PA_96365, EXCLUDE_J3490],
                authorization="denied",
                coinsurance="0.20",
                waiver=("diagnosis",),
            ),
        ),
        {
            # 96365: PA denied, the waiver names only `diagnosis` -> the clinic's 400
            "visits.0.lines.0.reason": "prior_authorization_denied",
            "visits.0.lines.0.liability": "clinic",
            "visits.0.lines.0.clinic_write_off": "400.00",
            "visits.0.lines.0.prior_authorization": "denied",
            # J3490: a policy exclusion is the patient's (commercial, in network): cash 60
            "visits.0.lines.1.reason": "policy_exclusion",
            "visits.0.lines.1.reason_detail": "Unlisted drug",
            "visits.0.lines.1.liability": "patient",
            "visits.0.lines.1.patient_pays": "60.00",
            "visits.0.lines.1.prior_authorization": None,
            "totals.patient_pays": "60.00",
            "totals.not_covered": "60.00",
            "totals.clinic_write_off": "400.00",
            "warning:not_covered": {"amount": "60.00", "policy_id": 65},
            "warning:clinic_liability": {"amount": "400.00", "date": "2027-01-04"},
        },
        id="commercial-two-reasons-one-patient-one-clinic",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(
                policies=[PA_96365, EXCLUDE_J3490],
                authorization="denied",
                coinsurance="0.20",
                waiver=True,
            ),
        ),
        {
            # waiver true: the PA denial is the patient's too: 400 + 60
            "visits.0.lines.0.liability": "patient",
            "visits.0.lines.0.patient_pays": "400.00",
            "totals.patient_pays": "460.00",
            "totals.clinic_write_off": "0.00",
            "warning:prior_authorization_denied": {"amount": "400.00"},
            "warning:not_covered": {"amount": "60.00"},
        },
        id="commercial-two-reasons-waiver-true",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(
                kind="medicare",
                policies=[DX_96365, LIMIT_J3490],
                diagnosis=("F43.10",),
                visits_used={66: 1},
                deductible="283",
                coinsurance="0.20",
                waiver=("diagnosis",),
            ),
        ),
        {
            # Original Medicare: the ABN covers `diagnosis` only (per reason, never blanket)
            # 96365 diagnosis -> the patient's 400; J3490 visit_limit -> the clinic's 60
            "visits.0.lines.0.liability": "patient",
            "visits.0.lines.0.patient_pays": "400.00",
            "visits.0.lines.1.reason": "visit_limit",
            "visits.0.lines.1.liability": "clinic",
            "visits.0.lines.1.clinic_write_off": "60.00",
            "totals.patient_pays": "400.00",
            "totals.deductible": "0.00",  # refused lines never count toward it
            "totals.clinic_write_off": "60.00",
            "warning:diagnosis_not_covered": {"amount": "400.00", "policy_id": 62},
            "warning:clinic_liability": {"amount": "60.00", "date": "2027-01-04"},
        },
        id="medicare-abn-for-one-reason",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=coverage(
                kind="medicare",
                policies=[DX_96365, LIMIT_J3490],
                diagnosis=("F43.10",),
                deductible="283",
                coinsurance="0.20",
            ),
        ),
        {
            # no ABN: V1 96365 the clinic's (diagnosis); J3490 covered, its one visit:
            #   deductible min(64, 283) = 64, patient 64
            # V2 96365 the clinic's again; J3490 over the limit: the clinic's 60
            "visits.0.lines.1.covered": True,
            "visits.0.lines.1.deductible": "64.00",
            "visits.0.patient_pays": "64.00",
            "visits.1.lines.1.reason": "visit_limit",
            "visits.1.lines.1.clinic_write_off": "60.00",
            "visits.1.patient_pays": "0.00",
            "visits.1.clinic_write_off": "460.00",
            "totals.patient_pays": "64.00",
            "totals.clinic_write_off": "860.00",  # 400 + 400 + 60
            "warning_set": [("clinic_liability", None), ("clinic_liability", None)],
        },
        id="medicare-no-abn-two-reasons",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(
                kind="medicare_advantage",
                policies=[DX_96365, PA_J3490],
                diagnosis=("F43.10",),
                authorization="denied",
                coinsurance="0.20",
                waiver=True,
            ),
        ),
        {
            # Medicare Advantage: diagnosis the clinic's even with a waiver: 400;
            # a PA denial (pre-service) the patient's: cash 60
            "visits.0.lines.0.liability": "clinic",
            "visits.0.lines.0.clinic_write_off": "400.00",
            "visits.0.lines.1.liability": "patient",
            "visits.0.lines.1.patient_pays": "60.00",
            "visits.0.lines.1.prior_authorization": "denied",
            "totals.patient_pays": "60.00",
            "totals.clinic_write_off": "400.00",
            "warning:prior_authorization_denied": {"amount": "60.00"},
            "warning:clinic_liability": {"amount": "400.00", "date": "2027-01-04"},
        },
        id="medicare-advantage-diagnosis-clinic-pa-patient",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(policies=[EXCLUDE_J3490], coinsurance="0.20", secondary=medicaid()),
        ),
        {
            # commercial + Medicaid secondary: the Medicaid rule (only when waived)
            # 96365 covered: coinsurance 72.00 = S, Medicaid pays it (copay_per_visit 0)
            "visits.0.lines.0.coinsurance": "72.00",
            "visits.0.lines.0.secondary_pays": "72.00",
            "visits.0.lines.0.insurance_pays": "288.00",
            "visits.0.lines.0.patient_pays": "0.00",
            # J3490 excluded: a commercial exclusion would be the patient's; here the clinic's
            "visits.0.lines.1.liability": "clinic",
            "visits.0.lines.1.clinic_write_off": "60.00",
            "visits.0.lines.1.secondary_pays": "0.00",
            "totals.patient_pays": "0.00",
            "totals.secondary_pays": "72.00",
            "totals.clinic_write_off": "60.00",
            "warning_set": [("medicaid_crossover", "medicaid"), ("clinic_liability", None)],
            "warning:medicaid_crossover@medicaid": {"amount": "72.00", "date": "2027-01-04"},
            "warning:clinic_liability@": {"amount": "60.00", "date": "2027-01-04"},
        },
        id="medicaid-secondary-exclusion-clinic",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(
                network="out",
                policies=[DX_96365],
                diagnosis=("F43.10",),
                out_of_network=OUT_BENEFITS_20,
            ),
        ),
        {
            # commercial out of network: refused lines are the patient's (cash 400)
            # J3490 covered: patient pays the charge 80; allowed 50% = 40, coinsurance
            # round(40 x .20) = 8, reimbursement 32
            "visits.0.lines.0.liability": "patient",
            "visits.0.lines.0.patient_pays": "400.00",
            "visits.0.lines.1.patient_pays": "80.00",
            "visits.0.lines.1.expected_reimbursement": "32.00",
            "visits.0.lines.1.allowed_basis": "out_of_network_percent",
            "totals.patient_pays": "480.00",
            "totals.net_patient_cost": "448.00",  # 480 - 32
            "totals.clinic_write_off": "0.00",
            "warning:diagnosis_not_covered": {"amount": "400.00"},
        },
        id="commercial-out-of-network-diagnosis-patient",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(
                kind="medicaid", network="out", policies=[DX_96365], diagnosis=("F43.10",)
            ),
        ),
        {
            # Medicaid out of network: still only when waived -> the clinic's 400;
            # J3490 covered, no reimbursement (medicaid): the patient pays the charge 80
            "visits.0.lines.0.liability": "clinic",
            "visits.0.lines.0.clinic_write_off": "400.00",
            "visits.0.lines.1.patient_pays": "80.00",
            "visits.0.lines.1.allowed_basis": "none",
            "totals.patient_pays": "80.00",
            "totals.clinic_write_off": "400.00",
            "warning:clinic_liability": {"amount": "400.00"},
        },
        id="medicaid-out-of-network-diagnosis-clinic",
    ),
]


CASES_BY_ID = {case.id: case for case in CASES}


@pytest.mark.parametrize("inputs, expected", CASES)
def test_liability_case(inputs, expected):
    expect(run(**inputs), expected)


def test_medicare_no_abn_gives_one_clinic_liability_per_reason():
    # the medicare-no-abn-two-reasons case: diagnosis 400 + 400 from 01-04;
    # visit_limit 60 on 01-11 (J3490's one visit a year was 01-04)
    result = run(**CASES_BY_ID["medicare-no-abn-two-reasons"].values[0])
    got = sorted((w["date"], str(w["amount"])) for w in warnings_with(result, "clinic_liability"))
    assert got == [("2027-01-04", "800.00"), ("2027-01-11", "60.00")]
    assert "diagnosis_not_covered" not in codes(result) and "visit_limit" not in codes(result)


# ------------------------------------------------------------------------------- QMB
def qmb(secondary=None, **terms):
    """Original Medicare, Part B typed (deductible 283.00, coinsurance .20), QMB."""
    terms = {"payer_": TYPED_MEDICARE, "deductible": "283", "coinsurance": "0.20", **terms}
    return coverage(qmb=True, secondary=secondary, **terms)


# Two weekly infusions under Part B (3.4):
# V1 96365: deductible min(360, 283) = 283, coinsurance round(77 x .20) = 15.40,
#           S = 298.40, Medicare pays 61.60;  J3490: coinsurance 12.80 = S, Medicare 51.20
# V2 96365: coinsurance 72.00 = S, Medicare 288;  J3490: S 12.80, Medicare 51.20
# S total 298.40 + 12.80 + 72 + 12.80 = 396.00; Medicare pays 452.00 of allowed 848.00
QMB_CASES = [
    pytest.param(
        dict(the_plan=plan(weekly(2, INFUSION)), coverage=qmb()),
        {
            # no secondary: every S goes to clinic_write_off, the patient pays 0
            "visits.0.lines.0.deductible": "283.00",
            "visits.0.lines.0.coinsurance": "15.40",
            "visits.0.lines.0.insurance_pays": "61.60",
            "visits.0.lines.0.patient_pays": "0.00",
            "visits.0.lines.0.clinic_write_off": "298.40",
            "visits.0.lines.0.covered": True,
            "visits.0.lines.0.liability": None,  # covered lines: null
            "visits.0.lines.1.clinic_write_off": "12.80",
            "visits.0.clinic_write_off": "311.20",  # 298.40 + 12.80
            "visits.1.lines.0.clinic_write_off": "72.00",
            "visits.1.clinic_write_off": "84.80",
            "totals.patient_pays": "0.00",
            "totals.clinic_write_off": "396.00",
            "totals.insurance_pays": "452.00",
            "totals.deductible": "283.00",  # the parts stay as Medicare adjudicated
            "totals.coinsurance": "113.00",  # 15.40 + 12.80 + 72 + 12.80
            "totals.allowed": "848.00",  # 452 + 396
            "totals.net_patient_cost": "0.00",
            "plan_years.0.clinic_write_off": "396.00",
            "months.0.clinic_write_off": "396.00",
            # the deductible is met by the adjudicated part, whoever bears it
            "visits.0.balances.deductible_remaining": "0.00",
            "visits.0.balances.out_of_pocket_remaining": None,  # Original Medicare: no limit
            "warnings": [],  # the law, not a denial: no warning
        },
        id="qmb-without-secondary-write-off",
    ),
    pytest.param(
        dict(the_plan=plan(weekly(2, INFUSION)), coverage=qmb(medicaid("5.00"))),
        {
            # with Medicaid: it pays every S, copay_per_visit 5.00 ignored for a QMB
            "visits.0.lines.0.secondary_pays": "298.40",
            "visits.0.lines.0.patient_pays": "0.00",
            "visits.0.lines.0.clinic_write_off": "0.00",
            "visits.1.lines.0.secondary_pays": "72.00",
            "visits.1.patient_pays": "0.00",
            "totals.patient_pays": "0.00",
            "totals.secondary_pays": "396.00",
            "totals.clinic_write_off": "0.00",
            "totals.insurance_pays": "452.00",
            "warnings": ["medicaid_crossover"],
            "warning:medicaid_crossover@medicaid": {"amount": "396.00", "date": "2027-01-04"},
        },
        id="qmb-with-medicaid-pays-every-share",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=coverage(
                payer_=TYPED_MEDICARE,
                deductible="283",
                coinsurance="0.20",
                secondary=medicaid("5.00"),
            ),
        ),
        {
            # the same dual eligible without QMB: 5.00 a visit from the first lines:
            # V1 96365 patient 5, Medicaid 298.40 - 5 = 293.40; V2 96365 5, Medicaid 67
            "visits.0.lines.0.patient_pays": "5.00",
            "visits.0.lines.0.secondary_pays": "293.40",
            "visits.1.lines.0.secondary_pays": "67.00",
            "totals.patient_pays": "10.00",
            "totals.secondary_pays": "386.00",  # 396 - 10
            "totals.clinic_write_off": "0.00",
        },
        id="dual-eligible-not-qmb-pays-copay-per-visit",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=qmb(programs=(GRANT,)),
        ),
        {
            # programs come after the QMB rule: nothing is the patient's, so the grant
            # pays 0 (S 298.40 + 12.80 written off) and keeps its whole 1000.00
            "visits.0.lines.0.assistance_pays": "0.00",
            "visits.0.lines.0.clinic_write_off": "298.40",
            "totals.assistance_pays": "0.00",
            "totals.clinic_write_off": "311.20",
            "totals.patient_pays": "0.00",
            "visits.0.balances.programs_remaining.grant": "1000.00",
        },
        id="qmb-before-programs",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=coverage(
                payer_=replace(TYPED_MEDICARE, policies=(EXCLUDE_J3490,)),
                deductible="283",
                coinsurance="0.20",
            ),
        ),
        {
            # Original Medicare, not QMB: an exclusion is the patient's (cash 60);
            # 96365: deductible 283 + coinsurance 15.40
            "visits.0.lines.1.liability": "patient",
            "visits.0.lines.1.patient_pays": "60.00",
            "totals.patient_pays": "358.40",  # 298.40 + 60
            "totals.clinic_write_off": "0.00",
        },
        id="medicare-exclusion-patient",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=qmb(payer_=replace(TYPED_MEDICARE, policies=(EXCLUDE_J3490,))),
        ),
        {
            # QMB: the Medicaid context: the exclusion is the clinic's without a waiver;
            # 96365's S 298.40 written off too
            "visits.0.lines.1.liability": "clinic",
            "visits.0.lines.1.clinic_write_off": "60.00",
            "visits.0.lines.0.clinic_write_off": "298.40",
            "totals.patient_pays": "0.00",
            "totals.clinic_write_off": "358.40",  # 298.40 + 60
            "warnings": ["clinic_liability"],
            "warning:clinic_liability": {"amount": "60.00", "date": "2027-01-04"},
        },
        id="qmb-exclusion-clinic",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(1, INFUSION)),
            coverage=qmb(payer_=replace(TYPED_MEDICARE, policies=(EXCLUDE_J3490,)), waiver=True),
        ),
        {
            # QMB with a signed waiver: the excluded J3490 is the patient's (cash 60);
            # Medicare's cost sharing still is not (298.40 written off)
            "visits.0.lines.1.liability": "patient",
            "visits.0.lines.1.patient_pays": "60.00",
            "visits.0.lines.0.patient_pays": "0.00",
            "totals.patient_pays": "60.00",
            "totals.clinic_write_off": "298.40",
            "warnings": ["not_covered"],
            "warning:not_covered": {"amount": "60.00", "policy_id": 65},
        },
        id="qmb-exclusion-waived",
    ),
]


QMB_CASES.append(
    pytest.param(
        dict(the_plan=plan(weekly(1, INFUSION)), coverage=qmb(network="out")),
        {
            # out of network Original Medicare processes nothing (3.5): allowed, deductible
            # and coinsurance 0, allowed_basis none; so there is no Medicare cost sharing
            # for the QMB rule to take off the patient, and section 4's out-of-network
            # identity holds: patient_pays = charge (450 + 80), clinic_write_off 0
            "visits.0.lines.0.covered": True,
            "visits.0.lines.0.allowed": "0.00",
            "visits.0.lines.0.allowed_basis": "none",
            "visits.0.lines.0.deductible": "0.00",
            "visits.0.lines.0.coinsurance": "0.00",
            "visits.0.lines.0.patient_pays": "450.00",
            "visits.0.lines.0.clinic_write_off": "0.00",
            "visits.0.lines.1.patient_pays": "80.00",
            "totals.patient_pays": "530.00",
            "totals.clinic_write_off": "0.00",
            "totals.net_patient_cost": "530.00",  # no reimbursement
        },
        id="qmb-out-of-network-nothing-to-write-off",
    )
)


@pytest.mark.parametrize("inputs, expected", QMB_CASES)
def test_qmb_case(inputs, expected):
    expect(run(**inputs), expected)


@pytest.mark.parametrize("kind", ["commercial", "medicare_advantage", "medicaid", "other"])
def test_qmb_needs_an_original_medicare_primary(kind):
    with pytest.raises(PricingError) as caught:
        run(plan(weekly(1, INFUSION)), coverage(kind=kind, qmb=True, coinsurance="0.20"))
    assert caught.value.field == "coverage.qmb"


# ------------------------------------------------- a PA that expires mid-maintenance
# induction: 01-04, 01-11 (span 14); maintenance every 14 days from 01-18:
# 01-18, 02-01, 02-15, 03-01. Approved through 02-01: 02-15 and 03-01 are after it,
# treated as not_requested (covered, with the warning). Every visit covered at
# coinsurance .20: 72.00 + 12.80 = 84.80; 6 visits 508.80.
# If denied, the two later visits' cash 2 x 460 = 920.00 falls on the patient (amount) or
# on the clinic (clinic_amount), by 3.2 step 7.
def expiring(**terms):
    return coverage(
        policies=[AUTHORIZATION],
        authorization="approved",
        through=date(2027, 2, 1),
        coinsurance="0.20",
        **terms,
    )


MAINTENANCE = plan(
    phase("induction", 2, INFUSION, every=7),
    phase("maintenance", 4, INFUSION, every=14, kind="maintenance"),
)
EXPIRED_LINES = {
    "visits.3.date": "2027-02-01",
    "visits.3.lines.0.prior_authorization": "approved",  # on the through date
    "visits.3.lines.1.prior_authorization": "approved",
    "visits.4.date": "2027-02-15",
    "visits.4.lines.0.prior_authorization": "expired",
    "visits.4.lines.0.covered": True,
    "visits.4.patient_pays": "84.80",
    "visits.5.lines.1.prior_authorization": "expired",
    "visits.0.lines.0.prior_authorization": "approved",
}
PA_CASES = [
    pytest.param(
        dict(the_plan=MAINTENANCE, coverage=expiring()),
        {
            **EXPIRED_LINES,
            "totals.patient_pays": "508.80",
            "totals.clinic_write_off": "0.00",
            # commercial in network, no waiver: a denial would be the clinic's
            "warnings": ["prior_authorization_required"],
            "warning:prior_authorization_required": {
                "date": "2027-02-15",
                "policy_id": 63,
                "amount": "0.00",
                "clinic_amount": "920.00",
            },
        },
        id="pa-expires-mid-maintenance-no-waiver",
    ),
    pytest.param(
        dict(the_plan=MAINTENANCE, coverage=expiring(waiver=True)),
        {
            **EXPIRED_LINES,
            "totals.patient_pays": "508.80",
            "warning:prior_authorization_required": {
                "date": "2027-02-15",
                "amount": "920.00",
                "clinic_amount": "0.00",
            },
        },
        id="pa-expires-mid-maintenance-waiver-true",
    ),
    pytest.param(
        dict(the_plan=MAINTENANCE, coverage=expiring(waiver=("prior_authorization_denied",))),
        {
            **EXPIRED_LINES,
            "warning:prior_authorization_required": {
                "amount": "920.00",
                "clinic_amount": "0.00",
            },
        },
        id="pa-expires-mid-maintenance-waiver-list",
    ),
    pytest.param(
        dict(the_plan=MAINTENANCE, coverage=expiring(waiver=("diagnosis",))),
        {
            **EXPIRED_LINES,
            "warning:prior_authorization_required": {
                "amount": "0.00",
                "clinic_amount": "920.00",
            },
        },
        id="pa-expires-mid-maintenance-waiver-other-reason",
    ),
    pytest.param(
        dict(the_plan=MAINTENANCE, coverage=expiring(kind="medicare_advantage")),
        {
            **EXPIRED_LINES,
            # Medicare Advantage: a PA denial is the patient's, waiver or not
            "warning:prior_authorization_required": {
                "amount": "920.00",
                "clinic_amount": "0.00",
            },
        },
        id="pa-expires-mid-maintenance-medicare-advantage",
    ),
    pytest.param(
        dict(the_plan=MAINTENANCE, coverage=expiring(kind="medicare")),
        {
            **EXPIRED_LINES,
            # Original Medicare without an ABN: the clinic's
            "warning:prior_authorization_required": {
                "amount": "0.00",
                "clinic_amount": "920.00",
            },
        },
        id="pa-expires-mid-maintenance-medicare-no-abn",
    ),
    pytest.param(
        dict(the_plan=MAINTENANCE, coverage=expiring(kind="medicare", qmb=True)),
        {
            **{k: v for k, v in EXPIRED_LINES.items() if "patient_pays" not in k},
            # QMB: covered lines cost the patient 0 (6 x 84.80 = 508.80 written off); a
            # denial would be the clinic's without a waiver
            "visits.4.patient_pays": "0.00",
            "visits.4.clinic_write_off": "84.80",
            "totals.patient_pays": "0.00",
            "totals.clinic_write_off": "508.80",
            "warnings": ["prior_authorization_required"],
            "warning:prior_authorization_required": {
                "amount": "0.00",
                "clinic_amount": "920.00",
            },
        },
        id="pa-expires-mid-maintenance-qmb",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=coverage(
                policies=[AUTHORIZATION], authorization="pending", coinsurance="0.20"
            ),
        ),
        {
            "visits.0.lines.0.prior_authorization": "pending",
            "visits.1.lines.1.prior_authorization": "pending",
            "totals.patient_pays": "169.60",  # covered meanwhile: 2 x 84.80
            # commercial, no waiver: a denial would be the clinic's: 2 x 460
            "warning:prior_authorization_required": {
                "date": "2027-01-04",
                "amount": "0.00",
                "clinic_amount": "920.00",
            },
        },
        id="pa-pending-clinic-amount",
    ),
    pytest.param(
        dict(
            the_plan=plan(weekly(2, INFUSION)),
            coverage=coverage(policies=[AUTHORIZATION], coinsurance="0.20", network="out"),
        ),
        {
            "visits.0.lines.0.prior_authorization": "not_requested",
            # out of network (commercial): a denial would be the patient's: 2 x 460
            "warning:prior_authorization_required": {
                "date": "2027-01-04",
                "amount": "920.00",
                "clinic_amount": "0.00",
            },
        },
        id="pa-not-requested-out-of-network-patient",
    ),
]


@pytest.mark.parametrize("inputs, expected", PA_CASES)
def test_expiring_authorization(inputs, expected):
    check(run(**inputs), expected)
