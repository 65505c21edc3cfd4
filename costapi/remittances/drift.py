"""Rate drift: per payer and service, the median actual allowed per unit of the paid
remitted lines beside the contracted rate in effect on their dates (domain 7). A
difference over 1 % is a finding; nothing here (or anywhere) changes a rate."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

PER_UNIT = Decimal("0.0001")
PERCENT = Decimal("0.01")
THRESHOLD = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RateRow:
    """A current contracted rate row (allowed per unit) and its effective span."""

    id: int
    payer: str
    service: str
    allowed: Decimal
    effective_from: date
    effective_to: date | None


def in_effect(rates, day):
    """The rate row whose span holds `day` (None: no contracted rate then)."""
    for rate in rates:
        if rate.effective_from <= day and (rate.effective_to is None or day <= rate.effective_to):
            return rate
    return None


def per_unit(allowed: Decimal, units: Decimal | None) -> Decimal:
    """The allowed per unit (a line without units counts as one unit)."""
    return allowed / (units if units else 1)


def median_per_unit(values) -> Decimal:
    """The median (an even count: the mean of the middle two), rounded half up to 4 places."""
    return Decimal(median(values)).quantize(PER_UNIT, ROUND_HALF_UP)


def difference_percent(median_value: Decimal, contracted: Decimal) -> Decimal:
    return ((median_value - contracted) / contracted * 100).quantize(PERCENT, ROUND_HALF_UP)


def is_finding(median_value: Decimal, contracted: Decimal) -> bool:
    return abs(median_value - contracted) > contracted * THRESHOLD


def rate_drift(lines, claim_of, rates: list[RateRow]) -> list[dict]:
    """The findings: paid lines (not denied, allowed above 0) of primary claims with a known
    payer, grouped by payer, service and the rate row in effect on each line's date."""
    by_code = defaultdict(list)
    for rate in sorted(rates, key=lambda rate: rate.effective_from):
        by_code[(rate.payer, rate.service)].append(rate)
    groups = defaultdict(lambda: ([], set()))
    for line in lines:
        claim = claim_of[line.claim_id]
        if (line.role != "primary" or line.denied or line.allowed <= 0 or claim.payer is None
                or line.date is None):
            continue
        rate = in_effect(by_code.get((claim.payer, line.service), ()), line.date)
        if rate is None:
            continue
        values, remittances = groups[rate]
        values.append(per_unit(line.allowed, line.units))
        remittances.add(claim.remittance_id)
    findings = []
    for rate, (values, remittances) in groups.items():
        middle = median_per_unit(values)
        if not rate.allowed or not is_finding(middle, rate.allowed):
            continue
        findings.append({"payer": rate.payer, "service": rate.service, "rate_id": rate.id,
                         "effective_from": rate.effective_from,
                         "effective_to": rate.effective_to,
                         "contracted_per_unit": rate.allowed.quantize(PER_UNIT),
                         "median_per_unit": middle,
                         "difference_percent": difference_percent(middle, rate.allowed),
                         "lines": len(values), "remittances": sorted(remittances)})
    return sorted(findings, key=lambda item: (item["payer"], item["service"], item["rate_id"]))
