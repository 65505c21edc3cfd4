"""Remittances: read an 835, store it once, match its claims and lines to estimates
(domain.md section 7); the accuracy report over what is stored.

The raw file, member ids and names are PHI: they stay in the database (the raw file until
the retention purge), never in a log line or an error message.
"""
import traceback
import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import orjson
from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from costapi.db import session
from costapi.models import EligibilityCheck, Estimate, Payer
from costapi.models.remittances import Remittance, RemittanceClaim, RemittanceLine
from costapi.models.versioned import as_utc, utcnow
from costapi.remittances import figures
from costapi.remittances.matching import estimate_lines, nearest, span_holds
from costapi.services.errors import Invalid, NotFound, field_errors
from costapi.x12.remittance_advice import read_835
from costapi.x12.remittance import Adjustment, X12Error

AMOUNT_LIMIT = Decimal("1000000000")
CANDIDATES = 50  # estimates of one member looked at for a span that holds the claim
LENGTHS = (("sender", "ISA", "ISA06", 15), ("interchange_control_number", "ISA", "ISA13", 9),
           ("payer_identifier", "N1", "N104", 80))
CLAIM_LENGTHS = (("patient_control_number", "CLP01", 38), ("status", "CLP02", 2),
                 ("payer_claim_control_number", "CLP07", 50), ("member_id", "NM109", 80))
LINE_LENGTHS = (("procedure", "SVC01", 48), ("control_number", "REF02", 50))


class RejectedFile(Invalid):
    """A 422 for a file that is not a usable 835: `segment` and `position` say where."""

    def __init__(self, message, segment=None, position=None):
        super().__init__(field_errors((), message, location="body"),
                         f"The file is not a valid 835: {message}.")
        self.segment, self.position = segment, position


def decode(data):
    """The file's bytes as text (UTF-8, else Latin-1); NUL characters are a 422."""
    try:
        text = data.decode()
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        raise RejectedFile("the file contains NUL characters")
    return text


def read(text):
    """The file's records, or RejectedFile naming the segment and position."""
    try:
        return read_835(text)
    except X12Error as error:
        raise RejectedFile(str(error), error.segment, error.position) from None
    except Exception as error:  # noqa: BLE001 - a client's file never makes a 500
        current_app.logger.error("835 reader failed with %s\n%s", type(error).__name__,
                                 "".join(traceback.format_tb(error.__traceback__)).rstrip())
        raise RejectedFile("the file could not be read as an 835") from None


def _too_long(value, limit):
    return value is not None and len(value) > limit


def _check_amounts(values, segment, where):
    for value in values:
        if value is not None and abs(value) >= AMOUNT_LIMIT:
            raise RejectedFile(f"{segment} of {where}: an amount of a billion or more",
                               segment)


def validate(record):
    """What the columns cannot hold is a 422 too (the reader accepts long X12 elements)."""
    for attribute, segment, element, limit in LENGTHS:
        if _too_long(getattr(record, attribute), limit):
            raise RejectedFile(f"{element} is longer than {limit} characters", segment)
    if not record.sender or not record.interchange_control_number:
        raise RejectedFile("ISA06 and ISA13 are required", "ISA", 1)
    _check_amounts((record.total_paid,), "BPR", "the payment")
    for n, claim in enumerate(record.claims, 1):
        where = f"claim {n}"
        for attribute, element, limit in CLAIM_LENGTHS:
            if _too_long(getattr(claim, attribute), limit):
                raise RejectedFile(f"{element} of {where} is longer than {limit} characters",
                                   "CLP")
        if not claim.patient_control_number:
            raise RejectedFile(f"CLP01 of {where} is required", "CLP")
        _check_amounts((claim.charge, claim.paid, claim.patient_responsibility,
                        *(item.amount for item in claim.adjustments)), "CLP", where)
        for i, line in enumerate(claim.lines, 1):
            for attribute, element, limit in LINE_LENGTHS:
                if _too_long(getattr(line, attribute), limit):
                    raise RejectedFile(f"{element} of {where}, line {i} is longer than "
                                       f"{limit} characters", "SVC")
            _check_amounts((line.charge, line.paid, line.allowed, line.units,
                            *(item.amount for item in line.adjustments)), "SVC",
                           f"{where}, line {i}")


def stored(sender, control_number):
    return session.scalar(select(Remittance).where(
        Remittance.sender == sender, Remittance.interchange_control_number == control_number))


def _payer_code(identifier):
    """Our payer whose eligibility_payer_id the 835 names (None: none or several)."""
    if not identifier:
        return None
    codes = set(session.scalars(select(Payer.code).where(
        Payer.eligibility_payer_id == identifier, Payer.superseded_at.is_(None))))
    return codes.pop() if len(codes) == 1 else None


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


def _count(remittance):
    compared = [claim for claim in remittance.claims if claim.role != "reversal"]
    lines = [line for claim in compared for line in claim.lines]
    remittance.claim_count = len(remittance.claims)
    remittance.line_count = sum(len(claim.lines) for claim in remittance.claims)
    remittance.claims_matched = sum(1 for claim in compared if claim.estimate_id)
    remittance.claims_unmatched = len(compared) - remittance.claims_matched
    remittance.lines_matched = sum(1 for line in lines if line.estimate_id)
    remittance.lines_unmatched = len(lines) - remittance.lines_matched


def import_file(text, api_key_id=None):
    """Store an 835 (text) and match it: (remittance, True); the same sender and ISA13
    already stored: (that remittance, False)."""
    record = read(text)
    validate(record)
    existing = stored(record.sender, record.interchange_control_number)
    if existing is not None:
        return existing, False
    payer_code = _payer_code(record.payer_identifier)
    remittance = Remittance(
        id=str(uuid.uuid4()), created_at=utcnow(), api_key_id=api_key_id,
        sender=record.sender, interchange_control_number=record.interchange_control_number,
        payer_name=(record.payer_name or "")[:60] or None,
        payer_identifier=record.payer_identifier, payer_code=payer_code,
        payment_date=record.payment_date, total_paid=record.total_paid, raw_file=text)
    session.add(remittance)
    try:
        matcher = Matcher(payer_code)
        with session.no_autoflush:  # the matcher remembers this file's claims itself
            for position, claim in enumerate(record.claims, 1):
                matcher.claim(remittance, claim, position)
        _count(remittance)
        session.commit()
    except IntegrityError:  # the same file stored by a concurrent import
        session.rollback()
        existing = stored(record.sender, record.interchange_control_number)
        if existing is None:
            raise
        return existing, False
    current_app.logger.info("remittance %s imported: %d claims (%d matched), %d lines "
                            "(%d matched)", remittance.id, remittance.claim_count,
                            remittance.claims_matched, remittance.line_count,
                            remittance.lines_matched)
    return remittance, True


def get(remittance_id):
    remittance = session.get(Remittance, remittance_id)
    if remittance is None:
        raise NotFound(f"No remittance {remittance_id!r}.")
    return remittance


def count():
    return session.scalar(select(func.count()).select_from(Remittance))


def page(first, size):
    return session.scalars(select(Remittance).order_by(
        Remittance.created_at.desc(), Remittance.id.desc()).offset(first).limit(size)).all()


def purge_raw_files(days, now=None):
    """Forget the raw files of remittances older than `days` (claims and lines stay)."""
    now = now or utcnow()
    result = session.execute(
        update(Remittance)
        .where(Remittance.created_at < now - timedelta(days=days),
               Remittance.raw_file.is_not(None))
        .values(raw_file=None, raw_purged_at=now))
    session.commit()
    return result.rowcount


def summary(remittance):
    """What the API returns of a remittance without its claims (never a member's identity
    or the raw file)."""
    matched, unmatched = remittance.claims_matched, remittance.claims_unmatched
    return {
        "id": remittance.id, "created_at": as_utc(remittance.created_at),
        "sender": remittance.sender,
        "interchange_control_number": remittance.interchange_control_number,
        "payer": remittance.payer_code, "payer_name": remittance.payer_name,
        "payer_identifier": remittance.payer_identifier,
        "payment_date": remittance.payment_date, "total_paid": remittance.total_paid,
        "raw_file_kept": remittance.raw_file is not None,
        "counts": {"claims": remittance.claim_count, "lines": remittance.line_count,
                   "reversals": remittance.claim_count - matched - unmatched,
                   "claims_matched": matched, "claims_unmatched": unmatched,
                   "lines_matched": remittance.lines_matched,
                   "lines_unmatched": remittance.lines_unmatched},
    }


def _difference(actual, estimated):
    return None if estimated is None else actual - estimated


def _line_view(line):
    match = estimated = differences = None
    if line.estimate_id:
        match = {"estimate_id": line.estimate_id, "visit_index": line.visit_index,
                 "visit_date": line.visit_date, "line_index": line.line_index,
                 "service": line.procedure}
        estimated = {"patient_share": line.estimated_patient_share,
                     "allowed": line.estimated_allowed,
                     "insurance_pays": line.estimated_insurance_pays,
                     "covered": line.estimated_covered, "policy_id": line.policy_id,
                     "rate_id": line.rate_id}
        differences = {
            "patient_share": _difference(line.actual_patient_share,
                                         line.estimated_patient_share),
            "allowed": _difference(line.actual_allowed, line.estimated_allowed),
            "insurance_pays": _difference(line.paid, line.estimated_insurance_pays)}
    return {"position": line.position, "service": line.procedure,
            "modifiers": line.modifiers, "units": line.units, "date": line.service_date,
            "charge": line.charge, "paid": line.paid, "allowed": line.actual_allowed,
            "allowed_reported": line.reported_allowed is not None,
            "patient_share": line.actual_patient_share, "denied": line.denied,
            "adjustments": line.adjustments,
            "reasons": figures.reason_codes(_records(line.adjustments)),
            "match": match, "estimated": estimated, "differences": differences}


def _records(adjustments):
    return [Adjustment(item["group"], item["reason"], Decimal(item["amount"]))
            for item in adjustments]


def view(remittance):
    """The remittance with its claims and lines, each line beside its estimate line."""
    reverses = {claim.cancelled_by_id: claim.id for claim in session.scalars(
        select(RemittanceClaim).where(RemittanceClaim.cancelled_by_id.in_(
            [claim.id for claim in remittance.claims if claim.role == "reversal"])))}
    claims = [{
        "id": claim.id, "position": claim.position,
        "patient_reference": claim.patient_control_number, "status": claim.status,
        "role": claim.role, "payer": claim.payer_code, "charge": claim.charge,
        "paid": claim.paid, "patient_responsibility": claim.patient_responsibility,
        "claim_number": claim.payer_claim_control_number,
        "service_from": claim.first_service_date, "service_to": claim.last_service_date,
        "estimate_id": claim.estimate_id, "matched_by": claim.matched_by,
        "cancelled_by": claim.cancelled_by_id, "reverses": reverses.get(claim.id),
        "adjustments": claim.adjustments,
        "reasons": figures.reason_codes(_records(claim.adjustments)),
        "lines": [_line_view(line) for line in claim.lines],
    } for claim in remittance.claims]
    return {**summary(remittance), "claims": claims}
