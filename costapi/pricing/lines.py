"""Lines and visits while they are being priced; a finished line becomes a Line."""

from dataclasses import field, fields, make_dataclass
from datetime import date
from decimal import Decimal

from .money import ZERO
from .results import Line
from .terms import LineTerms

PATIENT, CLINIC = "patient", "clinic"  # who is liable for a line that is not covered

# A line under adjudication has exactly the fields of the reported Line, but is
# mutable: assistance programs and discounts change it after its cost sharing.
# Its fields are keyword-only; money a constructor leaves out is ZERO, ids and
# reasons None. freeze() then turns it into a Line in place (CPython allows
# assigning __class__ between classes with the same slots). Building each Line
# anew would cost more than the rest of its adjudication: a frozen dataclass's
# __init__ sets every field through object.__setattr__ (docs/engine.md).
DEFAULTS = dict.fromkeys(
    ("allowed", "insurance_pays", "secondary_pays", "assistance_pays", "discount", "deductible",
     "copay", "coinsurance", "not_covered", "clinic_write_off", "expected_reimbursement",
     "expected_rebate"), ZERO,
) | dict.fromkeys(
    ("allowed_basis", "reason", "reason_detail", "liability",
                   "prior_authorization", "policy_id", "rate_id"),
) | {"benefit": "medical"}  # fmt: skip
LineDraft = make_dataclass(
    "LineDraft",
    [
        (f.name, f.type, field(default=DEFAULTS[f.name]))
        if f.name in DEFAULTS
        else (f.name, f.type)
        for f in fields(Line)
    ],
    slots=True,
    kw_only=True,
)


def freeze(line: LineDraft) -> Line:
    line.__class__ = Line
    return line


def covered_line(
    terms: LineTerms,
    *,
    allowed: Decimal,
    allowed_basis: str,
    insurance_pays: Decimal,
    patient_pays: Decimal,
    deductible: Decimal = ZERO,
    copay: Decimal = ZERO,
    coinsurance: Decimal = ZERO,
    expected_reimbursement: Decimal = ZERO,
    policy_id: int | None,
    rate_id: int | None = None,
    prior_authorization: str | None = None,
) -> LineDraft:
    return LineDraft(
        service=terms.code,
        description=terms.description,
        units=terms.units,
        charge=terms.charge,
        cash=terms.cash,
        allowed=allowed,
        allowed_basis=allowed_basis,
        insurance_pays=insurance_pays,
        patient_pays=patient_pays,
        deductible=deductible,
        copay=copay,
        coinsurance=coinsurance,
        expected_reimbursement=expected_reimbursement,
        covered=True,
        prior_authorization=prior_authorization,
        policy_id=policy_id,
        rate_id=rate_id,
        benefit=terms.benefit,
    )


def cash_line(
    terms: LineTerms,
    reason: str,
    *,
    reason_detail: str | None = None,
    policy_id: int | None = None,
    clinic: bool = False,
    prior_authorization: str | None = None,
) -> LineDraft:
    """Not covered (3.2 steps 6-7) or self-pay: the patient pays the cash price, or, where
    the clinic is liable, nothing: the cash price is the clinic's write-off."""
    cash = terms.cash
    return LineDraft(
        service=terms.code,
        description=terms.description,
        units=terms.units,
        charge=terms.charge,
        cash=cash,
        patient_pays=ZERO if clinic else cash,
        not_covered=ZERO if clinic else cash,
        clinic_write_off=cash if clinic else ZERO,
        covered=False,
        reason=reason,
        reason_detail=reason_detail,
        liability=CLINIC if clinic else PATIENT,
        prior_authorization=prior_authorization,
        policy_id=policy_id,
        benefit=terms.benefit,
    )


class VisitDraft:
    """A visit's date, phase, plan year (index from plan_year_start) and lines,
    with the terms each line was priced from (same order)."""

    __slots__ = ("date", "phase", "plan_year", "lines", "terms", "balances")

    def __init__(
        self,
        day: date,
        phase: str,
        plan_year: int | None,
        lines: list[LineDraft],
        terms: tuple[LineTerms, ...],
    ):
        self.date = day
        self.phase = phase
        self.plan_year = plan_year
        self.lines = lines
        self.terms = terms
        self.balances = None  # results.Balances after the visit (insured, with cost sharing)
