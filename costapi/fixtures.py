"""Seed rule data from fixtures/*.yaml, through the same validation as the API."""
from pathlib import Path

import yaml
from marshmallow import ValidationError

from costapi.api.calendar import CalendarSchema
from costapi.api.catalog import ServiceSchema
from costapi.api.discounts import DiscountSchema
from costapi.api.payers import PayerSchema
from costapi.api.plans import PlanSchema
from costapi.api.programs import ProgramSchema
from costapi.services import calendar as clinic_calendar
from costapi.services.assistance import programs
from costapi.services.catalog import services
from costapi.services.discounts import discounts
from costapi.services.errors import ServiceError
from costapi.services.payers import payers, view
from costapi.services.plans import plans

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

# In dependency order: plans need services, discounts need plans.
RESOURCES = (
    ("services.yaml", services, ServiceSchema, None),
    ("plans.yaml", plans, PlanSchema, None),
    ("payers.yaml", payers, PayerSchema, view),
    ("programs.yaml", programs, ProgramSchema, None),
    ("discounts.yaml", discounts, DiscountSchema, None),
)
CALENDAR_FILE = "calendar.yaml"  # one mapping (open_days, closed_dates), not a list


class FixtureError(Exception):
    pass


def _comparable(value):
    """A dumped item without read-only ids and absent (null) fields."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()
                if key != "id" and item is not None}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def load_fixtures(directory=FIXTURES_DIR):
    """Create missing items, replace changed ones, leave equal ones alone. Returns counts."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for filename, store, schema_class, present in RESOURCES:
        path = Path(directory) / filename
        if not path.exists():
            continue
        schema = schema_class()
        for index, item in enumerate(yaml.safe_load(path.read_text()) or []):
            try:
                data = schema.load(item)
            except ValidationError as error:
                raise FixtureError(f"{filename} item {index}: {error.messages}") from None
            try:
                counts[_apply(store, schema, present, data)] += 1
            except ServiceError as error:
                raise FixtureError(
                    f"{filename} item {index}: {error.message} {error.errors or ''}"
                ) from None
    calendar = Path(directory) / CALENDAR_FILE
    if calendar.exists():
        counts[_load_calendar(yaml.safe_load(calendar.read_text()) or {})] += 1
    return counts


def _load_calendar(item):
    """The clinic calendar through the API's schema: created, replaced or left alone."""
    try:
        data = CalendarSchema().load(item)
    except ValidationError as error:
        raise FixtureError(f"{CALENDAR_FILE}: {error.messages}") from None
    row = clinic_calendar.current()
    if row is not None and clinic_calendar.same_as_current(data):
        return "unchanged"
    try:
        clinic_calendar.write(data, expected_version=None if row is None else row.version)
    except ServiceError as error:
        raise FixtureError(f"{CALENDAR_FILE}: {error.message} {error.errors or ''}") from None
    return "created" if row is None else "updated"


def _apply(store, schema, present, data):
    row = store.current(data["code"])
    if row is None or row.deleted_at is not None:
        store.create(data)
        return "created"
    stored = schema.dump(present(row) if present else row)
    if _comparable(stored) == _comparable(schema.dump(data)):
        return "unchanged"
    store.replace(data["code"], data, expected_version=row.version)
    return "updated"
