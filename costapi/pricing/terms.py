"""Per-estimate lookups: what each visit line costs and which terms govern it."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .coverage import PolicyTerms, candidate_policies, ranked_policies
from .inputs import Insurance, Plan, Rate, Service, VisitItem
from .money import ZERO, cents
from .schedule import PlannedPhase

# How a covered line's allowed amount was found (3.3: allowed_basis)
CONTRACTED, PERCENT_OF_CHARGE, CHARGE = "contracted", "percent_of_charge", "charge"
OUT_OF_NETWORK_PERCENT, NONE = "out_of_network_percent", "none"
PHARMACY_RATE, LIST_PRICE = "pharmacy_rate", "list_price"  # of a pharmacy line (3.8)
MEDICAL, PHARMACY = "medical", "pharmacy"  # a visit item's benefit (3.8)


@dataclass(frozen=True, slots=True)
class RateTerms:
    starts: date
    ends: date
    id: int
    allowed: Decimal


@dataclass(frozen=True, slots=True)
class LineTerms:
    """One visit item (service x units) priced once for the whole estimate.

    charge = unit charge x units and cash = unit cash price x units, each
    rounded to cents. Allowed (3.3): each rate's allowed x units (the one in
    effect on the visit date applies), else charge x default_allowed_percent,
    else the charge; out of network charge x out_of_network_allowed_percent,
    else the charge. `programs` are indices of the programs that pay for it.

    An insured pharmacy line (3.8) has charge 0, the payer's pharmacy rates, and the list
    price (unit charge x units) as `default_allowed`, in and out of network alike.
    """

    code: str
    category: str
    units: int
    charge: Decimal
    cash: Decimal
    description: str = ""
    policies: tuple[PolicyTerms, ...] = ()
    rates: tuple[RateTerms, ...] = ()
    default_allowed: Decimal = ZERO
    out_of_network_allowed: Decimal = ZERO
    programs: tuple[int, ...] = ()
    default_basis: str = CHARGE  # of default_allowed: percent_of_charge or charge
    out_of_network_basis: str = CHARGE  # of out_of_network_allowed
    benefit: str = MEDICAL


def line_charges(service: Service, units: int) -> tuple[Decimal, Decimal]:
    """Charge and cash price of `units` of a service, in cents (cash defaults to charge)."""
    charge = cents(service.charge * units)
    cash = charge if service.cash_price is None else cents(service.cash_price * units)
    return charge, cash


Lines = tuple[LineTerms, ...]
# phase name -> ((from_session, the lines of that visit), ...), only phases with changes
Changes = dict[str, tuple[tuple[int, Lines], ...]]


def by_phase(phases: tuple[PlannedPhase, ...], terms) -> tuple[dict[str, Lines], Changes]:
    """The line terms of each phase's visit by phase name, and of its visit changes (2)."""
    lines = {phase.name: tuple(map(terms, phase.visit)) for phase in phases}
    changes = {
        phase.name: tuple(
            (change.from_session, tuple(map(terms, change.visit)))
            for change in phase.visit_changes
        )
        for phase in phases
        if phase.visit_changes
    }
    return lines, changes


def session_lines(lines: dict[str, Lines], changes: Changes, phase: str, session: int) -> Lines:
    """The line terms of a phase's session (1-based): the last change from before it on,
    else the phase's visit."""
    found = lines[phase]
    for start, changed in changes.get(phase, ()):
        if session < start:
            break
        found = changed
    return found


def self_pay_lines(
    phases: tuple[PlannedPhase, ...], services: Mapping[str, Service]
) -> tuple[dict[str, Lines], Changes]:
    """Line terms per phase name and per visit change, for self-pay (prices only)."""
    cache: dict[tuple[str, int], LineTerms] = {}

    def terms(item: VisitItem) -> LineTerms:
        key = (item.service, item.units)
        if key not in cache:
            service = services[item.service]
            charge, cash = line_charges(service, item.units)
            cache[key] = LineTerms(
                code=item.service,
                category=service.category,
                units=item.units,
                charge=charge,
                cash=cash,
                description=service.description,
            )
        return cache[key]

    return by_phase(phases, terms)


def pays_for(program, code: str, category: str) -> bool:
    """An assistance program pays for a line whose service or category it names (3.6)."""
    return code in program.services or category in program.categories


def pharmacy_items(phases: tuple[PlannedPhase, ...], services: Mapping[str, Service]) -> set:
    """(service, category) of every pharmacy visit item of the phases (3.8)."""
    return {(item.service, services[item.service].category)
            for phase in phases
            for visit in (phase.visit, *(change.visit for change in phase.visit_changes))
            for item in visit if item.benefit == PHARMACY}  # fmt: skip


def plan_programs(programs, plan: Plan, services: Mapping[str, Service]) -> list:
    """The programs that pay for at least one visit item of the plan, in the given order."""
    visits = [visit for phase in plan.phases
              for visit in (phase.visit, *(change.visit for change in phase.visit_changes))]
    items = {(item.service, services[item.service].category)
             for visit in visits for item in visit if item.service in services}
    return [program for program in programs
            if any(pays_for(program, code, category) for code, category in items)]


def insured_lines(
    phases: tuple[PlannedPhase, ...],
    services: Mapping[str, Service],
    modality: str,
    insurance: Insurance,
    programs: tuple,
) -> tuple[dict[str, Lines], Changes]:
    """Line terms per phase name and per visit change, with policies, rates and programs (copays and
    coinsurance depend on the plan year: benefit_years)."""
    payer = insurance.payer
    policies = ranked_policies(insurance)
    rates_by_service: dict[tuple[str, str], list[Rate]] = {}
    for rate in payer.rates:
        rates_by_service.setdefault((rate.service, rate.benefit), []).append(rate)
    cache: dict[tuple[str, int, str], LineTerms] = {}

    def terms(item: VisitItem) -> LineTerms:
        key = (item.service, item.units, item.benefit)
        if key in cache:
            return cache[key]
        service = services[item.service]
        code, category, units = item.service, service.category, item.units
        charge, cash = line_charges(service, units)
        rates = sorted(
            rates_by_service.get((item.service, item.benefit), ()),
            key=lambda r: (r.effective_from or date.min, r.id),
            reverse=True,
        )
        percent = payer.default_allowed_percent
        out_percent = payer.out_of_network_allowed_percent
        pharmacy = item.benefit == PHARMACY
        if pharmacy:  # the clinic bills nothing; the list price stands in for a rate
            percent = out_percent = None
        cache[key] = LineTerms(
            code=code,
            category=category,
            units=units,
            charge=ZERO if pharmacy else charge,
            cash=cash,
            benefit=item.benefit,
            description=service.description,
            policies=candidate_policies(policies, modality, code, category),
            rates=tuple(
                RateTerms(
                    starts=r.effective_from or date.min,
                    ends=r.effective_to or date.max,
                    id=r.id,
                    allowed=cents(r.allowed * units),
                )
                for r in rates
            ),
            default_allowed=charge if percent is None else cents(charge * percent),
            out_of_network_allowed=charge if out_percent is None else cents(charge * out_percent),
            default_basis=LIST_PRICE if pharmacy
            else CHARGE if percent is None else PERCENT_OF_CHARGE,
            out_of_network_basis=CHARGE if out_percent is None else OUT_OF_NETWORK_PERCENT,
            programs=tuple(
                index
                for index, program in enumerate(programs)
                if pays_for(program, code, category) and (pharmacy or not program.pharmacy_only)
            ),
        )
        return cache[key]

    return by_phase(phases, terms)
