"""The itemized list: one row per service and phase, summed from the estimate's lines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from costapi.pricing.money import CENT, ZERO

SELF_PAY = "self_pay"
OUT_OF_NETWORK = "out_of_network"
UNIT_PRICE_PLACES = Decimal("0.0001")


def money(value) -> Decimal:
    """A money value of the estimate ("1234.50" or Decimal) as a Decimal."""
    return Decimal(str(value))


def unit_price(amount: Decimal, units: int) -> Decimal:
    """Amount per unit: cents when exact, else 4 places (per-mg drug prices)."""
    if not units:
        return amount
    price = (amount / units).quantize(UNIT_PRICE_PLACES, ROUND_HALF_UP)
    return price.quantize(CENT) if price == price.quantize(CENT) else price


def expected_charge(line: dict, coverage_type: str) -> Decimal:
    """The line's expected charge: self-pay, the cash rate after discounts; else the charge."""
    if coverage_type == SELF_PAY:
        return money(line["patient_pays"])
    return money(line["charge"])


def is_out_of_network(estimate: dict) -> bool:
    return any(w.get("code") == OUT_OF_NETWORK for w in estimate.get("warnings", ()))


@dataclass(frozen=True)
class Column:
    heading: str
    total: str  # the key of the estimate's totals this column sums to
    amount: Callable[[dict], Decimal]


def _field(name: str) -> Callable[[dict], Decimal]:
    return lambda line: money(line[name])


def _net(line: dict) -> Decimal:
    return money(line["patient_pays"]) - money(line["expected_reimbursement"])


CASH_PRICE = Column("Cash price", "not_covered", _field("not_covered"))
DISCOUNT = Column("Discount", "discount", _field("discount"))
EXPECTED_CHARGE = Column("Expected charge", "patient_pays", _field("patient_pays"))
CHARGE = Column("Clinic charge", "charges", _field("charge"))
INSURANCE_PAYS = Column("Insurance pays", "insurance_pays", _field("insurance_pays"))
ASSISTANCE_PAYS = Column("Assistance pays", "assistance_pays", _field("assistance_pays"))
YOU_PAY = Column("You pay", "patient_pays", _field("patient_pays"))
YOU_PAY_CLINIC = Column("You pay the clinic", "patient_pays", _field("patient_pays"))
REIMBURSEMENT = Column(
    "Expected reimbursement", "expected_reimbursement", _field("expected_reimbursement")
)
NET_COST = Column("Your net cost", "net_patient_cost", _net)


def columns_for(estimate: dict, coverage_type: str) -> tuple[Column, ...]:
    """Money columns: the first is the unit price basis, the last is what the patient owes."""
    totals = estimate["totals"]
    if coverage_type == SELF_PAY:
        if money(totals["discount"]):
            return (CASH_PRICE, DISCOUNT, EXPECTED_CHARGE)
        return (EXPECTED_CHARGE,)
    if is_out_of_network(estimate):
        return (CHARGE, YOU_PAY_CLINIC, REIMBURSEMENT, NET_COST)
    if money(totals["assistance_pays"]):
        return (CHARGE, INSURANCE_PAYS, ASSISTANCE_PAYS, YOU_PAY)
    return (CHARGE, INSURANCE_PAYS, YOU_PAY)


@dataclass
class ItemRow:
    service: str
    description: str
    sessions: int
    units: int
    amounts: list[Decimal]

    @property
    def unit_price(self) -> Decimal:
        return unit_price(self.amounts[0], self.units)


@dataclass(frozen=True)
class PhaseItems:
    phase: str
    sessions: int
    rows: tuple[ItemRow, ...]


@dataclass(frozen=True)
class ItemizedList:
    columns: tuple[Column, ...]
    phases: tuple[PhaseItems, ...]
    totals: tuple[Decimal, ...]

    @property
    def total_due(self) -> Decimal:
        return self.totals[-1]


def itemized_list(estimate: dict, coverage_type: str, descriptions: dict) -> ItemizedList:
    """Group every visit's lines by phase, then by service in order of first appearance."""
    columns = columns_for(estimate, coverage_type)
    by_phase: dict[str, dict[str, ItemRow]] = {}
    sessions: dict[str, int] = {}
    for visit in estimate["visits"]:
        phase = visit["phase"]
        rows = by_phase.setdefault(phase, {})
        sessions[phase] = sessions.get(phase, 0) + 1
        for service in dict.fromkeys(line["service"] for line in visit["lines"]):
            if service not in rows:
                rows[service] = ItemRow(
                    service, descriptions.get(service, ""), 0, 0, [ZERO] * len(columns)
                )
            rows[service].sessions += 1
        for line in visit["lines"]:
            row = rows[line["service"]]
            row.units += int(line["units"])
            row.amounts = [a + c.amount(line) for a, c in zip(row.amounts, columns, strict=True)]
    phases = tuple(
        PhaseItems(name, sessions[name], tuple(rows.values())) for name, rows in by_phase.items()
    )
    totals = tuple(
        sum((row.amounts[i] for p in phases for row in p.rows), ZERO) for i in range(len(columns))
    )
    return ItemizedList(columns, phases, totals)
