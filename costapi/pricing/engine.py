"""estimate(): schedule, price, add up, compare with self-pay, range."""

from dataclasses import replace
from decimal import Decimal

from .adjudication import InsuredPricing
from .inputs import EstimateInput, Insurance, SelfPay
from .lines import VisitDraft
from .notices import Notices
from .results import AppliedProgram, Estimate, Range
from .rollups import net_patient_cost, summarize
from .schedule import OpenDays, ScheduledPhase, plan_phases, range_lengths, schedule, start_moved
from .self_pay import SelfPayPricing
from .strategy import Pricing

PRICING = {Insurance: InsuredPricing, SelfPay: SelfPayPricing}


def estimate(inp: EstimateInput) -> Estimate:
    """Price a treatment plan for one patient (domain.md sections 2 to 4)."""
    phases = plan_phases(inp.plan, inp.overrides, inp.services)
    days = OpenDays(inp.calendar)  # once per estimate, for every schedule below
    scheduled = schedule(phases, inp.start_date, days=days)
    lengths = range_lengths(phases)
    bounds = [] if lengths is None else [schedule(phases, inp.start_date, n, days) for n in lengths]

    pricing = PRICING[type(inp.coverage)](inp, phases)
    notices = Notices()
    moved = start_moved(scheduled, inp.start_date)
    if moved is not None:
        notices.add("start_moved", day=moved)
    drafts = pricing.price(scheduled, notices)
    summary = summarize(scheduled, drafts, pricing.plan_year_start)
    net = summary.totals.net_patient_cost

    self_pay_total = pricing.self_pay_total(scheduled)
    if self_pay_total < net:  # never for self-pay: its net is the cash price less discounts
        notices.add("self_pay_cheaper", amount=self_pay_total)
    pricing.offers(scheduled, drafts, net, notices)

    cost_range = None
    if bounds:
        costs = [_bound_cost(pricing, bound, drafts, net) for bound in bounds]
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
        data_versions=replace(summary.data_versions, calendar=inp.calendar.id),
        self_pay_total=self_pay_total,
        programs=tuple(AppliedProgram(code=p.code, name=p.name) for p in pricing.programs),
    )


def _bound_cost(
    pricing: Pricing, bound: tuple[ScheduledPhase, ...], drafts: list[VisitDraft], net: Decimal
) -> Decimal:
    """Net patient cost of a range schedule.

    With causal pricing, a schedule that is a prefix of the estimate's is a prefix sum, and
    one that extends it continues the estimate's own pass (once). Otherwise a separate pass.
    """
    visits = [(day, part.phase.name) for part in bound for day in part.dates]
    done = [(draft.date, draft.phase) for draft in drafts]
    if visits == done:
        return net
    if pricing.causal:
        if len(visits) < len(done) and done[: len(visits)] == visits:
            return net_patient_cost(drafts[: len(visits)])
        if len(visits) > len(done) and visits[: len(done)] == done:
            more = pricing.extend(drafts, visits[len(done) :], Notices())
            if more is not None:
                return net + net_patient_cost(more)
    return net_patient_cost(pricing.price(bound, Notices()))
