"""The amounts of each plan year (3.4 "Benefits of each plan year"; 3.7 for a secondary).

First plan year (the one holding the start date): each amount is the request's (or the
eligibility check's, already merged into it), else the payer's standard entry in effect on
that year's start, else missing. A later year: each amount from `next_plan_year`, else from
the standard entry in effect on that year's start when there is one (an amount the entry
leaves out is missing there), else the first year's, carried over: a carried amount that
the request gave is reported (`next_year_benefits_assumed`). Maps (copays, coinsurance by
category) resolve per category the same way; family amounts come from `next_plan_year`
or are carried (standard entries have none).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .errors import PricingError
from .inputs import Amounts, StandardBenefits
from .money import cents
from .plan_years import anniversary, plan_year_of

NETWORK_AMOUNTS = ("deductible", "out_of_pocket_max", "coinsurance")
NETWORK_MAPS = ("coinsurance_by_category", "copays")
SUPPLEMENT_AMOUNTS = (
    "pays_part_b_deductible", "coinsurance_share", "office_visit_copay", "out_of_pocket_max",
)  # fmt: skip
MET_OF = {"deductible_met": "deductible", "out_of_pocket_met": "out_of_pocket_max"}


@dataclass(frozen=True, slots=True)
class YearTerms:
    """One plan year's resolved amounts (None: missing) and what was carried into it."""

    start: date
    amounts: dict
    maps: dict = field(default_factory=dict)
    family: Amounts | None = None
    carried: tuple[str, ...] = ()  # amounts the request gave, carried from the first year

    def get(self, name):
        return self.amounts.get(name)


def standard_entry(entries: tuple[StandardBenefits, ...], day: date) -> StandardBenefits | None:
    """The payer's standard benefits entry in effect on `day` (entries never overlap)."""
    for entry in entries:
        if (entry.effective_from or date.min) <= day <= (entry.effective_to or date.max):
            return entry
    return None


class BenefitYears:
    """Each plan year's terms of one payer for one member, resolved once per year index.

    `benefits`: the member's typed benefits (Benefits, NetworkBenefits or
    SupplementBenefits: None where not given); `entries`: the payer's standard benefits
    (none out of network); `amounts` / `maps`: the field names that resolve by year.
    """

    __slots__ = ("benefits", "entries", "plan_year_start", "first_index", "names", "maps",
                 "family", "_years")  # fmt: skip

    def __init__(self, benefits, entries, plan_year_start: date, start_date: date,
                 amounts=NETWORK_AMOUNTS, maps=NETWORK_MAPS, family=True):  # fmt: skip
        self.benefits = benefits
        self.entries = entries
        self.plan_year_start = plan_year_start
        self.first_index = plan_year_of(plan_year_start, start_date)
        self.names = amounts
        self.maps = maps
        self.family = family
        self._years: dict[int, YearTerms] = {}

    def year(self, index: int) -> YearTerms:
        terms = self._years.get(index)
        if terms is None:
            first = index <= self.first_index
            terms = self._first() if first else self._later(index)
            self._years[index] = terms
        return terms

    def _given(self, name):
        return getattr(self.benefits, name, None)

    def _first(self) -> YearTerms:
        start = anniversary(self.plan_year_start, self.first_index)
        entry = standard_entry(self.entries, start)
        amounts = {}
        for name in self.names:
            value = self._given(name)
            if value is None and entry is not None:
                value = getattr(entry, name)
            amounts[name] = value
        maps = {name: {**(getattr(entry, name) if entry else {}), **(self._given(name) or {})}
                for name in self.maps}  # fmt: skip
        amounts["pharmacy"] = self._given("pharmacy")  # 3.8: never in a standard entry
        return YearTerms(start, amounts, maps, self._given("family") if self.family else None)

    def _later(self, index: int) -> YearTerms:
        start = anniversary(self.plan_year_start, index)
        entry = standard_entry(self.entries, start)
        following = self._given("next_plan_year")
        first = self.year(self.first_index)
        family = getattr(following, "family", None) if self.family else None
        # a family amount without an individual one: the family amount alone applies
        alone = {name for name in ("deductible", "out_of_pocket_max") if family is not None
                 and getattr(family, name) is not None and getattr(following, name) is None}
        carried = []
        amounts = {}
        for name in self.names:
            value = getattr(following, name, None)
            if value is None and name not in alone:
                if entry is not None:
                    value = getattr(entry, name)
                else:
                    value = first.get(name)
                    if self._given(name) is not None:
                        carried.append(name)
            amounts[name] = value
        # next_plan_year.pharmacy replaces the whole first-year object, else it is carried
        amounts["pharmacy"] = getattr(following, "pharmacy", None)
        if amounts["pharmacy"] is None:
            amounts["pharmacy"] = first.get("pharmacy")
            if amounts["pharmacy"] is not None:
                carried.append("pharmacy")
        maps = {}
        for name in self.maps:
            given = getattr(following, name, None) or {}
            if entry is not None:
                merged = {**getattr(entry, name), **given}
            else:
                typed = self._given(name) or {}
                carried.extend(f"{name}.{key}" for key in sorted(typed) if key not in given)
                merged = {**first.maps[name], **given}
            maps[name] = merged
        if self.family and family is None:
            family = first.family
            if family is not None and (family.deductible is not None
                                       or family.out_of_pocket_max is not None):
                carried.append("family")  # an empty family object carries no amount
        return YearTerms(start, amounts, maps, family, tuple(carried))

    def check_met(self, path: str) -> None:
        """A met amount above its resolved first-year total is the client's to fix (422)."""
        first = self.year(self.first_index)
        for met, total in MET_OF.items():
            value, limit = getattr(self.benefits, met, None), first.get(total)
            if value is not None and limit is not None and value > cents(Decimal(limit)):
                raise PricingError(f"{path}.{met}", f"{met} may not exceed {total} ({limit}).")


class YearClock:
    """Which plan year of one payer a pass is in. `turn(day)` is None while the day is in
    the current year; else the new year's terms and whether the member's met amounts
    apply (the first plan year, entered first). Entering any later year warns
    `plan_year_reset` (and `next_year_benefits_assumed` when amounts were carried), with
    `payer` naming a secondary (None: the primary) and `name` for its wording."""

    __slots__ = ("years", "payer", "name", "index", "next_start")

    def __init__(self, years: BenefitYears, payer: str | None = None, name: str | None = None):
        self.years = years
        self.payer = payer
        self.name = name
        self.index = None
        self.next_start = None

    def turn(self, day: date, notices) -> tuple[YearTerms, bool] | None:
        if self.index is not None and day < self.next_start:
            return None
        years = self.years
        index = plan_year_of(years.plan_year_start, day)
        first = self.index is None and index == years.first_index
        self.index = index
        self.next_start = anniversary(years.plan_year_start, index + 1)
        terms = years.year(index)
        if not first:
            start, payer = terms.start, self.payer
            notices.add("plan_year_reset", (payer, start), day=start, payer=payer,
                        detail=self.name)  # fmt: skip
            if terms.carried:
                notices.add("next_year_benefits_assumed", (payer, start), day=start,
                            detail=(self.name, terms.carried), payer=payer)  # fmt: skip
        return terms, first
