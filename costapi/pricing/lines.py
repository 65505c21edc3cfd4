"""Lines and visits while they are being priced; a finished line becomes a Line."""

from dataclasses import field, fields, make_dataclass
from datetime import date
from decimal import Decimal

from .money import ZERO
from .results import Line
from .terms import LineTerms

# A line under adjudication has exactly the fields of the reported Line, but is
# mutable: assistance programs and discounts change it after its cost sharing.
# Its fields are keyword-only; money a constructor leaves out is ZERO, ids and
# reasons None. freeze() then turns it into a Line in place (CPython allows
# assigning __class__ between classes with the same slots). Building each Line
# anew would cost more than the rest of its adjudication: a frozen dataclass's
# __init__ sets every field through object.__setattr__ (docs/engine.md).
DEFAULTS = dict.fromkeys(
    ("allowed", "insurance_pays", "secondary_pays", "assistance_pays", "discount", "deductible",
     "copay", "coinsurance", "not_covered", "expected_reimbursement"), ZERO,
) | dict.fromkeys(("reason", "reason_detail", "policy_id", "rate_id"))  # fmt: skip
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
    insurance_pays: Decimal,
    patient_pays: Decimal,
    deductible: Decimal = ZERO,
    copay: Decimal = ZERO,
    coinsurance: Decimal = ZERO,
    expected_reimbursement: Decimal = ZERO,
    policy_id: int | None,
    rate_id: int | None = None,
) -> LineDraft:
    return LineDraft(
        service=terms.code,
        units=terms.units,
        charge=terms.charge,
        allowed=allowed,
        insurance_pays=insurance_pays,
        patient_pays=patient_pays,
        deductible=deductible,
        copay=copay,
        coinsurance=coinsurance,
        expected_reimbursement=expected_reimbursement,
        covered=True,
        policy_id=policy_id,
        rate_id=rate_id,
    )


def cash_line(
    terms: LineTerms, reason: str, *, reason_detail: str | None = None, policy_id: int | None = None
) -> LineDraft:
    """Not covered (3.2 step 6) or self-pay: the patient pays the cash price."""
    cash = terms.cash
    return LineDraft(
        service=terms.code,
        units=terms.units,
        charge=terms.charge,
        patient_pays=cash,
        not_covered=cash,
        covered=False,
        reason=reason,
        reason_detail=reason_detail,
        policy_id=policy_id,
    )


class VisitDraft:
    """A visit's date, phase, plan year (index from plan_year_start) and lines,
    with the terms each line was priced from (same order)."""

    __slots__ = ("date", "phase", "plan_year", "lines", "terms")

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
