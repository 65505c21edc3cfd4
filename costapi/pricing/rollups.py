"""Roll-ups (section 4): visits, phases, months, plan years and totals, each a sum of lines."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import accumulate, pairwise
from operator import attrgetter

from .lines import VisitDraft, freeze
from .money import ZERO
from .plan_years import bounds
from .results import (
    LINE_AMOUNTS,
    DataVersions,
    Line,
    MonthSummary,
    PhaseSummary,
    PlanYearSummary,
    Totals,
    Visit,
)
from .schedule import ScheduledPhase

NET = "net_patient_cost"
PHASE_AMOUNTS = ("patient_pays", "insurance_pays", "secondary_pays", "clinic_write_off",
                 "expected_rebate")
MONTH_AMOUNTS = ("patient_pays", "secondary_pays", "clinic_write_off", "expected_rebate")
PLAN_YEAR_AMOUNTS = ("patient_pays", "insurance_pays", "secondary_pays", "clinic_write_off",
                     "expected_rebate",
                     "deductible", "copay", "coinsurance")
line_amounts = attrgetter(*LINE_AMOUNTS)


@dataclass(frozen=True, slots=True)
class Summary:
    totals: Totals
    visits: tuple[Visit, ...]
    phases: tuple[PhaseSummary, ...]
    months: tuple[MonthSummary, ...]
    plan_years: tuple[PlanYearSummary, ...]
    data_versions: DataVersions


def net_patient_cost(visits: list[VisitDraft]) -> Decimal:
    """What the patient pays less expected reimbursement, over all lines."""
    total = ZERO
    for visit in visits:
        for line in visit.lines:
            total += line.patient_pays - line.expected_reimbursement - line.expected_rebate
    return total


def summarize(
    scheduled: tuple[ScheduledPhase, ...], drafts: list[VisitDraft], plan_year_start: date | None
) -> Summary:
    """Freeze the lines and add them up per visit, phase, month, plan year and in total."""
    lines = [freeze(line) for draft in drafts for line in draft.lines]
    columns = Columns(lines, [len(draft.lines) for draft in drafts])
    running = columns.running
    patient, expected = running["patient_pays"], running["expected_reimbursement"]
    rebate = running["expected_rebate"]
    secondary, write_off = running["secondary_pays"], running["clinic_write_off"]
    visits = []
    for draft, (first, last) in zip(drafts, pairwise(columns.starts), strict=True):
        paid = patient[last] - patient[first]
        visits.append(
            Visit(
                date=draft.date,
                phase=draft.phase,
                patient_pays=paid,
                secondary_pays=secondary[last] - secondary[first],
                clinic_write_off=write_off[last] - write_off[first],
                expected_rebate=rebate[last] - rebate[first],
                net_patient_cost=paid - (expected[last] - expected[first])
                - (rebate[last] - rebate[first]),
                lines=tuple(lines[first:last]),
                balances=draft.balances,
            )
        )
    amounts = columns.sums(0, len(visits), LINE_AMOUNTS)
    totals = Totals(charges=amounts.pop("charge"), **amounts)
    return Summary(
        totals=totals,
        visits=tuple(visits),
        phases=tuple(_phase_summaries(scheduled, columns)),
        months=tuple(_month_summaries(scheduled, visits, columns)),
        plan_years=tuple(_plan_year_summaries(drafts, plan_year_start, columns)),
        data_versions=DataVersions(
            policies=tuple(sorted({line.policy_id for line in lines} - {None})),
            rates=tuple(sorted({line.rate_id for line in lines} - {None})),
        ),
    )


class Columns:
    """Running totals of each line amount over the lines in date order: the sum over a
    run of visits is the difference of two running totals (exact: cents add exactly)."""

    __slots__ = ("starts", "running")

    def __init__(self, lines: list[Line], counts: list[int]):
        self.starts = [0, *accumulate(counts)]  # visit i has lines starts[i]:starts[i + 1]
        columns = zip(*map(line_amounts, lines), strict=True) if lines else [()] * len(LINE_AMOUNTS)
        self.running = {
            name: list(accumulate(column, initial=ZERO))
            for name, column in zip(LINE_AMOUNTS, columns, strict=True)
        }

    def sums(self, start: int, end: int, names: tuple[str, ...]) -> dict[str, Decimal]:
        """Each named amount over the lines of visits start..end-1, and their net patient cost."""
        first, last = self.starts[start], self.starts[end]
        running = self.running
        sums = {name: running[name][last] - running[name][first] for name in names}
        patient, expected = running["patient_pays"], running["expected_reimbursement"]
        rebate = running["expected_rebate"]
        sums[NET] = ((patient[last] - patient[first]) - (expected[last] - expected[first])
                     - (rebate[last] - rebate[first]))
        return sums


def _runs(keys: list) -> list[tuple[object, int, int]]:
    """(key, start, end) of each run of equal consecutive keys."""
    runs = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs.append((keys[start], start, i))
            start = i
    return runs


def _phase_summaries(scheduled: tuple[ScheduledPhase, ...], columns: Columns):
    """Every phase in plan order; a phase with 0 sessions has null dates and zeros."""
    start = 0
    for part in scheduled:
        phase, dates = part.phase, part.dates
        end = start + len(dates)
        yield PhaseSummary(
            name=phase.name,
            kind=phase.kind,
            sessions=len(dates),
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
            **columns.sums(start, end, PHASE_AMOUNTS),
        )
        start = end


def _month_summaries(scheduled: tuple[ScheduledPhase, ...], visits: list[Visit], columns: Columns):
    """Every calendar month from the first visit to the last, zero-filled, each with its
    patient_pays by phase kind (the kinds of the phases with visits, in plan order)."""
    runs = {
        key: (start, end)
        for key, start, end in _runs([(v.date.year, v.date.month) for v in visits])
    }
    if not runs:
        return
    kind_of = {part.phase.name: part.phase.kind for part in scheduled}
    kinds = dict.fromkeys(part.phase.kind for part in scheduled if part.dates)
    (year, month), last = min(runs), max(runs)
    while (year, month) <= last:
        start, end = runs.get((year, month), (0, 0))
        by_kind = dict.fromkeys(kinds, ZERO)
        for visit in visits[start:end]:
            by_kind[kind_of[visit.phase]] += visit.patient_pays
        yield MonthSummary(
            month=f"{year:04d}-{month:02d}",
            visits=end - start,
            **columns.sums(start, end, MONTH_AMOUNTS),
            by_kind=tuple(by_kind.items()),
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _plan_year_summaries(drafts: list[VisitDraft], plan_year_start: date | None, columns: Columns):
    """Each plan year with visits, in date order (none for self-pay)."""
    if plan_year_start is None:
        return
    for year, start, end in _runs([draft.plan_year for draft in drafts]):
        first_day, last_day = bounds(plan_year_start, year)
        yield PlanYearSummary(
            start=first_day,
            end=last_day,
            visits=end - start,
            **columns.sums(start, end, PLAN_YEAR_AMOUNTS),
        )
