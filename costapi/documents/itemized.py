"""The itemized list: one row per service, phase and coverage outcome, summed from the lines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from costapi.pricing.money import CENT, ZERO

SELF_PAY = "self_pay"
OUT_OF_NETWORK = "out_of_network"
PHARMACY = "pharmacy"  # a line's benefit: a specialty pharmacy dispenses it (domain 3.8)
PHARMACY_PROVIDER = "Specialty pharmacy (your plan's pharmacy benefit)"
PHARMACY_BENEFITS_MISSING = "pharmacy_benefits_missing"
UNIT_PRICE_PLACES = Decimal("0.0001")

# How a row's lines came out, for an insured estimate (self-pay rows are all SELF_PAY).
COVERED = "covered"
NOT_COVERED = "not_covered"  # the patient pays the cash price
CLINIC_LIABLE = "clinic"  # not covered, and the clinic, not the patient, is liable

PRIOR_AUTHORIZATION_REQUIRED = "prior_authorization_required"
# The statuses of a visit whose prior authorization is still open: a denial would leave its
# lines not covered (the denial itself, "denied", makes them not covered already).
OPEN_AUTHORIZATION = ("pending", "not_requested", "expired")
AUTHORIZATION_WORDS = {
    "pending": "requested, no decision yet",
    "not_requested": "not requested yet",
    "expired": "the approval ends before these visits",
}

REASON_WORDS = {
    "policy_exclusion": "a plan exclusion",
    "diagnosis": "the diagnosis does not meet your plan's rules",
    "prior_authorization_denied": "prior authorization was denied",
    "visit_limit": "over your plan's visit limit",
}


def money(value) -> Decimal:
    """A money value of the estimate ("1234.50" or Decimal) as a Decimal."""
    return Decimal(str(value))


def amount(line: dict, name: str) -> Decimal:
    """A line amount that older stored estimates may lack (clinic_write_off, secondary_pays)."""
    value = line.get(name)
    return ZERO if value is None else money(value)


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


def is_pharmacy(line: dict) -> bool:
    """A line the specialty pharmacy dispenses and bills under the pharmacy benefit (an older
    stored estimate has no `benefit`: every line is the clinic's)."""
    return line.get("benefit") == PHARMACY


def split_visits(estimate: dict, pharmacy: bool) -> dict:
    """The estimate with only the clinic's lines (pharmacy False) or only the pharmacy's."""
    return {
        **estimate,
        "visits": [
            {**visit, "lines": [ln for ln in visit["lines"] if is_pharmacy(ln) == pharmacy]}
            for visit in estimate["visits"]
        ],
    }


def has_pharmacy_lines(estimate: dict) -> bool:
    return any(is_pharmacy(ln) for visit in estimate["visits"] for ln in visit["lines"])


def is_out_of_network(estimate: dict) -> bool:
    return any(w.get("code") == OUT_OF_NETWORK for w in estimate.get("warnings", ()))


def outcome(line: dict, coverage_type: str) -> str:
    """covered, not_covered (the patient pays the cash price) or clinic (not billed)."""
    if coverage_type == SELF_PAY:
        return SELF_PAY
    if line["covered"]:
        return COVERED
    if line.get("liability") == CLINIC_LIABLE or (
        line.get("liability") is None and amount(line, "clinic_write_off") > ZERO
    ):
        return CLINIC_LIABLE
    return NOT_COVERED


def cash(line: dict) -> Decimal:
    """The line's cash price x units; an older stored estimate without `cash`: what the patient
    pays (or the clinic writes off) for a line that is not covered, else 0."""
    if line.get("cash") is not None:
        return money(line["cash"])
    if line["covered"]:
        return ZERO
    return money(line["not_covered"]) + amount(line, "clinic_write_off")


def clinic_authorization_policies(estimate: dict) -> frozenset:
    """The policies whose prior-authorization denial would be the clinic's (the warning's
    `clinic_amount` is above 0)."""
    return frozenset(
        w.get("policy_id")
        for w in estimate.get("warnings", ())
        if w.get("code") == PRIOR_AUTHORIZATION_REQUIRED and money(w.get("clinic_amount") or 0)
    )


def authorization_risk(line: dict, coverage_type: str, clinic_policies: frozenset) -> str | None:
    """For a covered line whose visit's prior authorization is still open: who would pay for
    it if the plan denied it (clinic or patient); else None."""
    if coverage_type == SELF_PAY or not line["covered"]:
        return None
    if line.get("prior_authorization") not in OPEN_AUTHORIZATION:
        return None
    return CLINIC_LIABLE if line.get("policy_id") in clinic_policies else "patient"


def cost_sharing_written_off(line: dict) -> Decimal:
    """A covered line's cost sharing the clinic may not bill (a QMB's Medicare cost sharing)."""
    return amount(line, "clinic_write_off") if line["covered"] else ZERO


def allowed_shown(line: dict) -> Decimal:
    """The amount billed to the plan and the patient (domain.md sections 3.2 step 7, 4).

    A covered line: its allowed amount, less any part of it the clinic writes off (a QMB's
    Medicare cost sharing). A line that is not covered: its cash price less discounts, which
    the patient pays (0 where the clinic is liable: its cash price is the clinic's write-off).
    """
    if line["covered"]:
        return money(line["allowed"]) - amount(line, "clinic_write_off")
    return money(line["not_covered"]) - money(line["discount"])


def write_off(line: dict) -> Decimal:
    """What the clinic charges but does not bill: the charge less the amount billed.

    In network: the contractual adjustment (charge - allowed), the clinic_write_off, and for a
    line that is not covered, the charge less the cash price the patient pays. Out of network
    the clinic bills its full charge for covered lines (0 here).
    """
    return money(line["charge"]) - billed(line)


def billed(line: dict) -> Decimal:
    """What is paid for the line: plan, other insurance, assistance and patient."""
    return (
        money(line["insurance_pays"])
        + amount(line, "secondary_pays")
        + money(line["assistance_pays"])
        + money(line["patient_pays"])
    )


@dataclass(frozen=True)
class Column:
    heading: str
    key: str  # a name for the template and the tests
    total: str | None  # the key of the estimate's totals this column sums to (None: derived)
    amount: Callable[[dict], Decimal]


def _field(name: str) -> Callable[[dict], Decimal]:
    return lambda line: money(line[name])


def _net(line: dict) -> Decimal:
    return (money(line["patient_pays"]) - money(line["expected_reimbursement"])
            - amount(line, "expected_rebate"))


CASH_PRICE = Column("Cash price", "cash", "not_covered", _field("not_covered"))
DISCOUNT = Column("Discount", "discount", "discount", _field("discount"))
EXPECTED_CHARGE = Column("Expected charge", "you_pay", "patient_pays", _field("patient_pays"))
CHARGE = Column("Clinic charge", "charge", "charges", _field("charge"))
WRITE_OFF = Column("Not billed to you", "write_off", None, write_off)
ALLOWED = Column("Allowed amount", "allowed", None, allowed_shown)
INSURANCE_PAYS = Column(
    "Insurance pays", "insurance_pays", "insurance_pays", _field("insurance_pays")
)
SECONDARY_PAYS = Column(
    "Other insurance pays",
    "secondary_pays",
    "secondary_pays",
    lambda line: amount(line, "secondary_pays"),
)
ASSISTANCE_PAYS = Column(
    "Assistance pays", "assistance_pays", "assistance_pays", _field("assistance_pays")
)
YOU_PAY = Column("You pay", "you_pay", "patient_pays", _field("patient_pays"))
YOU_PAY_CLINIC = Column("You pay the clinic", "you_pay", "patient_pays", _field("patient_pays"))
YOU_PAY_PHARMACY = Column(
    "You pay the pharmacy", "you_pay", "patient_pays", _field("patient_pays")
)
REIMBURSEMENT = Column(
    "Expected reimbursement",
    "expected_reimbursement",
    "expected_reimbursement",
    _field("expected_reimbursement"),
)
REBATE = Column("Expected rebate", "expected_rebate", "expected_rebate",
                lambda line: amount(line, "expected_rebate"))
NET_COST = Column("Your net cost", "net_cost", "net_patient_cost", _net)


def _any(estimate: dict, column: Column) -> bool:
    return any(column.amount(ln) for visit in estimate["visits"] for ln in visit["lines"])


def columns_for(estimate: dict, coverage_type: str) -> tuple[Column, ...]:
    """Money columns: the first is the unit price basis, the last is what the patient owes.

    In network, left to right: charge = not billed + allowed, allowed = what each payer pays.
    `estimate` holds the clinic's lines only (see `itemized_list`).
    """
    totals = estimate["totals"]
    if coverage_type == SELF_PAY:
        if money(totals["discount"]):
            return (CASH_PRICE, DISCOUNT, EXPECTED_CHARGE)
        return (EXPECTED_CHARGE,)
    if is_out_of_network(estimate):
        written_off = (WRITE_OFF,) if _any(estimate, WRITE_OFF) else ()
        return (CHARGE, *written_off, YOU_PAY_CLINIC, REIMBURSEMENT, NET_COST)
    payers = [INSURANCE_PAYS]
    if _any(estimate, SECONDARY_PAYS):
        payers.append(SECONDARY_PAYS)
    if _any(estimate, ASSISTANCE_PAYS):
        payers.append(ASSISTANCE_PAYS)
    if _any(estimate, REBATE):  # paid at the visit, then back from a program after the claim
        return (CHARGE, WRITE_OFF, ALLOWED, *payers, YOU_PAY_CLINIC, REBATE, NET_COST)
    return (CHARGE, WRITE_OFF, ALLOWED, *payers, YOU_PAY)


def pharmacy_columns(estimate: dict) -> tuple[Column, ...]:
    """The other providers' money columns (`estimate` holds the pharmacy lines only): the
    pharmacy bills no charge of the clinic's, so allowed = what each payer pays + you pay
    the pharmacy, then (only when some line has one) what comes back and the net cost."""
    payers = [INSURANCE_PAYS]
    if _any(estimate, SECONDARY_PAYS):
        payers.append(SECONDARY_PAYS)
    if _any(estimate, ASSISTANCE_PAYS):
        payers.append(ASSISTANCE_PAYS)
    back = [c for c in (REIMBURSEMENT, REBATE) if _any(estimate, c)]
    return (ALLOWED, *payers, YOU_PAY_PHARMACY, *((*back, NET_COST) if back else ()))


@dataclass
class ItemRow:
    service: str
    description: str
    outcome: str
    sessions: int
    units: int
    amounts: list[Decimal]
    reasons: list[str] = field(default_factory=list)  # why not covered, in words
    reason_codes: list[str] = field(default_factory=list)
    cash: Decimal = ZERO  # the cash price x units of its lines
    authorization: str | None = None  # open prior authorization: who pays if it is denied
    authorization_statuses: list[str] = field(default_factory=list)  # in words
    cost_sharing_written_off: Decimal = ZERO  # a QMB's Medicare cost sharing, not billed

    @property
    def unit_price(self) -> Decimal:
        return unit_price(self.amounts[0], self.units)

    @property
    def not_covered(self) -> bool:
        return self.outcome in (NOT_COVERED, CLINIC_LIABLE)

    @property
    def not_billed(self) -> bool:
        return self.outcome == CLINIC_LIABLE

    @property
    def has_note(self) -> bool:
        """A line of words under the row: not covered, or an open prior authorization."""
        return self.not_covered or self.authorization is not None

    def waiver_shifts(self, unwaivable: frozenset) -> bool:
        """Whether a signed waiver would make the patient pay this clinic-liable row: some
        of its reasons are ones a waiver shifts (prior authorization: a denial's reason)."""
        if self.authorization == CLINIC_LIABLE:
            return "prior_authorization_denied" not in unwaivable
        return any(code not in unwaivable for code in self.reason_codes)


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

    def rows(self) -> list[ItemRow]:
        return [row for phase in self.phases for row in phase.rows]

    @property
    def cost_sharing_written_off(self) -> Decimal:
        """A QMB's Medicare cost sharing the clinic may not bill, over every row."""
        return sum((row.cost_sharing_written_off for row in self.rows()), ZERO)

    def total(self, key: str) -> Decimal | None:
        """The totals row's amount of the column with this key (None: no such column)."""
        for column, total in zip(self.columns, self.totals, strict=True):
            if column.key == key:
                return total
        return None


def _group(
    estimate: dict, columns: tuple[Column, ...], coverage_type: str, descriptions: dict,
    phase_of: Callable[[dict], str],
) -> tuple[PhaseItems, ...]:
    """Group the visits' lines by `phase_of(visit)`, then by service, outcome and open prior
    authorization in order of first appearance; a group without lines is left out."""
    clinic_policies = clinic_authorization_policies(estimate)
    by_phase: dict[str, dict[tuple, ItemRow]] = {}
    sessions: dict[str, int] = {}

    def key(line: dict) -> tuple:
        risk = authorization_risk(line, coverage_type, clinic_policies)
        return line["service"], outcome(line, coverage_type), risk

    for visit in estimate["visits"]:
        phase = phase_of(visit)
        rows = by_phase.setdefault(phase, {})
        sessions[phase] = sessions.get(phase, 0) + 1
        keys = {key(ln): ln for ln in visit["lines"]}
        for row_key, first in keys.items():
            if row_key not in rows:
                service, kind, risk = row_key
                description = first.get("description") or descriptions.get(service, "")
                rows[row_key] = ItemRow(
                    service, description, kind, 0, 0, [ZERO] * len(columns), authorization=risk
                )
            rows[row_key].sessions += 1
        for line in visit["lines"]:
            row = rows[key(line)]
            row.units += int(line["units"])
            row.amounts = [a + c.amount(line) for a, c in zip(row.amounts, columns, strict=True)]
            row.cash += cash(line)
            row.cost_sharing_written_off += cost_sharing_written_off(line)
            code = line.get("reason") or ""
            reason = REASON_WORDS.get(code)
            if row.not_covered and reason and reason not in row.reasons:
                row.reasons.append(reason)
                row.reason_codes.append(code)
            status = AUTHORIZATION_WORDS.get(line.get("prior_authorization") or "")
            if row.authorization and status and status not in row.authorization_statuses:
                row.authorization_statuses.append(status)
    return tuple(
        PhaseItems(name, sessions[name], tuple(rows.values()))
        for name, rows in by_phase.items() if rows
    )


def _totals(phases: tuple[PhaseItems, ...], columns: tuple[Column, ...]) -> tuple[Decimal, ...]:
    return tuple(
        sum((row.amounts[i] for p in phases for row in p.rows), ZERO) for i in range(len(columns))
    )


def itemized_list(estimate: dict, coverage_type: str, descriptions: dict) -> ItemizedList:
    """The clinic's items: every visit's lines but the pharmacy's (domain 3.8: the specialty
    pharmacy bills those, see `other_provider_items`), grouped by phase, then by service and
    outcome in order of first appearance (a service covered at some visits and not at others
    gets two rows). The totals are the clinic's only."""
    clinic = split_visits(estimate, pharmacy=False)
    columns = columns_for(clinic, coverage_type)
    phases = _group(clinic, columns, coverage_type, descriptions, lambda visit: visit["phase"])
    return ItemizedList(columns, phases, _totals(phases, columns))


@dataclass(frozen=True)
class OtherProviderItems:
    """Items another provider bills: the specialty pharmacy's lines, one row per service,
    outcome and open prior authorization over the whole schedule."""

    provider: str
    columns: tuple[Column, ...]
    rows: tuple[ItemRow, ...]
    totals: tuple[Decimal, ...]
    benefits_missing: bool  # no pharmacy copay or coinsurance given: the share counts $0

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def total_due(self) -> Decimal:
        """The patient's share (net of what comes back, when a column says so); 0 without rows."""
        return self.totals[-1] if self.rows else ZERO

    def total(self, key: str) -> Decimal | None:
        for column, total in zip(self.columns, self.totals, strict=True):
            if column.key == key:
                return total
        return None

    @property
    def shares(self) -> tuple[Column, ...]:
        """The columns that add up to the allowed amount: each payer's, then the patient's."""
        return self.columns[1 : [c.key for c in self.columns].index("you_pay") + 1]

    @property
    def paid_back(self) -> tuple[Column, ...]:
        """What comes back to the patient later (reimbursement, rebate): you pay - these = net."""
        return self.columns[len(self.shares) + 1 : -1] if self.total("net_cost") is not None else ()


def other_provider_items(
    estimate: dict, coverage_type: str, descriptions: dict
) -> OtherProviderItems:
    """The pharmacy lines (domain 3.8) grouped per service over the whole schedule: each row's
    sessions, units, allowed amount, what the plan (and any other payer) pays and the patient's
    share of the monthly fills. Self-pay estimates have none (the clinic sells the drug)."""
    pharmacy = split_visits(estimate, pharmacy=True)
    columns = pharmacy_columns(pharmacy)
    phases = _group(pharmacy, columns, coverage_type, descriptions, lambda visit: "")
    rows = phases[0].rows if phases else ()
    missing = any(
        w.get("code") == PHARMACY_BENEFITS_MISSING for w in estimate.get("warnings", ())
    )
    return OtherProviderItems(
        PHARMACY_PROVIDER, columns, rows, _totals(phases, columns), bool(rows) and missing
    )
