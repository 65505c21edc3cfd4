"""The pharmacy benefit (3.8): a drug a specialty pharmacy dispenses, priced per monthly fill.

One calendar month's covered pharmacy lines within one plan year form one fill, adjudicated
on the date of its first line, before that visit's medical lines. The fill's parts are
spread over its lines as a package discount is (money.allocate).
"""

from decimal import Decimal

from .accumulators import Accumulators
from .inputs import PharmacyBenefits
from .money import UNLIMITED, ZERO, allocate, cents, optional_cents


class PharmacyYear:
    """One plan year's pharmacy terms and the accumulators of its own (a separate pharmacy
    deductible, a separate out-of-pocket limit); integrated amounts live in the medical
    Accumulators passed to parts() and add()."""

    __slots__ = ("benefits", "deductible_left", "out_of_pocket_left", "separate_deductible")

    def __init__(self, benefits: PharmacyBenefits | None, first: bool):
        """`first`: the member's met amounts apply (the first plan year); else met 0."""
        self.benefits = benefits
        self.separate_deductible = (
            benefits is not None
            and benefits.deductible is not None
            and not benefits.integrated_deductible
        )
        self.deductible_left = self.out_of_pocket_left = ZERO
        if benefits is None:
            return
        if self.separate_deductible:
            met = optional_cents(benefits.deductible_met, ZERO) if first else ZERO
            self.deductible_left = cents(Decimal(benefits.deductible)) - met
        if not benefits.integrated_out_of_pocket:
            met = optional_cents(benefits.out_of_pocket_met, ZERO) if first else ZERO
            self.out_of_pocket_left = optional_cents(benefits.out_of_pocket_max, UNLIMITED) - met

    def deductible_remaining(self) -> Decimal | None:
        """The separate pharmacy deductible still to meet (None: there is none)."""
        if not self.separate_deductible:
            return None
        return max(self.deductible_left, ZERO)

    def parts(self, allowed: Decimal, medical: Accumulators) -> tuple[Decimal, Decimal, Decimal]:
        """(deductible, copay, coinsurance) of a fill of `allowed` (3.8):
        deductible = min(allowed, deductible remaining, OOP remaining); on the rest, copay =
        min(copay_per_fill, rest, OOP left) when a copay is given, else coinsurance =
        min(round(rest x coinsurance), coinsurance_max_per_fill, OOP left). The deductible
        and OOP are the medical ones when integrated, else the pharmacy benefit's own."""
        benefits = self.benefits
        if benefits is None:
            return ZERO, ZERO, ZERO
        if benefits.integrated_deductible:
            deductible_left = medical.deductible_remaining()
        else:
            deductible_left = max(self.deductible_left, ZERO)
        if benefits.integrated_out_of_pocket:
            out_of_pocket = medical.out_of_pocket_remaining()
        else:
            out_of_pocket = max(self.out_of_pocket_left, ZERO)
        deductible = min(allowed, deductible_left, out_of_pocket)
        rest, room = allowed - deductible, out_of_pocket - deductible
        copay = coinsurance = ZERO
        if benefits.copay_per_fill is not None:
            copay = min(cents(Decimal(benefits.copay_per_fill)), rest, room)
        else:
            rate = Decimal(benefits.coinsurance or 0)
            most = optional_cents(benefits.coinsurance_max_per_fill, UNLIMITED)
            coinsurance = min(cents(rest * rate), most, room)
        self.add(deductible, deductible + copay + coinsurance, medical)
        return deductible, copay, coinsurance

    def add(self, deductible: Decimal, out_of_pocket: Decimal, medical: Accumulators) -> None:
        """Amounts toward the deductible and the OOP maximum (negative: taken back by a copay
        accumulator), in the medical accumulators where they are integrated."""
        benefits = self.benefits
        if benefits.integrated_deductible:
            medical.deductible_left -= deductible
        else:
            self.deductible_left -= deductible
        if benefits.integrated_out_of_pocket:
            medical.out_of_pocket_left -= out_of_pocket
        else:
            self.out_of_pocket_left -= out_of_pocket


def spread(parts: tuple[Decimal, Decimal, Decimal], allowed: list[Decimal]):
    """Each fill line's (patient share, deductible, copay, coinsurance): the patient's total
    over the lines' allowed amounts, then each part over what is left of the shares, so each
    line's parts add up to its share, its share is at most its allowed, and every part adds
    up exactly over the lines."""
    deductible, copay, coinsurance = parts
    shares = allocate(deductible + copay + coinsurance, allowed)
    deductibles = allocate(deductible, shares)
    left = [share - part for share, part in zip(shares, deductibles, strict=True)]
    copays = allocate(copay, left)
    return [
        (share, d, c, share - d - c)
        for share, d, c in zip(shares, deductibles, copays, strict=True)
    ]
