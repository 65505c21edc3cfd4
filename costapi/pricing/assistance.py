"""Assistance programs (3.6): a manufacturer pays part of the patient's share."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .inputs import Insurance
from .lines import LineDraft
from .money import UNLIMITED, ZERO, optional_cents
from .notices import Notices
from .terms import LineTerms
from .vocabulary import PAYER_KIND_NAMES
from .wording import month_of


@dataclass(frozen=True, slots=True)
class ProgramTerms:
    code: str
    name: str
    services: frozenset
    categories: frozenset
    patient_pays_per_visit: Decimal
    annual_max: Decimal
    used_before: Decimal


def payer_kinds(insurance: Insurance) -> set[str]:
    """The kinds of every payer of the estimate: the primary and any secondary (3.6)."""
    kinds = {insurance.payer.kind}
    if insurance.secondary is not None:
        kinds.add(insurance.secondary.payer.kind)
    return kinds


def usable_programs(insurance: Insurance, notices: Notices) -> tuple[ProgramTerms, ...]:
    """The requested programs that can pay, in request order; warns about the others. A
    program that names payer kinds pays only when every payer of the estimate is of one."""
    usable = []
    kinds = payer_kinds(insurance)
    for program in insurance.programs:
        refused = sorted(kinds - set(program.payer_kinds)) if program.payer_kinds else ()
        if insurance.network == "out":
            notices.add(
                "assistance_not_applicable",
                program.code,
                detail=f"The {program.name} does not apply to out-of-network care.",
            )
        elif refused:
            kind = insurance.payer.kind if insurance.payer.kind in refused else refused[0]
            plans = PAYER_KIND_NAMES.get(kind, "this kind of plan")
            notices.add(
                "assistance_not_applicable",
                program.code,
                detail=f"The {program.name} does not apply to {plans}.",
            )
        else:
            usable.append(
                ProgramTerms(
                    code=program.code,
                    name=program.name,
                    services=frozenset(program.services),
                    categories=frozenset(program.categories),
                    patient_pays_per_visit=optional_cents(program.patient_pays_per_visit, ZERO),
                    annual_max=optional_cents(program.annual_max, UNLIMITED),
                    used_before=optional_cents(insurance.programs_used.get(program.code), ZERO),
                )
            )
    return tuple(usable)


class ProgramLedger:
    """What each program has paid, per calendar year (the annual maximum resets Jan 1)."""

    __slots__ = ("programs", "paid")

    def __init__(self, programs: tuple[ProgramTerms, ...], start_date: date):
        self.programs = programs
        self.paid = {(i, start_date.year): p.used_before for i, p in enumerate(programs)}

    def remaining(self, index: int, year: int) -> Decimal:
        return self.programs[index].annual_max - self.paid.get((index, year), ZERO)

    def record(self, index: int, year: int, amount: Decimal) -> None:
        self.paid[(index, year)] = self.paid.get((index, year), ZERO) + amount


def apply_programs(
    lines: list[LineDraft],
    terms: tuple[LineTerms, ...],
    ledger: ProgramLedger,
    day: date,
    notices: Notices,
) -> tuple[Decimal, list[LineDraft]]:
    """Each program, in request order, pays min(patient share on its covered lines -
    patient_pays_per_visit, its remaining balance this calendar year), never below
    0, taken off the patient's payment for those lines in line order.

    Returns the visit's total program share and the lines of the programs that
    paid (their deductible parts bound what an accumulator program takes back).
    """
    total = ZERO
    paid_for: list[LineDraft] = []
    year = day.year
    for index, program in enumerate(ledger.programs):
        own = [
            line for line, item in zip(lines, terms, strict=True)
            if index in item.programs and line.covered
        ]  # fmt: skip
        if not own:
            continue
        wanted = sum([line.patient_pays for line in own], ZERO) - program.patient_pays_per_visit
        if wanted <= 0:
            continue
        share = ledger.remaining(index, year)
        if share < wanted:
            notices.add(
                "assistance_exhausted",
                (program.code, year),
                amount=program.annual_max,
                day=day,
                month=month_of(day),
                detail=program.name,
            )
            if share <= 0:
                continue
        else:
            share = wanted
        ledger.record(index, year, share)
        total += share
        paid_for.extend(line for line in own if line not in paid_for)
        for line in own:
            take = min(line.patient_pays, share)
            line.patient_pays -= take
            line.assistance_pays += take
            share -= take
            if not share:
                break
    return total, paid_for
