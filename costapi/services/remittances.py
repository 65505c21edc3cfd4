"""Remittances: read an 835, store it once, match its claims and lines to estimates
(domain.md section 7); the accuracy report over what is stored.

The raw file, member ids and names are PHI: they stay in the database (the raw file until
the retention purge), never in a log line or an error message.
"""
import traceback
import uuid
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from costapi.db import session
from costapi.models import Payer
from costapi.models.remittances import Remittance, RemittanceClaim
from costapi.models.versioned import as_utc, utcnow
from costapi.remittances import figures
from costapi.services.claim_matching import Matcher, count_matches
from costapi.services.errors import Invalid, NotFound, field_errors
from costapi.services.retention import purge_raw
from costapi.x12.remittance import Adjustment, X12Error
from costapi.x12.remittance_advice import read_835

AMOUNT_LIMIT = Decimal("1000000000")
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
        count_matches(remittance)
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
    return purge_raw(Remittance, "raw_file", days, now)


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
