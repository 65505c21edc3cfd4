"""Deductible and out-of-pocket accumulators, individual and embedded family (3.4)."""

from .benefit_years import YearTerms
from .inputs import Amounts
from .money import UNLIMITED, ZERO, optional_cents

NOTHING_MET = Amounts()


class Accumulators:
    """What the member still has to meet in the current plan year, for one network.

    Remaining = min(individual total - individual met, family total - family
    met). A missing total is unlimited, except a missing individual deductible,
    which is 0 unless a family deductible is given (then the family one alone
    applies). Every amount added to (or taken from) the individual met applies
    equally to the family met, so both remainders move by the same amount and
    only their minimum needs keeping: min(a - x, b - x) = min(a, b) - x.
    """

    __slots__ = ("deductible_left", "out_of_pocket_left")

    def __init__(self, year: YearTerms, met=None):
        """`met`: the member's met amounts on the start date (Benefits or NetworkBenefits:
        deductible_met, out_of_pocket_met, family); None: a new plan year, nothing met."""
        family = year.family
        family_deductible = None if family is None else family.deductible
        deductible = optional_cents(
            year.get("deductible"), ZERO if family_deductible is None else UNLIMITED
        )
        family_deductible = optional_cents(family_deductible, UNLIMITED)
        out_of_pocket = optional_cents(year.get("out_of_pocket_max"), UNLIMITED)
        family_out_of_pocket = optional_cents(
            None if family is None else family.out_of_pocket_max, UNLIMITED
        )
        family_met = (met and met.family) or NOTHING_MET
        self.deductible_left = min(
            deductible - optional_cents(met and met.deductible_met, ZERO),
            family_deductible - optional_cents(family_met.deductible_met, ZERO),
        )
        self.out_of_pocket_left = min(
            out_of_pocket - optional_cents(met and met.out_of_pocket_met, ZERO),
            family_out_of_pocket - optional_cents(family_met.out_of_pocket_met, ZERO),
        )

    def deductible_remaining(self):
        left = self.deductible_left
        return left if left > 0 else ZERO

    def out_of_pocket_remaining(self):
        left = self.out_of_pocket_left
        return left if left > 0 else ZERO

    def add(self, deductible, out_of_pocket) -> None:
        """Amounts the member paid toward the deductible and the OOP maximum."""
        self.deductible_left -= deductible
        self.out_of_pocket_left -= out_of_pocket
