"""An 835 remittance advice (X12 005010X221A1) as the service reads it: plain frozen
records with Decimal money, whatever library parsed the file (costapi.x12.remittance_advice)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS adjustment: group PR (patient responsibility: reason 1 deductible, 2
    coinsurance, 3 copay), CO (contractual), OA, PI; reason = the CARC code."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One SVC loop (2110). `procedure`: the code without its qualifier (SVC01-2, e.g.
    "99214"); `allowed`: AMT*B6 when the payer sent it, else None."""

    procedure: str
    charge: Decimal
    paid: Decimal
    units: Decimal | None = None
    modifiers: tuple[str, ...] = ()
    service_date: date | None = None  # DTM*472 (else the claim's DTM*232)
    allowed: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    control_number: str | None = None  # REF*6R, the clinic's line item control number


@dataclass(frozen=True, slots=True)
class Claim:
    """One CLP loop (2100): CLP01 the clinic's patient control number, CLP02 status (1 or
    19 primary, 2 or 20 secondary, 22 reversal, 4 denied), CLP03 charge, CLP04 paid, CLP05
    patient responsibility, CLP07 the payer's claim control number."""

    patient_control_number: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None = None
    payer_claim_control_number: str | None = None
    member_id: str | None = None  # NM1*QC (patient) or NM1*IL (insured) with MI
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    lines: tuple[ServiceLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Remittance:
    """One interchange (ISA ... IEA) with its 835 transactions' claims, in file order.
    `sender`: ISA06 (trimmed); `interchange_control_number`: ISA13: together they
    identify a file sent again."""

    sender: str
    interchange_control_number: str
    payer_name: str | None = None  # N1*PR
    payer_identifier: str | None = None  # N1*PR N104, else TRN03
    payment_date: date | None = None  # BPR16
    total_paid: Decimal | None = None  # BPR02
    claims: tuple[Claim, ...] = ()


class X12Error(ValueError):
    """A file the reader rejects: the segment id and its 1-based position in the file
    (counting from ISA), and what is wrong; never any of the file's data values."""

    def __init__(self, segment: str | None, position: int | None, message: str):
        super().__init__(f"{segment or 'file'} at segment {position}: {message}"
                         if position else f"{segment or 'file'}: {message}")
        self.segment = segment
        self.position = position
        self.message = message
