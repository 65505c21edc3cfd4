"""Properties of estimates with a secondary payer (domain.md 3.7 and section 4), for random
secondaries of every method on random in-network primaries (strategies.py's insurance).

- the identities of section 4 on every line (covered in network: insurance_pays +
  secondary_pays + assistance_pays + patient_pays = allowed, and deductible + copay +
  coinsurance = patient_pays + secondary_pays + assistance_pays);
- totals and every roll-up are sums of lines, secondary_pays included;
- the patient never pays more with a secondary than without one (same inputs; programs
  that admit both payers' kinds, so that the same programs pay in both);
- `standard` pays at least what `non_duplication` pays, line by line;
- Medicaid leaves the patient at most copay_per_visit a visit; Plan F leaves nothing;
  a supplement's yearly limit bounds the patient's share per calendar year.
"""

import os
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from costapi.pricing import (
    Amounts,
    Benefits,
    EstimateInput,
    MedicaidBenefits,
    Payer,
    PhaseOverride,
    Secondary,
    StandardBenefits,
    SupplementBenefits,
    YearAmounts,
    estimate,
)
from costapi.pricing.money import UNLIMITED
from costapi.pricing.vocabulary import CATEGORIES

from .builders import SERVICES, insured, plan, weekly
from .strategies import (
    cents,
    days_around,
    family,
    fraction,
    insurance,
    met_amounts,
    mostly,
    optional,
    plans,
    policies,
    services,
)

ZERO = Decimal("0.00")
METHODS = ("supplement", "medicaid", "standard", "non_duplication")
LINE_MONEY = (
    "charge", "allowed", "insurance_pays", "secondary_pays", "assistance_pays", "discount",
    "patient_pays", "deductible", "copay", "coinsurance", "not_covered",
    "expected_reimbursement",
)  # fmt: skip
TOTALS = {"charges": "charge", **{name: name for name in LINE_MONEY[1:]}}
EXAMPLES = int(os.environ.get("SECONDARY_EXAMPLES", "60"))  # more for a deeper search
SOME = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def category_map(values):
    return st.dictionaries(st.sampled_from(CATEGORIES), values, max_size=3)


@st.composite
def year_amounts(draw):
    return YearAmounts(
        draw(optional(cents(0, 5000_00))),
        draw(optional(cents(0, 10000_00))),
        draw(optional(fraction())),
        draw(category_map(fraction())),
        draw(category_map(cents(0, 80_00))),
        draw(optional(st.builds(Amounts, optional(cents(0, 8000_00)), st.just(ZERO),
                                optional(cents(0, 15000_00)), st.just(ZERO)))),
    )  # fmt: skip


@st.composite
def standard_entries(draw, start, supplement=False):
    """Non-overlapping calendar-year entries around the start (some years left out)."""
    entries = []
    for year in range(start.year - 1, start.year + 3):
        if not draw(st.booleans()):
            continue
        bounds = dict(id=year, effective_from=date(year, 1, 1), effective_to=date(year, 12, 31))
        if supplement:
            entries.append(StandardBenefits(
                **bounds,
                pays_part_b_deductible=draw(optional(st.booleans())),
                coinsurance_share=draw(optional(fraction())),
                office_visit_copay=draw(optional(cents(0, 50_00))),
                out_of_pocket_max=draw(optional(cents(0, 5000_00))),
            ))  # fmt: skip
        else:
            entries.append(StandardBenefits(
                **bounds,
                deductible=draw(optional(cents(0, 3000_00))),
                coinsurance=draw(optional(fraction())),
                coinsurance_by_category=draw(category_map(fraction())),
                copays=draw(category_map(cents(0, 80_00))),
                out_of_pocket_max=draw(optional(cents(0, 10000_00))),
            ))  # fmt: skip
    return tuple(entries)


@st.composite
def supplement_benefits(draw, later=False):
    limit, met = draw(met_amounts())
    return SupplementBenefits(
        draw(optional(st.booleans())),
        draw(optional(fraction())),
        draw(optional(cents(0, 50_00))),
        limit,
        ZERO if later else met,
        None if later else draw(optional(supplement_benefits(later=True))),
    )


@st.composite
def second_plan_benefits(draw, start, the_policies):
    deductible, deductible_met = draw(met_amounts())
    out_of_pocket, out_of_pocket_met = draw(met_amounts())
    return Benefits(
        plan_year_start=draw(optional(days_around(start))),
        deductible=deductible,
        deductible_met=deductible_met,
        out_of_pocket_max=out_of_pocket,
        out_of_pocket_met=out_of_pocket_met,
        coinsurance=draw(mostly(fraction())),
        copays=draw(category_map(cents(0, 80_00))),
        family=draw(optional(family())),
        visits_used={p.id: draw(st.integers(0, 5)) for p in the_policies if draw(st.booleans())},
        coinsurance_by_category=draw(category_map(fraction())),
        next_plan_year=draw(optional(year_amounts())),
    )


@st.composite
def secondaries(draw, start, method):
    if method == "supplement":
        payer = Payer("gap", "medicare_supplement",
                      standard_benefits=draw(standard_entries(start, supplement=True)))
        return Secondary(payer, method, draw(supplement_benefits()))
    if method == "medicaid":
        benefits = MedicaidBenefits(draw(optional(cents(0, 20_00))))
        return Secondary(Payer("state", "medicaid"), method, benefits)
    the_policies = draw(policies(start))
    payer = Payer(
        "second",
        draw(st.sampled_from(("commercial", "other"))),
        draw(mostly(fraction())),
        None,
        (),
        the_policies,
        draw(standard_entries(start)),
    )
    return Secondary(payer, method, draw(second_plan_benefits(start, the_policies)))


@st.composite
def with_secondary(draw, methods=METHODS):
    """A random in-network primary (per-year benefits and standard entries included) and a
    secondary of a method that fits it."""
    start = draw(st.dates(date(2026, 1, 1), date(2028, 12, 31)))
    method = draw(st.sampled_from(methods))
    primary = draw(insurance(start))
    payer = primary.payer
    if method == "supplement":
        payer = replace(payer, kind="medicare")
    elif payer.kind == "medicare_supplement":
        payer = replace(payer, kind="commercial")
    payer = replace(payer, standard_benefits=draw(standard_entries(start)))
    benefits = replace(
        primary.benefits,
        out_of_network=None,
        coinsurance_by_category=draw(category_map(fraction())),
        next_plan_year=draw(optional(year_amounts())),
    )
    coverage = replace(primary, payer=payer, network="in", benefits=benefits,
                       secondary=draw(secondaries(start, method)))  # fmt: skip
    return EstimateInput(draw(plans()), draw(services()), start, coverage)


def lines_of(result):
    return [line for visit in result.visits for line in visit.lines]


def is_cents(amount):
    return isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


@SOME
@given(with_secondary())
def test_line_identities_with_a_secondary(inp):
    result = estimate(inp)
    for line in lines_of(result):
        for name in LINE_MONEY:
            amount = getattr(line, name)
            assert is_cents(amount) and amount >= 0, (name, amount)
        parts = line.deductible + line.copay + line.coinsurance
        if line.covered:
            assert (
                line.insurance_pays + line.secondary_pays + line.assistance_pays
                + line.patient_pays == line.allowed
            )  # fmt: skip
            assert parts == line.patient_pays + line.secondary_pays + line.assistance_pays
            assert line.secondary_pays <= parts  # the secondary pays only from S
            assert line.expected_reimbursement == ZERO
        else:  # the secondary pays nothing on a line the primary does not cover
            assert line.secondary_pays == ZERO
            assert line.patient_pays == line.not_covered - line.discount
            assert line.allowed == line.insurance_pays == parts == ZERO


@SOME
@given(with_secondary())
def test_roll_ups_with_a_secondary_are_sums_of_lines(inp):
    result = estimate(inp)
    lines = lines_of(result)
    for total, field in TOTALS.items():
        assert getattr(result.totals, total) == sum((getattr(x, field) for x in lines), ZERO)
    by_phase, by_month = defaultdict(list), defaultdict(list)
    for visit in result.visits:
        assert visit.patient_pays == sum((x.patient_pays for x in visit.lines), ZERO)
        by_phase[visit.phase].extend(visit.lines)
        by_month[visit.date.strftime("%Y-%m")].extend(visit.lines)
    for phase in result.phases:
        for field in ("patient_pays", "insurance_pays", "secondary_pays"):
            assert getattr(phase, field) == sum((getattr(x, field) for x in by_phase[phase.name]),
                                                ZERO)  # fmt: skip
    for month in result.months:
        for field in ("patient_pays", "secondary_pays"):
            assert getattr(month, field) == sum((getattr(x, field) for x in by_month[month.month]),
                                                ZERO)  # fmt: skip
    assert sum(y.visits for y in result.plan_years) == len(result.visits)
    for year in result.plan_years:
        year_lines = [x for v in result.visits if year.start <= v.date <= year.end
                      for x in v.lines]  # fmt: skip
        for field in ("patient_pays", "insurance_pays", "secondary_pays", "deductible", "copay",
                      "coinsurance"):  # fmt: skip
            assert getattr(year, field) == sum((getattr(x, field) for x in year_lines), ZERO)


def admitting_both(coverage):
    """The programs that pay with this secondary and without it alike."""
    kinds = {coverage.payer.kind, coverage.secondary.payer.kind}
    programs = tuple(
        p for p in coverage.programs if not p.payer_kinds or kinds <= set(p.payer_kinds)
    )
    return replace(coverage, programs=programs)


@SOME
@given(with_secondary())
def test_a_secondary_never_raises_what_the_patient_pays(inp):
    coverage = admitting_both(inp.coverage)
    with_it = estimate(replace(inp, coverage=coverage))
    without = estimate(replace(inp, coverage=replace(coverage, secondary=None)))
    assert with_it.totals.patient_pays <= without.totals.patient_pays
    assert with_it.totals.net_patient_cost <= without.totals.net_patient_cost
    # the primary adjudicates as if there were no secondary (3.7: it goes first), unless a
    # copay accumulator lets the programs' (now smaller) shares move its met amounts
    if not (coverage.programs and coverage.benefits.accumulator_program):
        for a, b in zip(lines_of(with_it), lines_of(without), strict=True):
            assert (a.covered, a.allowed, a.insurance_pays, a.deductible, a.copay,
                    a.coinsurance) == (b.covered, b.allowed, b.insurance_pays, b.deductible,
                                       b.copay, b.coinsurance)  # fmt: skip
    if not coverage.programs:
        for a, b in zip(lines_of(with_it), lines_of(without), strict=True):
            # a Medicaid secondary can move a refused line from the patient to the clinic
            # (3.2 step 7), never the other way
            assert (a.patient_pays + a.secondary_pays + a.clinic_write_off
                    == b.patient_pays + b.clinic_write_off)  # fmt: skip
            assert a.clinic_write_off >= b.clinic_write_off


@SOME
@given(with_secondary(methods=("standard", "non_duplication")))
def test_standard_pays_at_least_non_duplication(inp):
    coverage = replace(inp.coverage, programs=())  # programs could move the primary's met
    both = {}
    for method in ("standard", "non_duplication"):
        secondary = replace(coverage.secondary, method=method)
        both[method] = estimate(replace(inp, coverage=replace(coverage, secondary=secondary)))
    for a, b in zip(lines_of(both["standard"]), lines_of(both["non_duplication"]), strict=True):
        assert a.insurance_pays == b.insurance_pays
        assert a.secondary_pays >= b.secondary_pays
        assert a.patient_pays <= b.patient_pays


@SOME
@given(with_secondary(methods=("medicaid",)))
def test_medicaid_leaves_at_most_the_copay_per_visit(inp):
    copay = inp.coverage.secondary.benefits.copay_per_visit or ZERO
    result = estimate(inp)
    for _day, lines in paid_together(inp, result):
        covered = [x for x in lines if x.covered]
        assert sum((x.patient_pays for x in covered), ZERO) <= copay
        paid = sum((x.secondary_pays for x in lines), ZERO)
        shares = sum((x.deductible + x.copay + x.coinsurance - x.assistance_pays
                      for x in covered), ZERO)  # fmt: skip
        assert paid <= shares
    medicaid_paid = result.totals.secondary_pays
    crossover = [w for w in result.warnings if w.code == "medicaid_crossover"]
    if medicaid_paid > 0:
        assert len(crossover) == 1
        assert crossover[0].amount == medicaid_paid
        assert crossover[0].payer == "state"
        first = next(day for day, lines in paid_together(inp, result)
                     if any(x.secondary_pays for x in lines))  # a fill: on its first visit
        assert crossover[0].date == first
    else:
        assert crossover == []
    assert not any(w.code == "plan_year_reset" and w.payer for w in result.warnings)


@SOME
@given(with_secondary(methods=("supplement",)))
def test_plan_f_leaves_nothing_on_covered_lines(inp):
    plan_f = SupplementBenefits(True, Decimal(1), ZERO, None, ZERO,
                                SupplementBenefits(True, Decimal(1), ZERO))  # fmt: skip
    secondary = Secondary(Payer("gap", "medicare_supplement"), "supplement", plan_f)
    coverage = replace(inp.coverage, secondary=secondary, programs=())
    result = estimate(replace(inp, coverage=coverage))
    for line in lines_of(result):
        if line.covered and line.benefit == "pharmacy":  # Medigap has no drug coverage
            assert line.secondary_pays == ZERO
        elif line.covered:
            assert line.patient_pays == ZERO
            assert line.secondary_pays == line.deductible + line.copay + line.coinsurance


@SOME
@given(with_secondary(methods=("supplement",)))
def test_a_supplement_limit_bounds_each_calendar_year(inp):
    """Typed terms only (no standard entries): year one's limit less its met, later years
    next_plan_year's limit, else year one's (carried)."""
    secondary = replace(inp.coverage.secondary, payer=Payer("gap", "medicare_supplement"))
    coverage = replace(inp.coverage, secondary=secondary)
    terms = secondary.benefits
    later = terms.next_plan_year
    result = estimate(replace(inp, coverage=coverage))
    per_year = defaultdict(lambda: ZERO)
    for visit in result.visits:
        for line in visit.lines:
            if line.covered and line.benefit == "medical":  # what is left of S after the
                # supplement: patient + programs (a pharmacy line is not the supplement's)
                per_year[visit.date.year] += line.patient_pays + line.assistance_pays
    for year, paid in per_year.items():
        if year == inp.start_date.year:
            limit = terms.out_of_pocket_max
            room = UNLIMITED if limit is None else limit - terms.out_of_pocket_met
        else:
            limit = later.out_of_pocket_max if later and later.out_of_pocket_max is not None \
                else terms.out_of_pocket_max
            room = UNLIMITED if limit is None else limit
        assert paid <= room, (year, paid, room)


def anniversaries(plan_year_start, after, until):
    """plan_year_start + k years (Feb 29 -> Mar 1 in a common year) in (after, until]."""
    found = []
    for year in range(after.year - 1, until.year + 1):
        try:
            day = plan_year_start.replace(year=year)
        except ValueError:
            day = date(year, 3, 1)
        if after < day <= until:
            found.append(day)
    return found


@SOME
@given(with_secondary())
def test_a_secondary_resets_on_its_own_anniversaries(inp):
    """supplement: every Jan 1; standard / non_duplication: its plan_year_start (default the
    primary's, default Jan 1 of the start date's year); medicaid: never."""
    result = estimate(inp)
    coverage = inp.coverage
    secondary = coverage.secondary
    resets = sorted(w.date for w in result.warnings
                    if w.code == "plan_year_reset" and w.payer == secondary.payer.code)
    if not result.visits or secondary.method == "medicaid":
        assert resets == []
        return
    if secondary.method == "supplement":
        start_of_years = date(inp.start_date.year, 1, 1)
    else:
        start_of_years = (secondary.benefits.plan_year_start or coverage.benefits.plan_year_start
                          or date(inp.start_date.year, 1, 1))  # fmt: skip
    assert resets == anniversaries(start_of_years, inp.start_date, result.visits[-1].date)


@SOME
@given(with_secondary())
def test_the_range_with_a_secondary_equals_the_estimates_at_its_bounds(inp):
    """The range's shortcuts (prefix sums, continuing the pass) carry the secondary's own
    accumulators, plan years and visit counts like the primary's."""
    result = estimate(inp)
    open_phases = [p for p in inp.plan.phases
                   if p.sessions_min is not None or p.sessions_max is not None]  # fmt: skip
    if not open_phases:
        assert result.range is None
        return

    def net_at(longest):
        overrides = {}
        for p in open_phases:
            low = p.sessions if p.sessions_min is None else min(p.sessions_min, p.sessions)
            high = p.sessions if p.sessions_max is None else max(p.sessions_max, p.sessions)
            overrides[p.name] = PhaseOverride(sessions=high if longest else low)
        return estimate(replace(inp, overrides=overrides)).totals.net_patient_cost

    low, high = net_at(False), net_at(True)
    assert (result.range.low, result.range.high) == (min(low, high), max(low, high))


def paid_together(inp, result):
    """(date, the lines) each visit pays for (3.7, 3.8): its medical lines, and on the first
    visit with a covered pharmacy line of a month within a primary plan year, that fill's
    lines (the fill's later visits do not pay for them again)."""
    plan_year_start = inp.coverage.benefits.plan_year_start or date(inp.start_date.year, 1, 1)
    fills = defaultdict(list)
    for visit in result.visits:
        key = (year_start(plan_year_start, visit.date), visit.date.year, visit.date.month)
        fills[key].extend(x for x in visit.lines if x.covered and x.benefit == "pharmacy")
    groups = []
    for visit in result.visits:
        key = (year_start(plan_year_start, visit.date), visit.date.year, visit.date.month)
        own = [x for x in visit.lines if not (x.covered and x.benefit == "pharmacy")]
        fill = fills[key]
        if fill and any(x is fill[0] for x in visit.lines):
            own = fill + own
        groups.append((visit.date, own))
    return groups


def year_start(plan_year_start, day):
    """The start of the plan year holding `day`."""
    return max(d for d in anniversaries(plan_year_start, date(day.year - 2, 12, 31), day))


def in_effect(entries, day):
    for entry in entries:
        if (entry.effective_from or date.min) <= day <= (entry.effective_to or date.max):
            return entry
    return None


NETWORK_AMOUNTS = ("deductible", "out_of_pocket_max", "coinsurance")
NETWORK_MAPS = ("copays", "coinsurance_by_category")
SUPPLEMENT_TERMS = ("pays_part_b_deductible", "coinsurance_share", "office_visit_copay",
                    "out_of_pocket_max")  # fmt: skip


def carried_years(typed, entries, plan_year_start, start_date, visit_dates,
                  amounts=NETWORK_AMOUNTS, maps=NETWORK_MAPS, with_family=True):  # fmt: skip
    """The later plan years (starts) into which a typed amount is carried (3.4): an amount
    neither next_plan_year nor a standard entry in effect on that year's start gives;
    next_plan_year's family amount without an individual one stands alone (nothing carried);
    map entries by category; family amounts unless next_plan_year has a family."""
    following = typed.next_plan_year
    first = year_start(plan_year_start, start_date)
    found = []
    for start in sorted({year_start(plan_year_start, day) for day in visit_dates} - {first}):
        entry = in_effect(entries, start)
        carried = False
        for name in amounts:
            if following is not None and getattr(following, name) is not None:
                continue
            family = getattr(following, "family", None)
            alone = family is not None and getattr(family, name, None) is not None
            if entry is None and not alone and getattr(typed, name) is not None:
                carried = True
        for name in maps:
            given = getattr(following, name) if following is not None else {}
            if entry is None and set(getattr(typed, name)) - set(given):
                carried = True
        if getattr(typed, "pharmacy", None) is not None \
                and getattr(following, "pharmacy", None) is None:  # carried whole (3.8)
            carried = True
        family = with_family and typed.family
        if family and (following is None or following.family is None) \
                and (family.deductible is not None or family.out_of_pocket_max is not None):
            carried = True
        if carried:
            found.append(start)
    return found


def primary_carried_years(inp, visit_dates):
    coverage = inp.coverage
    typed = coverage.benefits
    plan_year_start = typed.plan_year_start or date(inp.start_date.year, 1, 1)
    return carried_years(typed, coverage.payer.standard_benefits, plan_year_start,
                         inp.start_date, visit_dates)  # fmt: skip


def secondary_carried_years(inp, visit_dates):
    coverage = inp.coverage
    secondary = coverage.secondary
    entries = secondary.payer.standard_benefits
    if secondary.method == "medicaid":
        return []
    if secondary.method == "supplement":
        return carried_years(secondary.benefits, entries, date(inp.start_date.year, 1, 1),
                             inp.start_date, visit_dates, SUPPLEMENT_TERMS, (), False)
    plan_year_start = (secondary.benefits.plan_year_start or coverage.benefits.plan_year_start
                       or date(inp.start_date.year, 1, 1))
    return carried_years(secondary.benefits, entries, plan_year_start, inp.start_date,
                         visit_dates)  # fmt: skip


# next_plan_year's family deductible alone, the first year's individual one typed: the family
# amount alone applies in 2028, nothing is carried (test_plan_year_benefits.py works it out)
FAMILY_ALONE = EstimateInput(
    plan(weekly(2)),
    SERVICES,
    date(2027, 12, 27),
    insured(deductible="300", coinsurance="0.20", family=Amounts(Decimal("600")),
            next_plan_year=YearAmounts(coinsurance=Decimal("0.20"),
                                       family=Amounts(Decimal("400")))),
)  # fmt: skip


@SOME
@given(with_secondary())
@example(FAMILY_ALONE)
def test_next_year_benefits_assumed_exactly_when_a_typed_amount_is_carried(inp):
    result = estimate(inp)
    warned = sorted(w.date for w in result.warnings
                    if w.code == "next_year_benefits_assumed" and w.payer is None)  # fmt: skip
    assert warned == primary_carried_years(inp, [v.date for v in result.visits])


@SOME
@given(with_secondary())
def test_a_secondary_warns_next_year_benefits_assumed_when_its_typed_terms_are_carried(inp):
    result = estimate(inp)
    code = inp.coverage.secondary.payer.code
    warned = sorted(w.date for w in result.warnings
                    if w.code == "next_year_benefits_assumed" and w.payer == code)  # fmt: skip
    assert warned == secondary_carried_years(inp, [v.date for v in result.visits])
