"""Assistance programs (3.6): a manufacturer pays part of the patient's share."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .inputs import Insurance
from .lines import LineDraft
from .money import UNLIMITED, ZERO, optional_cents
from .notices import Notices
from .terms import LineTerms, pays_for
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
    rebate: bool = False  # paid_as rebate: reported as expected_rebate, never seen by the plan
    pharmacy_only: bool = False  # out of network: it pays for pharmacy lines only (3.5, 3.8)


def state_refuses(program, state: str | None) -> bool:
    """A program with excluded_states pays nothing for a patient living in one (3.6)."""
    return state is not None and state in program.excluded_states


def payer_kinds(insurance: Insurance) -> set[str]:
    """The kinds of every payer of the estimate: the primary and any secondary (3.6)."""
    kinds = {insurance.payer.kind}
    if insurance.secondary is not None:
        kinds.add(insurance.secondary.payer.kind)
    return kinds


def usable_programs(
    insurance: Insurance, notices: Notices, pharmacy_items=frozenset()
) -> tuple[ProgramTerms, ...]:
    """The requested programs that can pay, in request order; warns about the others. A
    program that names payer kinds pays only when every payer of the estimate is of one.
    Out of network a program pays only for pharmacy lines (`pharmacy_items`: the plan's
    (service, category) pairs under the pharmacy benefit)."""
    usable = []
    kinds = payer_kinds(insurance)
    out = insurance.network == "out"
    for program in insurance.programs:
        refused = sorted(kinds - set(program.payer_kinds)) if program.payer_kinds else ()
        if out and not any(pays_for(program, code, category)
                           for code, category in pharmacy_items):  # fmt: skip
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
        elif state_refuses(program, insurance.patient_state):
            notices.add(
                "assistance_not_applicable",
                program.code,
                detail=f"The {program.name} is not available to patients living in "
                       f"{insurance.patient_state}.",
            )  # fmt: skip
        else:
            if program.excluded_states and insurance.patient_state is None:
                notices.add("assistance_state_unverified", program.code,
                            detail=(program.name, program.excluded_states))  # fmt: skip
            usable.append(
                ProgramTerms(
                    code=program.code,
                    name=program.name,
                    services=frozenset(program.services),
                    categories=frozenset(program.categories),
                    patient_pays_per_visit=optional_cents(program.patient_pays_per_visit, ZERO),
                    annual_max=optional_cents(program.annual_max, UNLIMITED),
                    used_before=optional_cents(insurance.programs_used.get(program.code), ZERO),
                    rebate=program.paid_as == "rebate",
                    pharmacy_only=out,
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
    fill: tuple[frozenset[int], int] = (frozenset(), 0),
) -> tuple[Decimal, list[LineDraft]]:
    """Each program, in request order, pays min(what the patient still owes on its covered
    lines - patient_pays_per_visit, its remaining balance this calendar year), never below
    0, taken off the patient's payment for those lines in line order. `fill`: the ids of the
    lines of a pharmacy fill among `lines` and its number of sessions (3.8): a program that pays for
    a fill line leaves the patient patient_pays_per_visit x those sessions. A rebate program
    (paid_as rebate) leaves patient_pays as it is and reports its share as expected_rebate;
    what the patient still owes is patient_pays less the rebates already expected.

    Returns the visit's point-of-sale program share and the lines of the point-of-sale
    programs that paid (their deductible parts bound what an accumulator program takes
    back; the plan never sees a rebate).
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
        owed = sum([line.patient_pays - line.expected_rebate for line in own], ZERO)
        minimum = program.patient_pays_per_visit
        if fill[1] and any(id(line) in fill[0] for line in own):
            minimum *= fill[1]
        wanted = owed - minimum
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
        if program.rebate:
            for line in own:
                take = min(line.patient_pays - line.expected_rebate, share)
                line.expected_rebate += take
                share -= take
                if not share:
                    break
            continue
        total += share
        paid_for.extend(line for line in own if all(line is not seen for seen in paid_for))
        for line in own:
            take = min(line.patient_pays - line.expected_rebate, share)
            line.patient_pays -= take
            line.assistance_pays += take
            share -= take
            if not share:
                break
    return total, paid_for
