"""The accuracy report (domain.md section 7) over the stored remittances: read-only; rate
drift findings name the rate row for an admin to review, no rate is ever changed here."""
from decimal import Decimal

from sqlalchemy import select

from costapi.db import session
from costapi.models import Rate
from costapi.models.remittances import RemittanceClaim, RemittanceLine
from costapi.remittances.accuracy import ClaimRow, LineRow, RateRow, report
from costapi.remittances.figures import Estimated
from costapi.services.errors import Invalid
from costapi.services.payers import payers
from costapi.x12.remittance import Adjustment

COMPARED_ROLES = ("primary", "secondary")
LINE_COLUMNS = (
    RemittanceLine.claim_id, RemittanceClaim.role, RemittanceLine.procedure,
    RemittanceLine.service_date, RemittanceLine.units, RemittanceLine.paid,
    RemittanceLine.actual_allowed, RemittanceLine.actual_patient_share, RemittanceLine.denied,
    RemittanceLine.adjustments, RemittanceLine.estimate_id,
    RemittanceLine.estimated_patient_share, RemittanceLine.estimated_allowed,
    RemittanceLine.estimated_insurance_pays, RemittanceLine.estimated_covered,
    RemittanceLine.policy_id,
)


def _filters(start, end, payer):
    where = [RemittanceClaim.role.in_(COMPARED_ROLES), RemittanceClaim.cancelled_by_id.is_(None)]
    if start is not None:
        where.append(RemittanceClaim.first_service_date >= start)
    if end is not None:
        where.append(RemittanceClaim.first_service_date <= end)
    if payer is not None:
        where.append(RemittanceClaim.payer_code == payer)
    return where


def _adjustments(items):
    return tuple(Adjustment(item["group"], item["reason"], Decimal(item["amount"]))
                 for item in items)


def _line(row):
    (claim_id, role, service, day, units, paid, allowed, share, denied, adjustments,
     estimate_id, estimated_share, estimated_allowed, estimated_paid, covered,
     policy_id) = row
    estimated = (Estimated(estimated_share, estimated_allowed, estimated_paid, bool(covered))
                 if estimate_id else None)
    return LineRow(claim_id, role, service, day, units, paid, allowed, share, bool(denied),
                   _adjustments(adjustments), estimated, policy_id)


def _rates(payer_codes):
    if not payer_codes:
        return []
    rows = session.scalars(select(Rate).where(
        Rate.payer_code.in_(sorted(payer_codes)), Rate.superseded_at.is_(None),
        Rate.benefit == "medical"))
    return [RateRow(rate.id, rate.payer_code, rate.service, Decimal(rate.allowed),
                    rate.effective_from, rate.effective_to) for rate in rows]


def accuracy(start=None, end=None, payer=None):
    """The report over claims whose first service date is within [start, end] (either may
    be None), of one payer or all; reversals and the claims they cancelled left out."""
    if payer is not None and payers.current(payer) is None:
        raise Invalid.at("payer", f"Unknown payer {payer!r}.", location="query")
    where = _filters(start, end, payer)
    claims = [ClaimRow(*row, matched=estimate_id is not None)
              for *row, estimate_id in session.execute(select(
                  RemittanceClaim.id, RemittanceClaim.remittance_id,
                  RemittanceClaim.payer_claim_control_number, RemittanceClaim.payer_code,
                  RemittanceClaim.estimate_id).where(*where))]
    lines = [_line(row) for row in session.execute(
        select(*LINE_COLUMNS).join(RemittanceClaim).where(*where))]
    found = report(claims, lines, _rates({claim.payer for claim in claims if claim.payer}))
    return {"start": start, "end": end, "payer": payer, **found}
