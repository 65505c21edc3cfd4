"""Roll-ups (section 4): visits, phases, months, plan years and totals, each a sum of lines."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .lines import VisitDraft, freeze
from .money import ZERO
from .plan_years import bounds
from .results import (
    DataVersions,
    MonthSummary,
    PhaseSummary,
    PlanYearSummary,
    Totals,
    Visit,
)
from .schedule import ScheduledPhase


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
            total += line.patient_pays - line.expected_reimbursement
    return total


def summarize(
    scheduled: tuple[ScheduledPhase, ...], drafts: list[VisitDraft], plan_year_start: date | None
) -> Summary:
    """Freeze the lines and add them up per visit, phase, month, plan year and in total."""
    charges = allowed = insurance = assistance = discount = patient = ZERO
    deductible = copay = coinsurance = not_covered = expected = ZERO
    visits = []
    columns = Columns()
    for draft in drafts:
        v_charges = v_allowed = v_insurance = v_assistance = v_discount = v_patient = ZERO
        v_deductible = v_copay = v_coinsurance = v_not_covered = v_expected = ZERO
        for d in draft.lines:
            v_charges += d.charge
            v_allowed += d.allowed
            v_insurance += d.insurance_pays
            v_assistance += d.assistance_pays
            v_discount += d.discount
            v_patient += d.patient_pays
            v_deductible += d.deductible
            v_copay += d.copay
            v_coinsurance += d.coinsurance
            v_not_covered += d.not_covered
            v_expected += d.expected_reimbursement
        charges += v_charges
        allowed += v_allowed
        insurance += v_insurance
        assistance += v_assistance
        discount += v_discount
        patient += v_patient
        deductible += v_deductible
        copay += v_copay
        coinsurance += v_coinsurance
        not_covered += v_not_covered
        expected += v_expected
        lines = tuple([freeze(d) for d in draft.lines])
        net = v_patient - v_expected
        visits.append(Visit(draft.date, draft.phase, v_patient, net, lines))
        columns.add(v_patient, net, v_insurance, v_deductible, v_copay, v_coinsurance)
    totals = Totals(
        charges, allowed, insurance, assistance, discount, patient,
        deductible, copay, coinsurance, not_covered, expected, patient - expected,
    )  # fmt: skip
    every_line = [line for visit in visits for line in visit.lines]
    plan_years = ()
    if plan_year_start is not None:
        plan_years = tuple(
            PlanYearSummary(*bounds(plan_year_start, year), end - start,
                            *columns.sums(start, end, PLAN_YEAR_COLUMNS))
            for year, start, end in _runs([draft.plan_year for draft in drafts])
        )  # fmt: skip
    return Summary(
        totals,
        tuple(visits),
        tuple(_phase_summaries(scheduled, columns)),
        tuple(_month_summaries(visits, columns)),
        plan_years,
        DataVersions(
            tuple(sorted({line.policy_id for line in every_line} - {None})),
            tuple(sorted({line.rate_id for line in every_line} - {None})),
        ),
    )


PLAN_YEAR_COLUMNS = ("patient", "insurance", "deductible", "copay", "coinsurance", "net")


class Columns:
    """Per-visit amounts in date order; a roll-up is the sum of a slice of visits."""

    __slots__ = ("patient", "net", "insurance", "deductible", "copay", "coinsurance")

    def __init__(self):
        for name in self.__slots__:
            setattr(self, name, [])

    def add(self, patient, net, insurance, deductible, copay, coinsurance) -> None:
        self.patient.append(patient)
        self.net.append(net)
        self.insurance.append(insurance)
        self.deductible.append(deductible)
        self.copay.append(copay)
        self.coinsurance.append(coinsurance)

    def sums(self, start: int, end: int, names) -> list[Decimal]:
        return [sum(getattr(self, name)[start:end], ZERO) for name in names]


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
        patient, insurance, net = columns.sums(start, end, ("patient", "insurance", "net"))
        first, last = (dates[0], dates[-1]) if dates else (None, None)
        yield PhaseSummary(phase.name, phase.kind, len(dates), first, last, patient, insurance, net)
        start = end


def _month_summaries(visits: list[Visit], columns: Columns):
    """Every calendar month from the first visit to the last, zero-filled."""
    runs = _runs([(visit.date.year, visit.date.month) for visit in visits])
    sums = {key: (end - start, *columns.sums(start, end, ("patient", "net")))
            for key, start, end in runs}  # fmt: skip
    if not runs:
        return
    (year, month), end = runs[0][0], runs[-1][0]
    while (year, month) <= end:
        count, patient, net = sums.get((year, month), (0, ZERO, ZERO))
        yield MonthSummary(f"{year:04d}-{month:02d}", count, patient, net)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
