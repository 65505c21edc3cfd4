"""The clinic calendar: open weekdays and closed dates (domain.md 2.1), one current version."""
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates

from costapi.api.access import allow
from costapi.api.parsing import Blueprint
from costapi.services import calendar as clinic_calendar

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar",
                description="The clinic calendar")

MAX_CLOSED_DATES = 1000


def _no_duplicates(values, what):
    seen, repeated = set(), []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    if repeated:
        raise ValidationError(f"Duplicate {what}: {', '.join(map(str, repeated))}.")


class CalendarSchema(Schema):
    open_days = fields.List(
        fields.String(validate=validate.OneOf(clinic_calendar.WEEKDAYS)), required=True,
        validate=validate.Length(1, 7),
        metadata={"description": "Weekdays the clinic is open: mon..sun, at least one.",
                  "example": ["mon", "tue", "wed", "thu", "fri"]})
    closed_dates = fields.List(
        fields.Date(), required=True, validate=validate.Length(0, MAX_CLOSED_DATES),
        metadata={"description": f"Dates the clinic is closed (at most {MAX_CLOSED_DATES}).",
                  "example": ["2026-12-25"]})

    @validates("open_days")
    def unique_days(self, value, **kwargs):
        _no_duplicates(value, "weekday")

    @validates("closed_dates")
    def unique_dates(self, value, **kwargs):
        _no_duplicates(value, "date")


@blp.route("")
class ClinicCalendar(MethodView):
    @allow("billing")
    @blp.etag
    @blp.response(200, CalendarSchema)
    def get(self):
        """Read the clinic calendar (the default, every day open, when none is stored)"""
        row = clinic_calendar.current()
        blp.set_etag(clinic_calendar.etag_data(row))
        return clinic_calendar.present(row)

    @allow("admin")
    @blp.etag
    @blp.arguments(CalendarSchema)
    @blp.response(200, CalendarSchema)
    @blp.alt_response(409, description="Another request wrote the calendar at the same time.")
    def put(self, data):
        """Replace the clinic calendar (If-Match required: the ETag of a GET, or `*`)"""
        row = clinic_calendar.current()
        blp.check_etag(clinic_calendar.etag_data(row))
        version = clinic_calendar.DEFAULT_VERSION if row is None else row.version
        row = clinic_calendar.write(data, expected_version=version)
        blp.set_etag(clinic_calendar.etag_data(row))
        return clinic_calendar.present(row)
