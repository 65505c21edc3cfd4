"""What an estimate reports (api.md "Estimates" response); money in cents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Line:
    service: str
    description: str
    units: int
    charge: Decimal
    cash: Decimal  # cash price x units
    allowed: Decimal
    allowed_basis: str | None  # 3.3; None: not covered or self-pay
    insurance_pays: Decimal
    secondary_pays: Decimal
    assistance_pays: Decimal
    discount: Decimal
    patient_pays: Decimal
    deductible: Decimal
    copay: Decimal
    coinsurance: Decimal
    not_covered: Decimal
    clinic_write_off: Decimal  # what the clinic may not bill the patient (3.2 step 7)
    expected_reimbursement: Decimal
    expected_rebate: Decimal  # a rebate program pays the patient back after the claim (3.6)
    covered: bool
    reason: str | None
    reason_detail: str | None
    liability: str | None  # patient | clinic on a line that is not covered, else None
    prior_authorization: str | None  # the status that applied to the visit; None: not needed
    policy_id: int | None
    rate_id: int | None
    benefit: str = "medical"  # or "pharmacy": dispensed by a specialty pharmacy (3.8)

    @property
    def net_patient_cost(self) -> Decimal:
        return self.patient_pays - self.expected_reimbursement - self.expected_rebate


LINE_AMOUNTS = (
    "charge", "allowed", "insurance_pays", "secondary_pays", "assistance_pays", "discount",
    "patient_pays", "deductible", "copay", "coinsurance", "not_covered", "clinic_write_off",
    "expected_reimbursement", "expected_rebate",
)  # fmt: skip
"""A Line's money fields, which the roll-ups add up (Totals calls the sum of charge charges)."""


class Balances(NamedTuple):  # a tuple: built once per visit, cheaper than a frozen dataclass
    """The primary's running figures after a visit, in the network used (section 4): the
    effective remaining (the smaller of individual and family); None: no limit.
    `programs_remaining`: (code, what the program can still pay this calendar year; None: no
    yearly maximum) for every requested program."""

    deductible_remaining: Decimal | None
    out_of_pocket_remaining: Decimal | None
    programs_remaining: tuple[tuple[str, Decimal | None], ...] = ()
    pharmacy_deductible_remaining: Decimal | None = None  # only with a separate one (3.8)


@dataclass(frozen=True, slots=True)
class Visit:
    date: date
    phase: str
    patient_pays: Decimal
    secondary_pays: Decimal
    clinic_write_off: Decimal
    expected_rebate: Decimal
    net_patient_cost: Decimal
    lines: tuple[Line, ...]
    balances: Balances | None = None  # None: self-pay, or no cost sharing (out of network)


@dataclass(frozen=True, slots=True)
class PhaseSummary:
    name: str
    kind: str
    sessions: int
    first_date: date | None
    last_date: date | None
    patient_pays: Decimal
    insurance_pays: Decimal
    secondary_pays: Decimal
    clinic_write_off: Decimal
    expected_rebate: Decimal
    net_patient_cost: Decimal


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """`by_kind`: (phase kind, patient_pays of the month's visits of that kind) for each kind
    with a visit in the estimate, in plan order, 0.00 where the month has none."""

    month: str
    visits: int
    patient_pays: Decimal
    secondary_pays: Decimal
    clinic_write_off: Decimal
    expected_rebate: Decimal
    net_patient_cost: Decimal
    by_kind: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class PlanYearSummary:
    start: date
    end: date
    visits: int
    patient_pays: Decimal
    insurance_pays: Decimal
    secondary_pays: Decimal
    clinic_write_off: Decimal
    expected_rebate: Decimal
    deductible: Decimal
    copay: Decimal
    coinsurance: Decimal
    net_patient_cost: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    charges: Decimal
    allowed: Decimal
    insurance_pays: Decimal
    secondary_pays: Decimal
    assistance_pays: Decimal
    discount: Decimal
    patient_pays: Decimal
    deductible: Decimal
    copay: Decimal
    coinsurance: Decimal
    not_covered: Decimal
    clinic_write_off: Decimal
    expected_reimbursement: Decimal
    expected_rebate: Decimal
    net_patient_cost: Decimal


@dataclass(frozen=True, slots=True)
class Range:
    """Net patient cost with every open phase at its shortest and longest."""

    low: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning: one per code and subject, in words a patient can read."""

    code: str
    message: str
    amount: Decimal | None = None
    date: date | None = None
    month: str | None = None
    policy_id: int | None = None
    payer: str | None = None  # a secondary payer's code, on its own warnings (3.7)
    clinic_amount: Decimal | None = None  # prior_authorization_required: the clinic's part


@dataclass(frozen=True, slots=True)
class DataVersions:
    policies: tuple[int, ...]
    rates: tuple[int, ...]
    calendar: int | None = None  # the calendar row used; None: none stored (all days open)


@dataclass(frozen=True, slots=True)
class AppliedProgram:
    """An assistance program the estimate applied (in network, for the payer's kind)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Estimate:
    plan: str
    start_date: date
    currency: str
    totals: Totals
    range: Range | None
    phases: tuple[PhaseSummary, ...]
    months: tuple[MonthSummary, ...]
    plan_years: tuple[PlanYearSummary, ...]
    visits: tuple[Visit, ...]
    warnings: tuple[Notice, ...]
    data_versions: DataVersions
    self_pay_total: Decimal
    programs: tuple[AppliedProgram, ...] = ()
