"""estimate(): schedule, price, add up, compare with self-pay, range."""

from decimal import Decimal

from .adjudication import InsuredPricing
from .inputs import EstimateInput, Insurance
from .lines import VisitDraft
from .money import ZERO
from .notices import Notices
from .results import Estimate, Range
from .rollups import net_patient_cost, summarize
from .schedule import ScheduledPhase, plan_phases, range_lengths, schedule
from .self_pay import SelfPayPricing


def estimate(inp: EstimateInput) -> Estimate:
    """Price a treatment plan for one patient (domain.md sections 2 to 4)."""
    phases = plan_phases(inp.plan, inp.overrides, inp.services)
    scheduled = schedule(phases, inp.start_date)
    lengths = range_lengths(phases)
    bounds = [] if lengths is None else [schedule(phases, inp.start_date, n) for n in lengths]

    insured = isinstance(inp.coverage, Insurance)
    pricing = InsuredPricing(inp, phases) if insured else SelfPayPricing(inp, phases)
    notices = Notices()
    if insured:
        run = pricing.start(notices)
        drafts = [run.visit(day, part.phase.name) for part in scheduled for day in part.dates]
    else:
        run = None
        drafts = pricing.price(scheduled, notices)
    summary = summarize(scheduled, drafts, pricing.plan_year_start if insured else None)
    net = summary.totals.net_patient_cost

    self_pay_total = sum(
        (
            line.cash * len(part.dates)
            for part in scheduled
            for line in pricing.lines[part.phase.name]
        ),
        ZERO,
    )
    if insured and self_pay_total < net:
        notices.add("self_pay_cheaper", amount=self_pay_total)

    cost_range = None
    if bounds:
        costs = []
        for bound in bounds:
            cost, run = _bound_cost(pricing, bound, drafts, net, run)
            costs.append(cost)
        cost_range = Range(low=min(costs), high=max(costs))

    return Estimate(
        plan=inp.plan.code,
        start_date=inp.start_date,
        currency="USD",
        totals=summary.totals,
        range=cost_range,
        phases=summary.phases,
        months=summary.months,
        plan_years=summary.plan_years,
        visits=summary.visits,
        warnings=notices.freeze(),
        data_versions=summary.data_versions,
        self_pay_total=self_pay_total,
    )


def _bound_cost(
    pricing, bound: tuple[ScheduledPhase, ...], drafts: list[VisitDraft], net: Decimal, run
) -> tuple[Decimal, object]:
    """Net patient cost of a range schedule, and the estimate's pass if still usable.

    Insured visits depend only on the visits before them, so a schedule that
    is a prefix of the estimate's is a prefix sum, and one that extends it
    continues the estimate's own pass (`run`), which is then used up.
    Otherwise a separate pass, without output objects.
    """
    visits = [(day, part.phase.name) for part in bound for day in part.dates]
    done = [(draft.date, draft.phase) for draft in drafts]
    if visits == done:
        return net, run
    if pricing.causal:
        if len(visits) < len(done) and done[: len(visits)] == visits:
            return net_patient_cost(drafts[: len(visits)]), run
        if run is not None and len(visits) > len(done) and visits[: len(done)] == done:
            run.notices = Notices()
            more = [run.visit(day, phase) for day, phase in visits[len(done) :]]
            return net + net_patient_cost(more), None
    return net_patient_cost(pricing.price(bound, Notices())), run
