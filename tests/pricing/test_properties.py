"""Properties that hold for every estimate (domain.md section 4 and the OOP maximum)."""

import random
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costapi.pricing import Insurance, PhaseOverride, SelfPay, as_dict, estimate
from costapi.pricing.money import UNLIMITED

from .strategies import estimate_inputs

ZERO = Decimal("0.00")
MONEY = (
    "charge", "allowed", "insurance_pays", "assistance_pays", "discount", "patient_pays",
    "deductible", "copay", "coinsurance", "not_covered", "expected_reimbursement",
)  # fmt: skip
TOTALS = dict(zip(
    ("charges",) + MONEY[1:], MONEY, strict=True
))  # fmt: skip
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def is_cents(amount):
    return isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


def lines_of(result):
    return [line for visit in result.visits for line in visit.lines]


@FAST
@given(estimate_inputs())
def test_line_identities(inp):
    result = estimate(inp)
    out_of_network = isinstance(inp.coverage, Insurance) and inp.coverage.network == "out"
    for line in lines_of(result):
        for name in MONEY:
            amount = getattr(line, name)
            assert is_cents(amount) and amount >= 0, (name, amount)
        parts = line.deductible + line.copay + line.coinsurance
        if not line.covered:  # not covered and self-pay
            assert line.patient_pays == line.not_covered - line.discount
            assert line.allowed == line.insurance_pays == parts == ZERO
            assert line.expected_reimbursement == ZERO
        elif out_of_network and line.benefit == "medical":  # pharmacy: in-network rules
            assert line.patient_pays == line.charge
            assert line.insurance_pays == line.assistance_pays == line.copay == ZERO
            assert line.expected_reimbursement == line.allowed - parts
        else:
            assert line.insurance_pays + line.assistance_pays + line.patient_pays == line.allowed
            assert parts == line.patient_pays + line.assistance_pays
            assert parts <= line.allowed  # the patient's share never exceeds the allowed
            assert line.expected_reimbursement == ZERO


@FAST
@given(estimate_inputs())
def test_roll_ups_are_sums_of_lines(inp):
    result = estimate(inp)
    lines = lines_of(result)
    totals = result.totals
    for total, field in TOTALS.items():
        assert getattr(totals, total) == sum((getattr(x, field) for x in lines), ZERO), total
    assert totals.net_patient_cost == totals.patient_pays - totals.expected_reimbursement
    for visit in result.visits:
        assert visit.patient_pays == sum((x.patient_pays for x in visit.lines), ZERO)
        assert visit.net_patient_cost == sum((x.net_patient_cost for x in visit.lines), ZERO)

    by_phase = defaultdict(list)
    by_month = defaultdict(list)
    for visit in result.visits:
        by_phase[visit.phase].append(visit)
        by_month[visit.date.strftime("%Y-%m")].append(visit)
    assert [p.name for p in result.phases] == [p.name for p in inp.plan.phases]
    for phase in result.phases:
        visits = by_phase[phase.name]
        assert phase.sessions == len(visits)
        assert (phase.first_date, phase.last_date) == (
            (visits[0].date, visits[-1].date) if visits else (None, None)
        )
        assert phase.patient_pays == sum((v.patient_pays for v in visits), ZERO)
        assert phase.net_patient_cost == sum((v.net_patient_cost for v in visits), ZERO)
        assert phase.insurance_pays == sum(
            (x.insurance_pays for v in visits for x in v.lines), ZERO
        )
    if result.visits:
        assert result.months[0].month == result.visits[0].date.strftime("%Y-%m")
        assert result.months[-1].month == result.visits[-1].date.strftime("%Y-%m")
    assert sum(m.visits for m in result.months) == len(result.visits)
    for month in result.months:
        visits = by_month[month.month]
        assert month.visits == len(visits)
        assert month.patient_pays == sum((v.patient_pays for v in visits), ZERO)
        assert month.net_patient_cost == sum((v.net_patient_cost for v in visits), ZERO)

    if isinstance(inp.coverage, SelfPay):
        assert result.plan_years == ()
        return
    assert sum(y.visits for y in result.plan_years) == len(result.visits)
    for year in result.plan_years:
        visits = [v for v in result.visits if year.start <= v.date <= year.end]
        assert year.visits == len(visits)
        year_lines = [x for v in visits for x in v.lines]
        for field in ("patient_pays", "insurance_pays", "deductible", "copay", "coinsurance"):
            assert getattr(year, field) == sum((getattr(x, field) for x in year_lines), ZERO)


def remaining(total, met):
    return UNLIMITED if total is None else total - met


def out_of_pocket_room(benefits, first_year: bool):
    """OOP remaining at the start of a plan year: min of individual and family.

    The met amounts describe the first plan year only; later years start at 0.
    """
    family = benefits.family
    met = benefits.out_of_pocket_met if first_year else ZERO
    room = remaining(benefits.out_of_pocket_max, met)
    if family is not None:
        family_met = family.out_of_pocket_met if first_year else ZERO
        room = min(room, remaining(family.out_of_pocket_max, family_met))
    return room


@FAST
@given(estimate_inputs())
def test_out_of_pocket_maximum_is_never_exceeded_within_a_plan_year(inp):
    coverage = inp.coverage
    if not isinstance(coverage, Insurance):
        return
    out = coverage.network == "out"
    benefits = coverage.benefits.out_of_network if out else coverage.benefits
    if benefits is None:
        return
    result = estimate(inp)
    for index, year in enumerate(result.plan_years):
        pharmacy = coverage.benefits.pharmacy
        lines = [
            x for v in result.visits if year.start <= v.date <= year.end for x in v.lines
            if x.covered and (x.benefit == "medical" or (
                not out and pharmacy is not None and pharmacy.integrated_out_of_pocket))
        ]  # fmt: skip
        room = max(out_of_pocket_room(benefits, first_year=index == 0), ZERO)
        shares = sum((x.deductible + x.copay + x.coinsurance for x in lines), ZERO)
        if out or not coverage.benefits.accumulator_program:
            assert shares <= room
        else:  # the plan credits only what the patient paid
            assert sum((x.patient_pays for x in lines), ZERO) <= room


@FAST
@given(estimate_inputs(packages=False))
def test_a_session_added_at_the_end_never_lowers_the_total(inp):
    """Package prices excepted: a package can make one more session cheaper (docs)."""
    last = inp.plan.phases[-1]
    before = estimate(inp)
    longer = replace(inp, overrides={last.name: PhaseOverride(sessions=last.sessions + 1)})
    after = estimate(longer)
    assert len(after.visits) == len(before.visits) + 1
    assert after.totals.charges >= before.totals.charges
    assert after.totals.patient_pays >= before.totals.patient_pays
    assert after.totals.net_patient_cost >= before.totals.net_patient_cost
    if not any(line.benefit == "pharmacy" for line in lines_of(after)):
        # causal: the visits before are unchanged (a pharmacy fill spans its month, 3.8)
        assert as_dict(after)["visits"][:-1] == as_dict(before)["visits"]


def shuffled(mapping, rng):
    items = list(mapping.items())
    rng.shuffle(items)
    return dict(items)


@FAST
@given(estimate_inputs(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_mapping_order(inp, rng: random.Random):
    shuffled_input = replace(inp, services=shuffled(inp.services, rng))
    coverage = inp.coverage
    if isinstance(coverage, Insurance):
        benefits = replace(
            coverage.benefits,
            copays=shuffled(coverage.benefits.copays, rng),
            visits_used=shuffled(coverage.benefits.visits_used, rng),
        )
        shuffled_input = replace(
            shuffled_input,
            coverage=replace(
                coverage, benefits=benefits, programs_used=shuffled(coverage.programs_used, rng)
            ),
        )
    assert as_dict(estimate(shuffled_input)) == as_dict(estimate(inp))


@FAST
@given(estimate_inputs())
def test_range_and_self_pay_comparison(inp):
    result = estimate(inp)
    services = inp.services
    cash = ZERO
    for visit in result.visits:
        for x in visit.lines:
            unit = services[x.service].cash_price
            unit = services[x.service].charge if unit is None else unit
            cash += (unit * x.units).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert result.self_pay_total == cash
    insured = isinstance(inp.coverage, Insurance)
    warned = any(w.code == "self_pay_cheaper" for w in result.warnings)
    assert warned == (insured and cash < result.totals.net_patient_cost)
    is_open = any(p.sessions_min is not None or p.sessions_max is not None
                  for p in inp.plan.phases)  # fmt: skip
    assert (result.range is not None) == is_open
    if result.range is not None:
        assert is_cents(result.range.low) and result.range.low <= result.range.high
    codes = [(w.code, w.date, w.policy_id, w.message) for w in result.warnings]
    assert all(w.message for w in result.warnings)
    assert len(codes) == len(set(codes))


@FAST
@given(estimate_inputs())
def test_range_equals_the_estimates_at_the_bounds(inp):
    """The range's shortcuts (prefix sums, continuing the pass) match full estimates."""
    result = estimate(inp)
    open_phases = [p for p in inp.plan.phases
                   if p.sessions_min is not None or p.sessions_max is not None]  # fmt: skip
    if not open_phases:
        return

    def net_at(bound):
        overrides = {p.name: PhaseOverride(sessions=bound(p)) for p in open_phases}
        return estimate(replace(inp, overrides=overrides)).totals.net_patient_cost

    low = net_at(lambda p: min(p.sessions if p.sessions_min is None else p.sessions_min,
                               p.sessions))  # fmt: skip
    high = net_at(lambda p: max(p.sessions if p.sessions_max is None else p.sessions_max,
                                p.sessions))  # fmt: skip
    assert (result.range.low, result.range.high) == (min(low, high), max(low, high))
