"""Hypothesis strategies: random but valid engine inputs (schedules always fit 365 days)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from costapi.pricing import (
    Amounts,
    Benefits,
    EstimateInput,
    Insurance,
    NetworkBenefits,
    PackagePrice,
    Payer,
    PharmacyBenefits,
    Phase,
    Plan,
    Policy,
    Program,
    Rate,
    SelfPay,
    Service,
    SlidingScale,
    Tier,
    VisitItem,
)
from costapi.pricing.secondary import SECONDARY_ONLY_KINDS
from costapi.pricing.vocabulary import CATEGORIES, PAYER_KINDS

CODES = ("J0013", "99214", "99417", "96365", "J3490", "90837")
MODALITIES = ("esketamine_nasal", "ketamine_iv", "kap")
DIAGNOSES = ("F33.2", "f32.1", "F43.10", "F33")
PATTERNS = ("F33.*", "F32.1", "f43.1*")


def cents(low=0, high=2000_00):
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


def unit_price(high=1000_0000):
    return st.integers(0, high).map(lambda n: Decimal(n).scaleb(-4))


def fraction():
    return st.integers(0, 100).map(lambda n: Decimal(n).scaleb(-2))


def optional(strategy):
    return st.none() | strategy


def mostly(strategy):
    """Present about three times in four."""
    return st.sampled_from((True, True, True, False)).flatmap(
        lambda present: strategy if present else st.none()
    )


PRIMARY_KINDS = tuple(kind for kind in PAYER_KINDS if kind not in SECONDARY_ONLY_KINDS)
PAYER_KIND = st.sampled_from(("commercial", "commercial", "commercial") + PRIMARY_KINDS)


@st.composite
def services(draw):
    catalog = {}
    for code in CODES:
        charge = draw(unit_price())
        cash = draw(optional(unit_price()))
        catalog[code] = Service(code, draw(st.sampled_from(CATEGORIES)), charge, cash)
    return catalog


@st.composite
def phases(draw):
    count = draw(st.integers(1, 3))
    result = []
    for i in range(count):
        sessions = draw(st.integers(0, 6))
        if draw(st.booleans()):
            cadence = {"interval_days": draw(st.integers(1, 14))}
        else:
            cadence = {"per_week": draw(st.integers(1, 7))}
        visit = tuple(
            VisitItem(draw(st.sampled_from(CODES)), draw(st.integers(1, 60)),
                      draw(rarely(st.just("pharmacy"), "medical")))
            for _ in range(draw(st.integers(1, 3)))
        )
        bounds = {}
        if draw(st.integers(0, 3)) == 0:
            bounds = {"sessions_min": draw(st.integers(0, sessions)),
                      "sessions_max": draw(st.integers(sessions, 7))}  # fmt: skip
        result.append(Phase(f"phase-{i}", "induction", sessions, visit=visit, **cadence, **bounds))
    return tuple(result)


def plans():
    return st.builds(Plan, st.just("plan"), st.sampled_from(MODALITIES), phases())


def days_around(start):
    return st.integers(-400, 400).map(lambda n: start + timedelta(days=n))


def rarely(strategy, default):
    """The default three times in four."""
    return st.sampled_from((False, False, False, True)).flatmap(
        lambda drawn: strategy if drawn else st.just(default)
    )


@st.composite
def policies(draw, start):
    result = []
    for policy_id in range(1, draw(st.integers(0, 4)) + 1):
        effective_from = draw(optional(days_around(start)))
        effective_to = draw(optional(days_around(start)))
        if effective_from and effective_to and effective_to < effective_from:
            effective_from, effective_to = effective_to, effective_from
        result.append(
            Policy(
                policy_id,
                draw(optional(st.sampled_from(MODALITIES))),
                draw(optional(st.sampled_from(CODES))),
                draw(optional(st.sampled_from(CATEGORIES))),
                draw(st.integers(0, 6)) > 0,
                "Excluded",
                draw(rarely(st.just(True), False)),
                tuple(draw(rarely(st.lists(st.sampled_from(PATTERNS), max_size=2), []))),
                draw(rarely(st.integers(0, 6), None)),
                effective_from,
                effective_to,
            )
        )
    return tuple(result)


@st.composite
def rates(draw, start):
    result = []
    for rate_id in range(100, 100 + draw(st.integers(0, 4))):
        result.append(
            Rate(
                rate_id,
                draw(st.sampled_from(CODES)),
                draw(unit_price()),
                draw(optional(days_around(start))),
                draw(optional(days_around(start))),
                draw(rarely(st.just("pharmacy"), "medical")),
            )
        )
    return tuple(result)


@st.composite
def pharmacy_benefits(draw):
    """benefits.pharmacy (3.8): any mix of separate and integrated amounts."""
    deductible, deductible_met = draw(met_amounts())
    out_of_pocket, out_of_pocket_met = draw(met_amounts())
    return PharmacyBenefits(
        deductible, deductible_met, draw(st.booleans()),
        draw(optional(cents(0, 200_00))), draw(mostly(fraction())),
        draw(optional(cents(0, 500_00))), draw(st.booleans()),
        out_of_pocket, out_of_pocket_met,
    )  # fmt: skip


@st.composite
def met_amounts(draw):
    """(total or None, met <= total)."""
    total = draw(mostly(cents(0, 10000_00)))
    met = draw(cents(0, int(total * 100))) if total is not None else Decimal("0.00")
    return total, met


@st.composite
def family(draw):
    deductible, deductible_met = draw(met_amounts())
    out_of_pocket, out_of_pocket_met = draw(met_amounts())
    return Amounts(deductible, deductible_met, out_of_pocket, out_of_pocket_met)


@st.composite
def network_benefits(draw):
    deductible, deductible_met = draw(met_amounts())
    out_of_pocket, out_of_pocket_met = draw(met_amounts())
    return NetworkBenefits(
        deductible, deductible_met, out_of_pocket, out_of_pocket_met,
        draw(mostly(fraction())), draw(optional(family())),
    )  # fmt: skip


@st.composite
def programs(draw, least=0):
    result = []
    for i in range(draw(st.integers(least, 2))):
        result.append(
            Program(
                f"program-{i}",
                f"program {i}",
                tuple(draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3))),
                tuple(draw(st.lists(st.sampled_from(CATEGORIES), max_size=2))),
                draw(st.sampled_from(((), ("commercial",), ("commercial",), ("medicare",)))),
                draw(cents(0, 50_00)),
                draw(optional(cents(0, 3000_00))),
            )
        )
    return tuple(result)


@st.composite
def insurance(draw, start, assisted=False):
    """Any insurance; `assisted`: commercial, in network, with at least one program."""
    deductible, deductible_met = draw(met_amounts())
    out_of_pocket, out_of_pocket_met = draw(met_amounts())
    the_policies = draw(policies(start))
    the_programs = draw(programs(least=1 if assisted else 0))
    benefits = Benefits(
        draw(optional(days_around(start))),
        deductible,
        deductible_met,
        out_of_pocket,
        out_of_pocket_met,
        draw(mostly(fraction())),
        draw(st.dictionaries(st.sampled_from(CATEGORIES), cents(0, 80_00), max_size=3)),
        draw(optional(family())),
        draw(mostly(network_benefits())),
        draw(st.booleans()),
        {p.id: draw(st.integers(0, 5)) for p in the_policies if draw(st.booleans())},
        pharmacy=draw(optional(pharmacy_benefits())),
    )
    payer = Payer(
        "payer",
        "commercial" if assisted else draw(PAYER_KIND),
        draw(mostly(fraction())),
        draw(mostly(fraction())),
        draw(rates(start)),
        the_policies,
    )
    return Insurance(
        payer,
        "in" if assisted else draw(st.sampled_from(("in", "in", "out"))),
        benefits,
        tuple(draw(st.lists(st.sampled_from(DIAGNOSES), max_size=2))),
        draw(st.sampled_from(("approved", "pending", "denied", "not_requested"))),
        draw(optional(days_around(start))),
        the_programs,
        {p.code: draw(cents(0, 500_00)) for p in the_programs if draw(st.booleans())},
    )


@st.composite
def self_pay(draw, plan, packages=True):
    discounts = []
    if draw(st.booleans()):
        tiers = tuple(
            Tier(draw(st.integers(50, 400)), draw(fraction()))
            for _ in range(draw(st.integers(1, 3)))
        )
        discounts.append(SlidingScale("scale", "sliding scale", Decimal("15650"),
                                      Decimal("5500"), tiers))  # fmt: skip
    if packages and draw(st.booleans()):
        phase = draw(st.sampled_from(plan.phases))
        discounts.append(
            PackagePrice("package", "package", plan.code, phase.name,
                         draw(st.sampled_from((phase.sessions, phase.sessions + 1))),
                         draw(cents(0, 20000_00)))
        )  # fmt: skip
    return SelfPay(
        draw(optional(cents(0, 200000_00))),
        draw(optional(st.integers(1, 8))),
        tuple(draw(st.permutations(discounts))),
    )


@st.composite
def estimate_inputs(draw, packages=True):
    """Self-pay one time in four; a quarter of the rest commercial with programs."""
    start = draw(st.dates(date(2026, 1, 1), date(2028, 12, 31)))
    plan = draw(plans())
    kind = draw(st.integers(0, 3))
    if kind == 0:
        coverage = draw(self_pay(plan, packages))
    else:
        coverage = draw(insurance(start, assisted=kind == 1))
    return EstimateInput(plan, draw(services()), start, coverage)
