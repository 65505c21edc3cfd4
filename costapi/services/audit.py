"""The audit trail: write one event in a transaction of its own; list, export and purge."""
import logging
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from costapi.db import session
from costapi.models.audit import AuditEvent
from costapi.models.auth import ApiKey
from costapi.models.versioned import utcnow

log = logging.getLogger(__name__)
COLUMNS = ("id", "at", "key_id", "key_name", "action", "resource", "form", "resource_id",
           "client_address", "method", "route", "status")


def _audit_session():
    """A session of its own, so the event survives the request's rolled-back transaction.

    In production the app's session is bound to the engine: the event takes its own pooled
    connection and commits. The tests bind the app's session to one connection inside a
    transaction they roll back (tests/conftest.py); the event then goes into a SAVEPOINT of
    that connection, so the test sees it and the test's rollback still removes it.
    """
    bind = session.session_factory.kw.get("bind")
    if isinstance(bind, Connection):
        return Session(bind=bind, join_transaction_mode="create_savepoint")
    return Session(bind=bind)


def end_request_transaction():
    """Roll back what the request left uncommitted (teardown would), freeing SQLite's lock."""
    if not session.registry.has():
        return
    try:
        session.rollback()
    except SQLAlchemyError:
        session.remove()


def record(**values):
    """Insert one event and commit it; a failure is logged with the event (never PHI).

    The key's name is copied from api_keys in the same INSERT (the request knows only its id).
    """
    key_name = None
    if values.get("key_id") is not None:
        key_name = select(ApiKey.name).where(ApiKey.id == values["key_id"]).scalar_subquery()
    try:
        with _audit_session() as audit_session:
            audit_session.add(AuditEvent(at=utcnow(), key_name=key_name, **values))
            audit_session.commit()
    except SQLAlchemyError as error:
        unstored(values, type(error).__name__)


def unstored(values, why):
    """An event that could not be stored goes to the error log instead (it holds no PHI)."""
    log.error("audit event not stored (%s): %s", why, values)


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(query, filters):
    if filters.get("start"):
        query = query.where(AuditEvent.at >= _day_start(filters["start"]))
    if filters.get("end"):
        query = query.where(AuditEvent.at < _day_start(filters["end"] + timedelta(days=1)))
    for name, column in (("key", AuditEvent.key_id), ("resource", AuditEvent.resource),
                         ("resource_id", AuditEvent.resource_id),
                         ("action", AuditEvent.action)):
        if filters.get(name) is not None:
            query = query.where(column == filters[name])
    outcome = filters.get("outcome")
    if outcome:
        if outcome.endswith("xx"):
            low = int(outcome[0]) * 100
            query = query.where(AuditEvent.status >= low, AuditEvent.status < low + 100)
        else:
            query = query.where(AuditEvent.status == int(outcome))
    return query


def count(filters):
    return session.scalar(_filtered(select(func.count(AuditEvent.id)), filters))


def page(filters, first, size):
    query = _filtered(select(AuditEvent), filters).order_by(AuditEvent.at.desc(),
                                                            AuditEvent.id.desc())
    return session.scalars(query.offset(first).limit(size)).all()


def events_between(start, end, chunk_size=1000):
    """The events of the days start..end (UTC, inclusive), oldest first, as dicts."""
    filters = {"start": start, "end": end}
    last_id = 0
    while True:
        query = (_filtered(select(AuditEvent), filters).where(AuditEvent.id > last_id)
                 .order_by(AuditEvent.id).limit(chunk_size))
        rows = session.scalars(query).all()
        for row in rows:
            yield as_dict(row)
        if len(rows) < chunk_size:
            return
        last_id = rows[-1].id


def as_dict(row):
    values = {name: getattr(row, name) for name in COLUMNS}
    at = values["at"]
    values["at"] = (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat().replace(
        "+00:00", "Z")
    return values


def purge(days):
    """Delete the events older than `days` days: the only deletion of the audit trail."""
    cutoff = utcnow() - timedelta(days=days)
    result = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    session.commit()
    return result.rowcount
