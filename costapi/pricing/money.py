"""Money: cents, half-up rounding and allocations that add up exactly."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
UNLIMITED = Decimal("Infinity")


def cents(amount: Decimal) -> Decimal:
    """Round an amount to cents, half up (domain.md section 3)."""
    return amount.quantize(CENT, ROUND_HALF_UP)


def decimal_text(amount: Decimal | None) -> str | None:
    """Two decimals, or more where a unit price or fraction needs them ("12.50", "0.125")."""
    if amount is None:
        return None
    amount = Decimal(amount)
    if amount == amount.quantize(CENT):
        return str(cents(amount))
    return f"{amount.normalize():f}"


def optional_cents(amount: Decimal | None, missing: Decimal) -> Decimal:
    """Cents of an optional input amount, or `missing` when it is absent."""
    return missing if amount is None else cents(Decimal(amount))


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Spread `total` (0 <= total <= sum of weights) over cent weights, proportionally.

    Each share but the last is round(total x weight / sum of weights), half up;
    the last takes the remainder, so the shares add up to `total` exactly. In
    the rare case where rounding drift would push the last share below 0 or
    above its weight, the drift moves to the shares before it, last first, so
    every share stays between 0 and its weight.
    """
    whole = sum(weights, ZERO)
    if not weights or whole <= 0 or total <= 0:
        return [ZERO] * len(weights)
    shares = [cents(total * weight / whole) for weight in weights[:-1]]
    shares.append(total - sum(shares, ZERO))
    for i in range(len(shares) - 1, 0, -1):
        drift = shares[i] - min(max(shares[i], ZERO), weights[i])
        if not drift:
            break
        shares[i] -= drift
        shares[i - 1] += drift
    return shares
