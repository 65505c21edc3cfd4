"""Properties of issue 13 (domain.md 3.2 step 7, 3.4, 3.7, section 4) on random insured
estimates (strategies.py's insurance) with random waivers (false, true or a list of reason
codes), QMB (with Original Medicare), Medicaid secondaries, copays after the deductible and
coinsurance by category:

- the identities of section 4 with clinic_write_off: covered in-network lines:
  insurance_pays + secondary_pays + assistance_pays + patient_pays + clinic_write_off =
  allowed, and deductible + copay + coinsurance = patient_pays + secondary_pays +
  assistance_pays + clinic_write_off (clinic_write_off 0 except for a QMB); not-covered
  lines: patient_pays = not_covered - discount, a clinic line has patient_pays = not_covered
  = 0 and clinic_write_off = cash; covered out of network: patient_pays = charge;
- each refused line's liability is the one 3.2 step 7's table gives;
- clinic_liability warnings add up the clinic lines, one per reason;
- totals and every roll-up are sums of lines (clinic_write_off included);
- balances never rise within a plan year without a copay accumulator, and are null exactly
  where the spec says (self-pay; out of network without reimbursement).
"""

import os
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costapi.pricing import (
    Copay,
    EstimateInput,
    MedicaidBenefits,
    Payer,
    Secondary,
    SelfPay,
    estimate,
)
from costapi.pricing.results import LINE_AMOUNTS
from costapi.pricing.vocabulary import CATEGORIES

from .liability_builders import REASONS, REFUSAL_WARNING
from .strategies import cents, estimate_inputs, fraction, insurance, optional, plans, services

ZERO = Decimal("0.00")
EXAMPLES = int(os.environ.get("LIABILITY_EXAMPLES", "60"))
SOME = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOTALS = {"charges": "charge", **{name: name for name in LINE_AMOUNTS if name != "charge"}}
ROLL_UP = ("patient_pays", "secondary_pays", "clinic_write_off")


def copays():
    """A category's copay: a plain amount, or one owed after the deductible (3.4)."""
    amount = cents(0, 80_00)
    return st.dictionaries(st.sampled_from(CATEGORIES), amount | amount.map(Copay), max_size=3)


def category_rates():
    return st.dictionaries(st.sampled_from(CATEGORIES), fraction(), max_size=3)


def waivers():
    reasons = st.lists(st.sampled_from(REASONS), unique=True, max_size=4).map(tuple)
    return st.booleans() | reasons


@st.composite
def liability_inputs(draw, accumulator=None):
    """Insurance of any kind and network; a QMB one time in four (the primary then Original
    Medicare), a Medicaid secondary one time in four (in network: 3.7)."""
    start = draw(st.dates(date(2026, 1, 1), date(2028, 12, 31)))
    coverage = draw(insurance(start))
    the_payer = coverage.payer
    qmb = draw(st.integers(0, 3)) == 0
    with_medicaid = draw(st.integers(0, 3)) == 0
    if qmb:
        the_payer = replace(the_payer, kind="medicare")
    elif with_medicaid and the_payer.kind == "medicaid":
        the_payer = replace(the_payer, kind="commercial")
    secondary = None
    network = coverage.network
    if with_medicaid:
        network = "in"
        benefits = MedicaidBenefits(draw(optional(cents(0, 20_00))))
        secondary = Secondary(Payer("state", "medicaid"), "medicaid", benefits)
    out_of_network = coverage.benefits.out_of_network
    if out_of_network is not None:
        out_of_network = replace(out_of_network, coinsurance_by_category=draw(category_rates()))
    benefits = replace(
        coverage.benefits,
        copays=draw(copays()),
        coinsurance_by_category=draw(category_rates()),
        out_of_network=out_of_network,
    )
    if accumulator is not None:
        benefits = replace(benefits, accumulator_program=accumulator)
    coverage = replace(
        coverage,
        payer=the_payer,
        network=network,
        benefits=benefits,
        secondary=secondary,
        waiver_signed=draw(waivers()),
        qmb=qmb,
    )
    return EstimateInput(draw(plans()), draw(services()), start, coverage)


def lines_of(result):
    return [line for visit in result.visits for line in visit.lines]


def is_cents(amount):
    return isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


def medicaid_context(coverage):
    secondary = coverage.secondary
    return (
        coverage.payer.kind == "medicaid"
        or coverage.qmb
        or (secondary is not None and secondary.payer.kind == "medicaid")
    )


def expected_liability(coverage, reason):
    """3.2 step 7, as a table (W: the patient's only when waived)."""
    waiver = coverage.waiver_signed
    waived = waiver is True or (isinstance(waiver, tuple) and reason in waiver)
    waivable = "patient" if waived else "clinic"
    if medicaid_context(coverage):
        return waivable
    if coverage.network == "out":
        return "patient"
    kind = coverage.payer.kind
    if kind == "medicare":
        return "patient" if reason == "policy_exclusion" else waivable
    if kind == "medicare_advantage":
        return (
            "patient" if reason in ("policy_exclusion", "prior_authorization_denied") else "clinic"
        )
    return "patient" if reason in ("policy_exclusion", "visit_limit") else waivable


@SOME
@given(liability_inputs())
def test_line_identities_with_clinic_write_off(inp):
    coverage = inp.coverage
    result = estimate(inp)
    for line in lines_of(result):
        for name in (*LINE_AMOUNTS, "cash"):
            amount = getattr(line, name)
            assert is_cents(amount) and amount >= 0, (name, amount)
        parts = line.deductible + line.copay + line.coinsurance
        if line.covered:
            assert line.liability is None
            if coverage.network == "in" or line.benefit == "pharmacy":  # 3.8: in-network rules
                assert (
                    line.insurance_pays
                    + line.secondary_pays
                    + line.assistance_pays
                    + line.patient_pays
                    + line.clinic_write_off
                    == line.allowed
                )
                assert parts == (
                    line.patient_pays
                    + line.secondary_pays
                    + line.assistance_pays
                    + line.clinic_write_off
                )
                if not coverage.qmb:
                    assert line.clinic_write_off == ZERO
            else:
                assert line.patient_pays == line.charge
                assert line.clinic_write_off == ZERO
        else:
            assert line.allowed == line.insurance_pays == line.secondary_pays == parts == ZERO
            assert line.allowed_basis is None
            assert line.patient_pays == line.not_covered - line.discount
            assert line.liability == expected_liability(coverage, line.reason), line.reason
            if line.liability == "clinic":
                assert line.patient_pays == line.not_covered == ZERO
                assert line.clinic_write_off == line.cash
            else:
                assert line.clinic_write_off == ZERO
                assert line.not_covered == line.cash


@SOME
@given(liability_inputs())
def test_a_qmb_owes_nothing_on_covered_lines(inp):
    coverage = replace(
        inp.coverage, qmb=True, network="in", payer=replace(inp.coverage.payer, kind="medicare")
    )
    result = estimate(replace(inp, coverage=coverage))
    for line in lines_of(result):
        if not line.covered:
            continue
        parts = line.deductible + line.copay + line.coinsurance
        if line.benefit == "pharmacy" and coverage.secondary is None:
            # a fill is not Part B cost sharing, and the clinic does not bill it (3.8)
            assert line.clinic_write_off == ZERO
            continue
        assert line.patient_pays == ZERO
        assert line.assistance_pays == ZERO  # programs come after the QMB rule
        if coverage.secondary is not None:  # Medicaid pays every S, copay_per_visit ignored
            assert line.secondary_pays == parts and line.clinic_write_off == ZERO
        else:  # the clinic writes it off
            assert line.clinic_write_off == parts and line.secondary_pays == ZERO


@SOME
@given(liability_inputs())
def test_clinic_liability_warnings_add_up_the_clinic_lines(inp):
    result = estimate(inp)
    by_reason = {}
    patient_reasons = set()
    for visit in result.visits:
        for line in visit.lines:
            if line.liability == "clinic":
                first, total = by_reason.get(line.reason, (visit.date, ZERO))
                by_reason[line.reason] = (first, total + line.clinic_write_off)
            elif line.liability == "patient":
                patient_reasons.add(line.reason)
    warned = sorted((w.date, w.amount) for w in result.warnings if w.code == "clinic_liability")
    assert warned == sorted(by_reason.values())
    codes = {w.code for w in result.warnings}
    for reason in REASONS:  # a refusal warning comes from patient-liable lines only
        if reason not in patient_reasons:
            assert REFUSAL_WARNING[reason] not in codes, reason
    for warning in result.warnings:
        if warning.code == "prior_authorization_required":
            assert is_cents(warning.amount) and is_cents(warning.clinic_amount)


@SOME
@given(liability_inputs())
def test_totals_and_roll_ups_are_sums_of_lines(inp):
    result = estimate(inp)
    lines = lines_of(result)
    for total, field in TOTALS.items():
        assert getattr(result.totals, total) == sum((getattr(x, field) for x in lines), ZERO)
    by_phase, by_month = defaultdict(list), defaultdict(list)
    for visit in result.visits:
        for field in ROLL_UP:
            assert getattr(visit, field) == sum((getattr(x, field) for x in visit.lines), ZERO)
        by_phase[visit.phase].extend(visit.lines)
        by_month[visit.date.strftime("%Y-%m")].extend(visit.lines)
    for phase in result.phases:
        for field in (*ROLL_UP, "insurance_pays"):
            assert getattr(phase, field) == sum(
                (getattr(x, field) for x in by_phase[phase.name]), ZERO
            )
    for month in result.months:
        for field in ROLL_UP:
            assert getattr(month, field) == sum(
                (getattr(x, field) for x in by_month[month.month]), ZERO
            )
    for year in result.plan_years:
        year_lines = [x for v in result.visits if year.start <= v.date <= year.end for x in v.lines]
        for field in (*ROLL_UP, "insurance_pays", "deductible", "copay", "coinsurance"):
            assert getattr(year, field) == sum((getattr(x, field) for x in year_lines), ZERO)


def no_reimbursement(coverage):
    return coverage.network == "out" and (
        coverage.payer.kind in ("medicare", "medicaid") or coverage.benefits.out_of_network is None
    )


def can_pay(program, coverage, plan, services):
    """3.6: in network only (out of network: for the plan's pharmacy items, 3.8), and only
    when every payer's kind is allowed."""
    kinds = {coverage.payer.kind}
    if coverage.secondary is not None:
        kinds.add(coverage.secondary.payer.kind)
    allowed = not program.payer_kinds or kinds <= set(program.payer_kinds)
    dispensed = {(item.service, services[item.service].category) for phase in plan.phases
                 for item in phase.visit if item.benefit == "pharmacy"}  # fmt: skip
    pays_pharmacy = any(code in program.services or category in program.categories
                        for code, category in dispensed)  # fmt: skip
    return (coverage.network == "in" or pays_pharmacy) and allowed


@SOME
@given(liability_inputs(accumulator=False))
def test_balances_never_rise_within_a_plan_year(inp):
    coverage = inp.coverage
    result = estimate(inp)
    codes = [p.code for p in coverage.programs]
    previous = {}  # plan year start -> the last visit's balances
    by_program_year = {}  # (code, calendar year) -> the last remaining
    for visit in result.visits:
        balances = visit.balances
        if no_reimbursement(coverage):
            assert balances is None
            continue
        assert balances is not None
        deductible, out_of_pocket = balances.deductible_remaining, balances.out_of_pocket_remaining
        assert is_cents(deductible) and deductible >= 0
        assert out_of_pocket is None or (is_cents(out_of_pocket) and out_of_pocket >= 0)
        year = next(y.start for y in result.plan_years if y.start <= visit.date <= y.end)
        if year in previous:
            before = previous[year]
            assert deductible <= before.deductible_remaining
            if before.out_of_pocket_remaining is None:
                assert out_of_pocket is None
            else:
                assert out_of_pocket is not None
                assert out_of_pocket <= before.out_of_pocket_remaining
        previous[year] = balances
        assert [code for code, _ in balances.programs_remaining] == codes
        for program, (code, remaining) in zip(
            coverage.programs, balances.programs_remaining, strict=True
        ):
            if program.annual_max is None:
                assert remaining is None
                continue
            used = coverage.programs_used.get(code, ZERO)
            if used > program.annual_max:
                continue  # test_explained_lines.py works this case out by hand
            assert remaining is not None and ZERO <= remaining <= program.annual_max
            if not can_pay(program, coverage, inp.plan, inp.services):  # it keeps what it had
                first_year = visit.date.year == inp.start_date.year
                assert remaining == (
                    program.annual_max - used if first_year else program.annual_max
                )
            key = (code, visit.date.year)
            if key in by_program_year:
                assert remaining <= by_program_year[key]
            by_program_year[key] = remaining


@SOME
@given(estimate_inputs())
def test_self_pay_lines_are_the_patients(inp):
    result = estimate(inp)
    if not isinstance(inp.coverage, SelfPay):
        return
    for visit in result.visits:
        assert visit.balances is None
        for line in visit.lines:
            assert line.liability == "patient"
            assert line.allowed_basis is None and line.prior_authorization is None
            assert line.clinic_write_off == ZERO
            assert line.not_covered == line.cash
            assert line.patient_pays == line.not_covered - line.discount


@SOME
@given(liability_inputs())
def test_a_waiver_only_moves_refused_lines_from_the_clinic_to_the_patient(inp):
    """Waiving every reason (true) against none (false): covered lines are unchanged; a
    refused line is the same cash either way, billed to the patient or written off."""
    results = {
        waiver: estimate(replace(inp, coverage=replace(inp.coverage, waiver_signed=waiver)))
        for waiver in (False, True)
    }
    pairs = zip(lines_of(results[False]), lines_of(results[True]), strict=True)
    for without, waived in pairs:
        assert without.covered == waived.covered and without.reason == waived.reason
        if without.covered:
            assert without == waived
            continue
        assert without.patient_pays <= waived.patient_pays
        assert without.clinic_write_off >= waived.clinic_write_off
        assert (
            without.not_covered + without.clinic_write_off
            == waived.not_covered + waived.clinic_write_off
            == waived.cash
        )
        if waived.liability == "clinic":  # a reason no waiver shifts (Medicare Advantage)
            assert without.liability == "clinic"
    assert results[True].totals.clinic_write_off <= results[False].totals.clinic_write_off
