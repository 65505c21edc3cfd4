"""Deductible and out-of-pocket accumulators, individual and embedded family (3.4)."""

from .inputs import Benefits, NetworkBenefits
from .money import UNLIMITED, ZERO, optional_cents


class Accumulators:
    """What the member still has to meet in the current plan year, for one network.

    Remaining = min(individual total - individual met, family total - family
    met). A missing total is unlimited, except a missing individual deductible,
    which is 0 unless a family deductible is given (then the family one alone
    applies). Every amount added to (or taken from) the individual met applies
    equally to the family met, so both remainders move by the same amount and
    only their minimum needs keeping: min(a - x, b - x) = min(a, b) - x.
    """

    __slots__ = ("deductible_left", "out_of_pocket_left", "new_year_deductible", "new_year_oop")

    def __init__(self, benefits: Benefits | NetworkBenefits):
        family = benefits.family
        family_deductible = None if family is None else family.deductible
        deductible = optional_cents(
            benefits.deductible, ZERO if family_deductible is None else UNLIMITED
        )
        family_deductible = optional_cents(family_deductible, UNLIMITED)
        out_of_pocket = optional_cents(benefits.out_of_pocket_max, UNLIMITED)
        family_out_of_pocket = optional_cents(
            None if family is None else family.out_of_pocket_max, UNLIMITED
        )
        self.new_year_deductible = min(deductible, family_deductible)
        self.new_year_oop = min(out_of_pocket, family_out_of_pocket)
        self.deductible_left = min(
            deductible - optional_cents(benefits.deductible_met, ZERO),
            family_deductible - optional_cents(family and family.deductible_met, ZERO),
        )
        self.out_of_pocket_left = min(
            out_of_pocket - optional_cents(benefits.out_of_pocket_met, ZERO),
            family_out_of_pocket - optional_cents(family and family.out_of_pocket_met, ZERO),
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

    def reset(self) -> None:
        """A new plan year: nothing met."""
        self.deductible_left = self.new_year_deductible
        self.out_of_pocket_left = self.new_year_oop
