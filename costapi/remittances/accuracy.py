"""How accurate the estimates were: claims, lines, reasons, unforeseen denials (domain 7).

Input: plain rows of stored claims and lines (cancelled claims and reversals left out by
the caller); output: the report as a dict of counts, Decimals and lists.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from costapi.pricing.money import ZERO, cents
from costapi.remittances.drift import RateRow, rate_drift
from costapi.remittances.figures import Estimated, denial_reasons
from costapi.x12.remittance import Adjustment

TOLERANCE = Decimal("25.00")
TOLERANCE_SHARE = Decimal("0.10")
SHARE = Decimal("0.0001")

__all__ = ["ClaimRow", "LineRow", "RateRow", "accurate", "report"]


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: int
    remittance_id: str
    claim_number: str | None  # CLP07
    payer: str | None
    matched: bool  # to an estimate


@dataclass(frozen=True, slots=True)
class LineRow:
    claim_id: int
    role: str  # primary or secondary
    service: str
    date: date | None
    units: Decimal | None
    paid: Decimal
    allowed: Decimal  # actual
    patient_share: Decimal  # actual
    denied: bool
    adjustments: tuple[Adjustment, ...]
    estimated: Estimated | None  # None: not matched to an estimate line
    policy_id: int | None = None

    @property
    def difference(self):
        return self.patient_share - self.estimated.patient_share

    def differs(self):
        estimate = self.estimated
        return (self.patient_share != estimate.patient_share or self.allowed != estimate.allowed
                or self.paid != estimate.insurance_pays)


def accurate(estimated: Decimal, actual: Decimal) -> bool:
    """Within $25 or 10 % of the estimate, whichever is larger (both ends included)."""
    return abs(actual - estimated) <= max(TOLERANCE, estimated * TOLERANCE_SHARE)


def _share(part, whole):
    return (Decimal(part) / whole).quantize(SHARE, ROUND_HALF_UP) if whole else None


def _mean_absolute(lines):
    matched = [line for line in lines if line.estimated is not None]
    if not matched:
        return None
    return cents(sum((abs(line.difference) for line in matched), ZERO) / len(matched))


def _line_counts(lines):
    matched = sum(1 for line in lines if line.estimated is not None)
    return {"matched": matched, "unmatched": len(lines) - matched}


def _claim_counts(claims, lines_of):
    matched = [claim for claim in claims if claim.matched]
    evaluated = accurate_count = 0
    for claim in matched:
        lines = [line for line in lines_of.get(claim.id, ()) if line.estimated is not None]
        if not lines:
            continue
        evaluated += 1
        estimated = sum((line.estimated.patient_share for line in lines), ZERO)
        actual = sum((line.patient_share for line in lines), ZERO)
        accurate_count += accurate(estimated, actual)
    return {"matched": len(matched), "unmatched": len(claims) - len(matched),
            "evaluated": evaluated, "accurate": accurate_count,
            "accurate_share": _share(accurate_count, evaluated)}


def _figures(claims, lines, lines_of):
    return {"claims": _claim_counts(claims, lines_of), "lines": _line_counts(lines),
            "mean_absolute_difference": _mean_absolute(lines)}


def _by_payer(claims, lines_of):
    grouped = defaultdict(list)
    for claim in claims:
        grouped[claim.payer].append(claim)
    out = []
    for payer in sorted(grouped, key=lambda code: (code is None, code or "")):
        members = grouped[payer]
        lines = [line for claim in members for line in lines_of.get(claim.id, ())]
        out.append({"payer": payer, **_figures(members, lines, lines_of)})
    return out


def _by_service(lines):
    grouped = defaultdict(list)
    for line in lines:
        grouped[line.service].append(line)
    out = []
    for service in sorted(grouped):
        members = grouped[service]
        matched = [line for line in members if line.estimated is not None]
        out.append({"service": service, "lines": _line_counts(members),
                    "mean_absolute_difference": _mean_absolute(members),
                    "estimated_patient_share": sum((line.estimated.patient_share
                                                    for line in matched), ZERO),
                    "actual_patient_share": sum((line.patient_share for line in matched), ZERO)})
    return out


def _reasons(lines):
    """The CAS reasons on matched lines whose figures differ from the estimate."""
    totals = defaultdict(lambda: [0, ZERO])
    for line in lines:
        if line.estimated is None or not line.differs():
            continue
        for code in dict.fromkeys((item.group, item.reason) for item in line.adjustments):
            totals[code][0] += 1
        for item in line.adjustments:
            totals[(item.group, item.reason)][1] += item.amount
    ranked = sorted(totals.items(), key=lambda item: (-item[1][1], -item[1][0], item[0]))
    return [{"group": group, "reason": reason, "code": f"{group}-{reason}", "lines": count,
             "amount": cents(amount)} for (group, reason), (count, amount) in ranked]


def _unforeseen_denials(lines, claim_of):
    """Lines the estimate said covered that the payer paid 0 with a CO denial reason."""
    grouped = {}
    for line in lines:
        estimate = line.estimated
        if estimate is None or line.role != "primary" or not estimate.covered or line.paid:
            continue
        reasons = denial_reasons(line.adjustments)
        if not reasons:
            continue
        claim = claim_of[line.claim_id]
        key = (claim.payer, line.service, line.policy_id)
        entry = grouped.setdefault(key, {"lines": 0, "reasons": defaultdict(int),
                                         "estimated_insurance_pays": ZERO,
                                         "remittances": set(), "claims": set()})
        entry["lines"] += 1
        entry["estimated_insurance_pays"] += estimate.insurance_pays
        for reason in reasons:
            entry["reasons"][reason] += 1
        entry["remittances"].add(claim.remittance_id)
        if claim.claim_number:
            entry["claims"].add(claim.claim_number)
    return [{"payer": payer, "service": service, "policy_id": policy_id,
             "lines": entry["lines"],
             "reasons": [{"group": "CO", "reason": reason, "code": f"CO-{reason}",
                          "lines": count} for reason, count in sorted(
                              entry["reasons"].items(), key=lambda item: (-item[1], item[0]))],
             "estimated_insurance_pays": entry["estimated_insurance_pays"],
             "remittances": sorted(entry["remittances"]),
             "claim_numbers": sorted(entry["claims"])}
            for (payer, service, policy_id), entry in sorted(
                grouped.items(), key=lambda item: (-item[1]["lines"], str(item[0])))]


def report(claims: list[ClaimRow], lines: list[LineRow], rates: list[RateRow]) -> dict:
    """The accuracy report over these claims and their lines."""
    lines_of = defaultdict(list)
    for line in lines:
        lines_of[line.claim_id].append(line)
    claim_of = {claim.id: claim for claim in claims}
    return {**_figures(claims, lines, lines_of),
            "by_payer": _by_payer(claims, lines_of),
            "by_service": _by_service(lines),
            "reasons": _reasons(lines),
            "unforeseen_denials": _unforeseen_denials(lines, claim_of),
            "rate_drift": rate_drift(lines, claim_of, rates)}
