"""A remitted line's actual figures and an estimate line's estimated ones (domain 7)."""
from dataclasses import dataclass
from decimal import Decimal

from costapi.pricing.money import ZERO, cents
from costapi.x12.remittance import Adjustment, ServiceLine

PATIENT = "PR"
CONTRACTUAL = "CO"
SEQUESTRATION = "253"
# CO reasons that price a line rather than deny it: the write-off above the allowed (45),
# sequestration (253), a prior payer's adjudication (23), multiple-procedure rules (59),
# processed in excess of charges (94), a negotiated discount (131), an incentive (144).
PRICING_REASONS = frozenset({"45", "253", "23", "59", "94", "131", "144"})
ROLES = {"1": "primary", "19": "primary", "4": "primary", "2": "secondary",
         "20": "secondary", "22": "reversal"}


def role_of(status):
    """CLP02 -> primary (1, 19; 4 denied), secondary (2, 20), reversal (22) or other."""
    return ROLES.get(status, "other")


def actual_allowed(line: ServiceLine) -> Decimal:
    """AMT*B6 when the payer sent it, else SVC03 paid + PR + CO-253."""
    if line.allowed is not None:
        return cents(line.allowed)
    added = sum((item.amount for item in line.adjustments
                 if item.group == PATIENT
                 or (item.group == CONTRACTUAL and item.reason == SEQUESTRATION)), ZERO)
    return cents(line.paid + added)


def actual_patient_share(line: ServiceLine) -> Decimal:
    """The sum of the line's PR adjustments."""
    return cents(sum((item.amount for item in line.adjustments if item.group == PATIENT),
                     ZERO))


def denial_reasons(adjustments: tuple[Adjustment, ...]) -> tuple[str, ...]:
    """The CO reasons among `adjustments` that deny rather than price (e.g. 197, 50)."""
    return tuple(dict.fromkeys(
        item.reason for item in adjustments
        if item.group == CONTRACTUAL and item.reason not in PRICING_REASONS and item.amount))


def denied(line: ServiceLine) -> bool:
    """Paid 0 with a CO denial reason."""
    return line.paid == 0 and bool(denial_reasons(line.adjustments))


def reason_codes(adjustments) -> list[str]:
    """"GROUP-REASON" of each adjustment, in order, once each ("CO-45", "PR-1")."""
    return list(dict.fromkeys(f"{item.group}-{item.reason}" for item in adjustments))


@dataclass(frozen=True, slots=True)
class Estimated:
    patient_share: Decimal
    allowed: Decimal
    insurance_pays: Decimal
    covered: bool


def _amount(line, key):
    return Decimal(line.get(key) or "0")


def estimated(line: dict, role: str) -> Estimated:
    """An estimate line's figures a claim of `role` is compared with.

    Primary: patient share = deductible + copay + coinsurance of a covered line, else
    not_covered; insurance_pays as estimated. Secondary: insurance_pays = secondary_pays
    and the patient share what is left to the patient after it (patient_pays).
    """
    covered = bool(line.get("covered"))
    if role == "secondary":
        share = _amount(line, "patient_pays")
        paid = _amount(line, "secondary_pays")
    else:
        share = (_amount(line, "deductible") + _amount(line, "copay")
                 + _amount(line, "coinsurance")) if covered else _amount(line, "not_covered")
        paid = _amount(line, "insurance_pays")
    return Estimated(cents(share), cents(_amount(line, "allowed")), cents(paid), covered)
