"""Secondary coverage (3.7): after the primary adjudicates a visit, a second payer pays part
of each covered line's primary patient share S = deductible + copay + coinsurance parts.

Each method is fixed once per estimate (`Supplement`, `Medicaid`, `Coordinated`); its
`start()` gives the state of one pass (its own accumulators and plan years), whose
`pay()` runs once per visit, before assistance programs.
"""

from datetime import date
from decimal import Decimal

from .accumulators import Accumulators
from .benefit_years import SUPPLEMENT_AMOUNTS, BenefitYears, YearClock
from .cost_sharing import YearCostSharing
from .coverage import candidate_policies, count_visit, first_in_effect, ranked_policies
from .errors import PricingError
from .inputs import Insurance, Secondary
from .lines import LineDraft
from .money import UNLIMITED, ZERO, cents, optional_cents
from .notices import Notices
from .terms import PHARMACY, LineTerms

SECONDARY_ONLY_KINDS = ("medicare_supplement",)  # never a primary: Medigap pays after Medicare
OFFICE_CATEGORIES = ("office_visit", "evaluation")  # where a Plan N copay is taken first
SECONDARY_KINDS = {
    "supplement": ("medicare_supplement",),
    "medicaid": ("medicaid",),
    "standard": ("commercial", "other"),
    "non_duplication": ("commercial", "other"),
}
FIT_MESSAGES = {
    "supplement": "A supplement needs Original Medicare (kind medicare) as the primary and a "
                  "Medicare Supplement payer (kind medicare_supplement) as the secondary.",
    "medicaid": "Method medicaid needs a secondary payer of kind medicaid.",
    "standard": "Coordination of benefits needs a secondary payer of kind commercial or other "
                "(Medicare as secondary payer is not modelled).",
}  # fmt: skip
FIT_MESSAGES["non_duplication"] = FIT_MESSAGES["standard"]


def share(line: LineDraft) -> Decimal:
    """S: the primary's patient share of a covered line."""
    return line.deductible + line.copay + line.coinsurance


def payer_name(secondary: Secondary) -> str:
    return secondary.payer.name or secondary.payer.code


def pay(line: LineDraft, amount: Decimal) -> None:
    line.patient_pays -= amount
    line.secondary_pays += amount


def secondary_terms(insurance: Insurance, modality: str, plan_year_start: date, start: date):
    """The estimate's secondary (fixed terms), or None; a PricingError when it cannot be
    priced (out of network, or a method that does not fit the payers)."""
    if insurance.payer.kind in SECONDARY_ONLY_KINDS:
        raise PricingError("coverage.payer", "A Medicare Supplement (Medigap) plan pays only "
                           "after Medicare: give Medicare as the payer and this plan as "
                           "coverage.secondary.")  # fmt: skip
    secondary = insurance.secondary
    if secondary is None:
        return None
    if insurance.network == "out":
        raise PricingError("coverage.secondary", "Secondary coverage is estimated in network only.")
    method = secondary.method
    fits = secondary.payer.kind in SECONDARY_KINDS.get(method, ())
    if method == "supplement" and insurance.payer.kind != "medicare":
        fits = False
    if not fits:
        raise PricingError("coverage.secondary.method", FIT_MESSAGES.get(method, "Unknown method."))
    if method == "supplement":
        return Supplement(secondary, start)
    if method == "medicaid":
        return Medicaid(secondary, insurance.qmb)
    return Coordinated(secondary, insurance, modality, plan_year_start, start)


class Supplement:
    """Medigap: per line D = deductible part, K = copay + coinsurance parts; the patient
    keeps the office-visit copay still owed (once per visit, office and evaluation lines
    first), D unless the plan pays the Part B deductible, and K's rest less the plan's
    coinsurance share; at most the yearly out-of-pocket limit's remaining. Calendar years."""

    def __init__(self, secondary: Secondary, start: date):
        self.code, self.name = secondary.payer.code, payer_name(secondary)
        self.benefits = secondary.benefits
        self.years = BenefitYears(secondary.benefits, secondary.payer.standard_benefits,
                                  date(start.year, 1, 1), start, amounts=SUPPLEMENT_AMOUNTS,
                                  maps=(), family=False)  # fmt: skip
        self.years.check_met("coverage.secondary.benefits")

    def start(self) -> "SupplementRun":
        return SupplementRun(self)


class SupplementRun:
    __slots__ = ("terms", "clock", "keeps_deductible", "share", "copay", "left")

    def __init__(self, terms: Supplement):
        self.terms = terms
        self.clock = YearClock(terms.years, terms.code, terms.name)

    def pay(self, day: date, lines: list[LineDraft], items: tuple[LineTerms, ...],
            notices: Notices) -> None:  # fmt: skip
        turned = self.clock.turn(day, notices)
        if turned is not None:
            year, first = turned
            self.keeps_deductible = not year.get("pays_part_b_deductible")
            plan_share = year.get("coinsurance_share")
            self.share = Decimal(1) if plan_share is None else Decimal(plan_share)
            self.copay = optional_cents(year.get("office_visit_copay"), ZERO)
            met = optional_cents(self.terms.benefits.out_of_pocket_met, ZERO) if first else ZERO
            self.left = optional_cents(year.get("out_of_pocket_max"), UNLIMITED) - met
        owed = self.copay
        # Medigap has no drug coverage: pharmacy lines get nothing, nor count for Plan N / K
        covered = [(line, item) for line, item in zip(lines, items, strict=True)
                   if line.covered and line.benefit != PHARMACY]  # fmt: skip
        covered.sort(key=lambda pair: pair[1].category not in OFFICE_CATEGORIES)  # stable
        for line, _item in covered:
            deductible, rest = line.deductible, line.copay + line.coinsurance
            keep = min(owed, rest)
            owed -= keep
            rest -= keep
            patient = (deductible if self.keeps_deductible else ZERO) + keep + rest
            patient -= cents(rest * self.share)
            patient = max(min(patient, self.left), ZERO)
            self.left -= patient
            paid = share(line) - patient
            if paid:
                pay(line, paid)


class Medicaid:
    """Medicaid after the primary: per visit the patient pays at most copay_per_visit of
    the covered lines' S (the first lines first); Medicaid pays the rest (a crossover)."""

    def __init__(self, secondary: Secondary, qmb: bool = False):
        self.code, self.name = secondary.payer.code, payer_name(secondary)
        # a QMB owes no Medicare cost sharing at all, not even a Medicaid copay (3.2 step 7)
        self.copay = ZERO if qmb else optional_cents(secondary.benefits.copay_per_visit, ZERO)

    def start(self) -> "Medicaid":
        return self  # nothing accumulates from visit to visit

    def pay(self, day, lines, items, notices) -> None:
        owed = self.copay
        for line in lines:
            if not line.covered:
                continue
            amount = share(line)
            keep = min(owed, amount)
            owed -= keep
            if amount - keep:
                pay(line, amount - keep)
                notices.tally("medicaid_crossover", None, amount - keep, day=day,
                              payer=self.code, detail=self.name)  # fmt: skip


class Coordinated:
    """A second plan under coordination of benefits (`standard` or `non_duplication`): its
    own policies decide whether it covers the line; its normal benefit N = allowed - the
    parts it would charge as primary (its own accumulators and plan years). `standard` pays
    min(N, S); `non_duplication` max(0, min(N - primary insurance_pays, S))."""

    def __init__(self, secondary: Secondary, insurance: Insurance, modality: str,
                 primary_plan_year_start: date, start: date):  # fmt: skip
        benefits = secondary.benefits
        self.code, self.name = secondary.payer.code, payer_name(secondary)
        self.benefits = benefits
        self.non_duplication = secondary.method == "non_duplication"
        self.modality = modality
        self.policies = ranked_policies(insurance, secondary.payer)
        self.candidates: dict[tuple[str, str], tuple] = {}
        self.years = BenefitYears(benefits, secondary.payer.standard_benefits,
                                  benefits.plan_year_start or primary_plan_year_start, start)
        self.years.check_met("coverage.secondary.benefits")
        self.visits_used = {pid: int(n) for pid, n in benefits.visits_used.items()}

    def policies_for(self, item: LineTerms) -> tuple:
        key = (item.code, item.category)
        found = self.candidates.get(key)
        if found is None:
            found = candidate_policies(self.policies, self.modality, item.code, item.category)
            self.candidates[key] = found
        return found

    def start(self) -> "CoordinatedRun":
        return CoordinatedRun(self)


class CoordinatedRun:
    __slots__ = ("terms", "clock", "year", "accumulators", "cost_sharing", "visit_counts")

    def __init__(self, terms: Coordinated):
        self.terms = terms
        self.clock = YearClock(terms.years, terms.code, terms.name)

    def pay(self, day, lines, items, notices) -> None:
        terms = self.terms
        turned = self.clock.turn(day, notices)
        if turned is not None:
            self.year, first = turned
            self.accumulators = Accumulators(self.year, terms.benefits if first else None)
            self.cost_sharing = YearCostSharing(self.year)
            self.visit_counts = dict(terms.visits_used) if first else {}
        accumulators, cost_sharing = self.accumulators, self.cost_sharing
        counted: set[int] = set()
        copay_owed: dict[str, Decimal] = {}
        for line, item in zip(lines, items, strict=True):
            policy = first_in_effect(terms.policies_for(item), day)
            refused = policy is not None and policy.refusal is not None
            if not line.covered:
                if not refused:
                    notices.tally("secondary_may_cover", None, item.cash, day=day,
                                  payer=terms.code, detail=terms.name)  # fmt: skip
                continue
            if refused or (policy is not None and policy.max_visits is not None
                           and count_visit(policy, self.visit_counts, counted)):
                continue  # fmt: skip
            allowed = line.allowed
            parts = cost_sharing.parts(allowed, item.category, copay_owed, accumulators)
            normal = allowed - sum(parts, ZERO)
            if terms.non_duplication:
                normal -= line.insurance_pays
            paid = max(min(normal, share(line)), ZERO)
            if paid:
                pay(line, paid)
