"""What an estimate is computed from: plan, services, payer, benefits, discounts."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .money import ZERO


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    category: str
    charge: Decimal
    cash_price: Decimal | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Copay:
    """A copay owed only once the deductible is met (3.4: HDHP plans); a plain Decimal in
    `copays` is an ordinary copay."""

    amount: Decimal
    after_deductible: bool = True


@dataclass(frozen=True, slots=True)
class VisitItem:
    service: str
    units: int = 1
    benefit: str = "medical"  # or "pharmacy": a specialty pharmacy dispenses it (3.8)


@dataclass(frozen=True, slots=True)
class VisitChange:
    """From session `from_session` (1-based, >= 2) of a phase on, its sessions use `visit`
    (until the next change): a dose escalation such as 56 mg on day 1, then 84 mg (2)."""

    from_session: int
    visit: tuple[VisitItem, ...]


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    kind: str
    sessions: int
    interval_days: int | None = None
    per_week: int | None = None
    visit: tuple[VisitItem, ...] = ()
    sessions_min: int | None = None
    sessions_max: int | None = None
    starts_after_days: int = 0  # days after the previous phase's span (the first: start_date)
    visit_changes: tuple[VisitChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    code: str
    modality: str
    phases: tuple[Phase, ...]
    payer_kinds: tuple[str, ...] = ()  # the payer kinds it is billed for; () fits every payer


@dataclass(frozen=True, slots=True)
class PhaseOverride:
    sessions: int | None = None
    interval_days: int | None = None
    per_week: int | None = None
    starts_after_days: int | None = None
    # each replaces the plan's; a `visit` without `visit_changes` clears the plan's changes
    visit: tuple[VisitItem, ...] | None = None
    visit_changes: tuple[VisitChange, ...] | None = None


@dataclass(frozen=True, slots=True)
class Calendar:
    """The clinic's open weekdays (0 = Monday) and closed dates; default: every day open.

    `id`: the calendar row it came from (None: none stored), for data_versions.
    """

    open_weekdays: frozenset[int] = frozenset(range(7))
    closed_dates: frozenset[date] = frozenset()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    id: int
    service: str
    allowed: Decimal
    effective_from: date | None = None
    effective_to: date | None = None
    benefit: str = "medical"  # or "pharmacy": the allowed amount of a pharmacy fill (3.8)


@dataclass(frozen=True, slots=True)
class Policy:
    id: int
    modality: str | None = None
    service: str | None = None
    category: str | None = None
    covered: bool = True
    reason: str | None = None
    prior_authorization: bool = False
    diagnosis_codes: tuple[str, ...] = ()
    max_visits_per_year: int | None = None
    effective_from: date | None = None
    effective_to: date | None = None


@dataclass(frozen=True, slots=True)
class StandardBenefits:
    """What every member of a payer has from effective_from to effective_to (3.4), such as
    Original Medicare Part B; every amount optional (out_of_pocket_max None: no limit).

    A medicare_supplement payer's entries carry its plan's terms (3.7) instead: the
    supplement fields, and out_of_pocket_max as the supplement's yearly limit (Plan K).
    """

    id: int | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    deductible: Decimal | None = None
    coinsurance: Decimal | None = None
    coinsurance_by_category: Mapping[str, Decimal] = field(default_factory=dict)
    copays: Mapping[str, Decimal] = field(default_factory=dict)
    out_of_pocket_max: Decimal | None = None
    pays_part_b_deductible: bool | None = None
    coinsurance_share: Decimal | None = None
    office_visit_copay: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Payer:
    code: str
    kind: str
    default_allowed_percent: Decimal | None = None
    out_of_network_allowed_percent: Decimal | None = None
    rates: tuple[Rate, ...] = ()
    policies: tuple[Policy, ...] = ()
    standard_benefits: tuple[StandardBenefits, ...] = ()
    name: str = ""


@dataclass(frozen=True, slots=True)
class Amounts:
    """Family (embedded) deductible and out-of-pocket maximum."""

    deductible: Decimal | None = None
    deductible_met: Decimal = ZERO
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_met: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class PharmacyBenefits:
    """`benefits.pharmacy` (3.8): what the member pays per monthly fill of a drug dispensed
    by a specialty pharmacy. `deductible` None: no separate pharmacy deductible;
    `integrated_deductible`: fills use the medical deductible instead (HSA-qualified plans);
    `copay_per_fill` wins over `coinsurance` when both are given; `integrated_out_of_pocket`
    (default): the parts count toward, and are capped by, the medical OOP remaining, else
    toward the separate `out_of_pocket_max` (None: no limit)."""

    deductible: Decimal | None = None
    deductible_met: Decimal = ZERO
    integrated_deductible: bool = False
    copay_per_fill: Decimal | None = None
    coinsurance: Decimal | None = None
    coinsurance_max_per_fill: Decimal | None = None
    integrated_out_of_pocket: bool = True
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_met: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class YearAmounts:
    """`benefits.next_plan_year`: the amounts of every later plan year (3.4); None (or a
    category left out of a map) is not given: it comes from the payer's standard benefits
    in effect on that year's start, else from the first year."""

    deductible: Decimal | None = None
    out_of_pocket_max: Decimal | None = None
    coinsurance: Decimal | None = None
    coinsurance_by_category: Mapping[str, Decimal] = field(default_factory=dict)
    copays: Mapping[str, Decimal] = field(default_factory=dict)
    family: Amounts | None = None
    pharmacy: PharmacyBenefits | None = None  # replaces the whole first-year object (3.9)


@dataclass(frozen=True, slots=True)
class NetworkBenefits:
    """The member's out-of-network deductible, coinsurance and maximum."""

    deductible: Decimal | None = None
    deductible_met: Decimal = ZERO
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_met: Decimal = ZERO
    coinsurance: Decimal | None = None
    family: Amounts | None = None
    coinsurance_by_category: Mapping[str, Decimal] = field(default_factory=dict)
    next_plan_year: YearAmounts | None = None


@dataclass(frozen=True, slots=True)
class Benefits:
    plan_year_start: date | None = None
    deductible: Decimal | None = None
    deductible_met: Decimal = ZERO
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_met: Decimal = ZERO
    coinsurance: Decimal | None = None
    copays: Mapping[str, "Decimal | Copay"] = field(default_factory=dict)
    family: Amounts | None = None
    out_of_network: NetworkBenefits | None = None
    accumulator_program: bool = False
    visits_used: Mapping[int, int] = field(default_factory=dict)
    coinsurance_by_category: Mapping[str, Decimal] = field(default_factory=dict)
    next_plan_year: YearAmounts | None = None
    pharmacy: PharmacyBenefits | None = None  # None: fills cost the patient 0, with a warning


@dataclass(frozen=True, slots=True)
class SupplementBenefits:
    """A Medicare Supplement (Medigap) plan's terms (3.7), per calendar year; None: from the
    payer's standard benefits, else the default (False, 1, 0, no limit)."""

    pays_part_b_deductible: bool | None = None
    coinsurance_share: Decimal | None = None
    office_visit_copay: Decimal | None = None
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_met: Decimal = ZERO
    next_plan_year: "SupplementBenefits | None" = None


@dataclass(frozen=True, slots=True)
class MedicaidBenefits:
    """Medicaid after Medicare or another primary (3.7): the most the patient pays a visit."""

    copay_per_visit: Decimal | None = None


SECONDARY_METHODS = ("supplement", "medicaid", "standard", "non_duplication")


@dataclass(frozen=True, slots=True)
class Secondary:
    """`coverage.secondary` (3.7). `benefits`: SupplementBenefits for `supplement`,
    MedicaidBenefits for `medicaid`, Benefits (in-network shape) otherwise."""

    payer: Payer
    method: str
    benefits: "Benefits | SupplementBenefits | MedicaidBenefits"


@dataclass(frozen=True, slots=True)
class Program:
    code: str
    name: str
    services: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    payer_kinds: tuple[str, ...] = ()
    patient_pays_per_visit: Decimal = ZERO
    annual_max: Decimal | None = None
    paid_as: str = "point_of_sale"  # or "rebate": paid back to the patient after the claim
    excluded_states: tuple[str, ...] = ()  # two-letter states where it pays nothing


@dataclass(frozen=True, slots=True)
class Tier:
    max_percent_of_poverty: int
    percent_off: Decimal


@dataclass(frozen=True, slots=True)
class SlidingScale:
    code: str
    name: str
    poverty_base: Decimal
    poverty_per_additional_person: Decimal
    tiers: tuple[Tier, ...]


@dataclass(frozen=True, slots=True)
class PackagePrice:
    code: str
    name: str
    plan: str
    phase: str
    sessions: int
    price: Decimal


@dataclass(frozen=True, slots=True)
class SelfPay:
    household_income: Decimal | None = None
    household_size: int | None = None
    discounts: tuple[SlidingScale | PackagePrice, ...] = ()


@dataclass(frozen=True, slots=True)
class Insurance:
    payer: Payer
    network: str = "in"
    benefits: Benefits = field(default_factory=Benefits)
    diagnosis_codes: tuple[str, ...] = ()
    prior_authorization: str = "not_requested"
    prior_authorization_through: date | None = None
    programs: tuple[Program, ...] = ()
    programs_used: Mapping[str, Decimal] = field(default_factory=dict)
    available_programs: tuple[Program, ...] = ()  # every live program, for program_available
    secondary: Secondary | None = None
    # 3.2 step 7: True waives every reason a waiver can shift, or the reason codes signed for
    waiver_signed: bool | tuple[str, ...] = False
    qmb: bool = False  # a Qualified Medicare Beneficiary (primary kind medicare only)
    patient_state: str | None = None  # two-letter US state (not PHI): excluded_states, 3.6


@dataclass(frozen=True, slots=True)
class EstimateInput:
    plan: Plan
    services: Mapping[str, Service]
    start_date: date
    coverage: SelfPay | Insurance
    overrides: Mapping[str, PhaseOverride] = field(default_factory=dict)
    packages: tuple[PackagePrice, ...] = ()  # the live package prices (self_pay_total, 3.9)
    calendar: Calendar = field(default_factory=Calendar)
