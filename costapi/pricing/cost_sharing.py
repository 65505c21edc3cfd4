"""The patient's parts of a covered line's allowed amount (3.4; 3.5 without copays)."""

from decimal import Decimal

from .accumulators import Accumulators
from .inputs import Copay
from .money import ZERO, cents


def copay_part(allowed: Decimal, still_owed: Decimal, accumulators: Accumulators) -> Decimal:
    """A copay line pays min(copay still owed, allowed, OOP remaining); no deductible,
    no coinsurance. The copay counts toward the OOP maximum only."""
    part = min(still_owed, allowed, accumulators.out_of_pocket_remaining())
    accumulators.out_of_pocket_left -= part
    return part


def deductible_and_coinsurance(
    allowed: Decimal, coinsurance: Decimal, accumulators: Accumulators
) -> tuple[Decimal, Decimal]:
    """deductible = min(allowed, deductible remaining, OOP remaining);
    coinsurance = min(round((allowed - deductible) x coinsurance), OOP remaining after it).
    Both count toward the OOP maximum, the deductible part toward the deductible."""
    out_of_pocket = accumulators.out_of_pocket_left
    if out_of_pocket <= 0:
        return ZERO, ZERO
    deductible = min(allowed, accumulators.deductible_remaining(), out_of_pocket)
    share = min(cents((allowed - deductible) * coinsurance), out_of_pocket - deductible)
    accumulators.deductible_left -= deductible
    accumulators.out_of_pocket_left = out_of_pocket - deductible - share
    return deductible, share


def copay_terms(value) -> tuple[Decimal, bool]:
    """A `copays` entry as (amount in cents, owed only after the deductible)."""
    if isinstance(value, Copay):
        return cents(Decimal(value.amount)), value.after_deductible
    return cents(Decimal(value)), False


def copay_after_deductible(
    allowed: Decimal, still_owed: Decimal, accumulators: Accumulators
) -> tuple[Decimal, Decimal]:
    """A copay owed after the deductible (3.4): deductible = min(allowed, deductible
    remaining, OOP remaining); then, only once the deductible remaining is 0, copay =
    min(copay still owed, allowed - deductible, OOP remaining after it); no coinsurance."""
    out_of_pocket = accumulators.out_of_pocket_left
    if out_of_pocket <= 0:
        return ZERO, ZERO
    deductible = min(allowed, accumulators.deductible_remaining(), out_of_pocket)
    accumulators.deductible_left -= deductible
    out_of_pocket -= deductible
    copay = ZERO
    if accumulators.deductible_remaining() == 0:
        copay = min(still_owed, allowed - deductible, out_of_pocket)
        out_of_pocket -= copay
    accumulators.out_of_pocket_left = out_of_pocket
    return deductible, copay


def copay_line_parts(
    allowed: Decimal, terms: tuple[Decimal, bool], still_owed: Decimal, accumulators
) -> tuple[Decimal, Decimal]:
    """(deductible part, copay part) of a line of a copay category."""
    if terms[1]:
        return copay_after_deductible(allowed, still_owed, accumulators)
    return ZERO, copay_part(allowed, still_owed, accumulators)


class YearCostSharing:
    """One plan year's copays and coinsurance rates (3.4), converted once, and the patient's
    parts of a covered line under them. Used by the primary and by a second plan under
    coordination of benefits (3.7), each with its own accumulators."""

    __slots__ = ("copays", "rates", "coinsurance")

    def __init__(self, year):
        maps = year.maps
        self.copays = {category: copay_terms(value)
                       for category, value in maps.get("copays", {}).items()}  # fmt: skip
        self.rates = {category: Decimal(rate)
                      for category, rate in maps["coinsurance_by_category"].items()}  # fmt: skip
        self.coinsurance = Decimal(year.get("coinsurance") or 0)

    def parts(
        self, allowed: Decimal, category: str, copay_owed: dict, accumulators: Accumulators
    ) -> tuple[Decimal, Decimal, Decimal]:
        """(deductible, copay, coinsurance) of a covered line. A category with a copay is a
        copay line (owed once per visit and category: `copay_owed` keeps what is left);
        any other line pays the deductible and the category's coinsurance (else the plan's)."""
        copay = self.copays.get(category)
        if copay is None:
            rate = self.rates.get(category, self.coinsurance)
            deductible, coinsurance = deductible_and_coinsurance(allowed, rate, accumulators)
            return deductible, ZERO, coinsurance
        owed = copay_owed.get(category, copay[0])
        deductible, paid = copay_line_parts(allowed, copay, owed, accumulators)
        copay_owed[category] = owed - paid
        return deductible, paid, ZERO
