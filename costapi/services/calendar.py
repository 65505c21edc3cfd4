"""The clinic calendar (domain.md 2.1): one versioned row, code "clinic", history kept.

No row stored means the default: every weekday open, no closed dates (the engine's
default calendar). Writes go through RuleStore, so they mark the rule cache changed.
"""
from datetime import date

from costapi.models.calendar import CLINIC_CALENDAR, Calendar
from costapi.pricing.inputs import Calendar as CalendarInput
from costapi.services.rule_cache import cached
from costapi.services.rules import RuleStore

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT = {"open_days": list(WEEKDAYS), "closed_dates": []}
DEFAULT_VERSION = 0  # the ETag of the default: {"code": "clinic", "version": 0}

calendars = RuleStore(Calendar, "calendar")


def current():
    """The current calendar row, or None when none is stored (or it was deleted)."""
    row = calendars.current(CLINIC_CALENDAR)
    return None if row is None or row.deleted_at is not None else row


def etag_data(row):
    return {"code": CLINIC_CALENDAR, "version": DEFAULT_VERSION if row is None else row.version}


def present(row):
    """What the API shows: the stored calendar, or the default."""
    if row is None:
        return {"open_days": list(DEFAULT["open_days"]), "closed_dates": []}
    return {"open_days": list(row.open_days),
            "closed_dates": [date.fromisoformat(day) for day in row.closed_dates]}


def _stored(data):
    """Validated data (weekday names, dates) as the row stores it: week order, sorted ISO."""
    return {
        "code": CLINIC_CALENDAR,
        "open_days": [day for day in WEEKDAYS if day in set(data["open_days"])],
        "closed_dates": sorted(day.isoformat() for day in data["closed_dates"]),
    }


def write(data, expected_version):
    """Replace the calendar (or create it when none is stored); the new row."""
    row = current()
    stored = _stored(data)
    if row is None:
        return calendars.create(stored)
    return calendars.replace(CLINIC_CALENDAR, stored, expected_version=expected_version)


def same_as_current(data):
    """Whether `data` equals the stored calendar (the fixture loader leaves it alone then)."""
    row = current()
    stored = _stored(data)
    return row is not None and (row.open_days, row.closed_dates) == (
        stored["open_days"], stored["closed_dates"])


def calendar_input(row):
    return CalendarInput(
        open_weekdays=frozenset(WEEKDAYS.index(day) for day in row.open_days),
        closed_dates=frozenset(date.fromisoformat(day) for day in row.closed_dates),
        id=row.id,
    )


def _load(codes):
    row = current()
    return {} if row is None else {CLINIC_CALENDAR: calendar_input(row)}


def engine_calendar():
    """The calendar an estimate uses, as an engine input (cached per rule generation)."""
    return cached("calendar", [CLINIC_CALENDAR], _load).get(CLINIC_CALENDAR, CalendarInput())
