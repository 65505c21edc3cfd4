"""Matching a remittance's claims and service lines to estimates and their lines (domain.md
section 7): by patient reference, else by the eligibility check's member id and span; a
reversal frees the lines its claim took."""

from datetime import UTC, datetime, time

import orjson
from sqlalchemy import or_, select

from costapi.db import session
from costapi.models import EligibilityCheck, Estimate
from costapi.models.remittances import RemittanceClaim, RemittanceLine
from costapi.remittances import figures
from costapi.remittances.matching import estimate_lines, nearest, span_holds

CANDIDATES = 50  # estimates of one member looked at for a span that holds the claim


def _adjustments(items):
    return [{"group": item.group, "reason": item.reason, "amount": str(item.amount),
             "quantity": None if item.quantity is None else str(item.quantity)}
            for item in items]


def _line(line, position):
    return RemittanceLine(
        position=position, procedure=line.procedure, modifiers=list(line.modifiers),
        units=line.units, service_date=line.service_date, charge=line.charge,
        paid=line.paid, reported_allowed=line.allowed,
        actual_allowed=figures.actual_allowed(line),
        actual_patient_share=figures.actual_patient_share(line),
        denied=figures.denied(line), adjustments=_adjustments(line.adjustments),
        control_number=line.control_number)


def _estimate_payer(request, role):
    coverage = request.get("coverage") or {}
    if role == "secondary":
        secondary = coverage.get("secondary") or {}
        if secondary.get("payer"):
            return secondary["payer"]
        check = secondary.get("eligibility_check")
        found = session.get(EligibilityCheck, check) if isinstance(check, str) else None
        return found.payer_code if found else None
    return coverage.get("payer")


class Matcher:
    """Matches one file's claims, in file order, remembering what this file took."""

    def __init__(self, payer_code):
        self.payer_code = payer_code
        self.bodies = {}  # estimate id -> (its lines, its body)
        self.taken = {}  # (estimate id, role) -> {(visit, line): RemittanceLine}
        self.by_claim_number = {}  # CLP07 -> this file's claim that a reversal may cancel

    def claim(self, remittance, claim, position):
        role = figures.role_of(claim.status)
        dates = [line.service_date for line in claim.lines if line.service_date]
        first = min(dates) if dates else claim.statement_from
        last = max(dates) if dates else (claim.statement_to or first)
        row = RemittanceClaim(
            position=position, patient_control_number=claim.patient_control_number,
            status=claim.status, role=role, charge=claim.charge, paid=claim.paid,
            patient_responsibility=claim.patient_responsibility,
            payer_claim_control_number=claim.payer_claim_control_number,
            member_id=claim.member_id, payer_code=self.payer_code,
            first_service_date=first, last_service_date=last,
            adjustments=_adjustments(claim.adjustments),
            lines=[_line(line, i) for i, line in enumerate(claim.lines, 1)])
        remittance.claims.append(row)
        if role == "reversal":
            self._reverse(row)
        elif role in ("primary", "secondary"):
            self._match(row, claim, role)
        if role != "reversal" and row.payer_claim_control_number:
            self.by_claim_number[row.payer_claim_control_number] = row
        return row

    def _reverse(self, reversal):
        """CLP02 22 cancels the earlier claim with the same CLP07; its lines are free again."""
        number = reversal.payer_claim_control_number
        if not number:
            return
        original = self.by_claim_number.pop(number, None)
        if original is None:
            original = session.scalar(
                select(RemittanceClaim)
                .where(RemittanceClaim.payer_claim_control_number == number,
                       RemittanceClaim.role != "reversal",
                       RemittanceClaim.cancelled_by_id.is_(None))
                .order_by(RemittanceClaim.id.desc()).limit(1))
        if original is None:
            return
        session.flush()
        original.cancelled_by_id = reversal.id
        for line in original.lines:
            taken = self.taken.get((line.estimate_id, original.role))
            if taken is not None:
                taken.pop((line.visit_index, line.line_index), None)
        session.flush()

    def _estimate(self, claim, first, last, role):
        """The newest estimate created before the first service date whose patient
        reference is CLP01; else one whose eligibility check has the member id and whose
        visits span the service dates."""
        if first is None:
            return None, None
        before = datetime.combine(first, time.min, tzinfo=UTC)
        found = session.scalar(
            select(Estimate)
            .where(Estimate.patient_reference == claim.patient_control_number,
                   Estimate.created_at < before)
            .order_by(Estimate.created_at.desc(), Estimate.id.desc()).limit(1))
        if found is not None:
            return found, "reference"
        if not claim.member_id:
            return None, None
        checks = session.scalars(select(EligibilityCheck.id).where(
            EligibilityCheck.member_id == claim.member_id)).all()
        if not checks:
            return None, None
        coverage = Estimate.request["coverage"]
        candidates = session.scalars(
            select(Estimate)
            .where(or_(coverage["eligibility_check"].as_string().in_(checks),
                       coverage["secondary"]["eligibility_check"].as_string().in_(checks)),
                   Estimate.created_at < before)
            .order_by(Estimate.created_at.desc(), Estimate.id.desc()).limit(CANDIDATES))
        for estimate in candidates:
            if span_holds(self._body(estimate)[1], first, last):
                return estimate, "member"
        return None, None

    def _body(self, estimate):
        if estimate.id not in self.bodies:
            body = orjson.loads(estimate.result)
            self.bodies[estimate.id] = (estimate_lines(body), body)
        return self.bodies[estimate.id]

    def _taken(self, estimate_id, role):
        key = (estimate_id, role)
        if key not in self.taken:
            rows = session.scalars(
                select(RemittanceLine).join(RemittanceClaim)
                .where(RemittanceLine.estimate_id == estimate_id, RemittanceClaim.role == role,
                       RemittanceClaim.cancelled_by_id.is_(None)))
            self.taken[key] = {(row.visit_index, row.line_index): row for row in rows}
        return self.taken[key]

    def _match(self, row, claim, role):
        estimate, how = self._estimate(claim, row.first_service_date, row.last_service_date,
                                       role)
        if estimate is None:
            return
        row.estimate_id, row.matched_by = estimate.id, how
        if row.payer_code is None:
            row.payer_code = _estimate_payer(estimate.request, role)
        lines = self._body(estimate)[0]
        taken = self._taken(estimate.id, role)
        for line in row.lines:
            found = nearest(line.procedure, line.service_date, lines, taken)
            if found is None:
                continue
            taken[found.key] = line
            expected = figures.estimated(found.figures, role)
            line.estimate_id, line.visit_index, line.line_index = estimate.id, *found.key
            line.visit_date = found.date
            line.estimated_patient_share = expected.patient_share
            line.estimated_allowed = expected.allowed
            line.estimated_insurance_pays = expected.insurance_pays
            line.estimated_covered = expected.covered
            line.policy_id = found.figures.get("policy_id")
            line.rate_id = found.figures.get("rate_id")


def count_matches(remittance):
    compared = [claim for claim in remittance.claims if claim.role != "reversal"]
    lines = [line for claim in compared for line in claim.lines]
    remittance.claim_count = len(remittance.claims)
    remittance.line_count = sum(len(claim.lines) for claim in remittance.claims)
    remittance.claims_matched = sum(1 for claim in compared if claim.estimate_id)
    remittance.claims_unmatched = len(compared) - remittance.claims_matched
    remittance.lines_matched = sum(1 for line in lines if line.estimate_id)
    remittance.lines_unmatched = len(lines) - remittance.lines_matched
