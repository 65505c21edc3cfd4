"""Treatment plan templates: phases with a cadence and the services of each visit."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from costapi.api.fields import Benefit, Code, Pattern
from costapi.api.parsing import Blueprint
from costapi.api.rules import rule_routes
from costapi.pricing.vocabulary import MODALITIES, PAYER_KINDS, PHASE_KINDS
from costapi.services.plans import plans

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="Treatment plans")

SESSIONS = validate.Range(0, 366)


class VisitItemSchema(Schema):
    service = Code(required=True)
    units = fields.Integer(required=True, validate=validate.Range(1, 10000), strict=True)
    benefit = Benefit("pharmacy: a specialty pharmacy dispenses it under the member's pharmacy "
                      "benefit and the clinic does not bill it; left out: medical.")


class VisitChangeSchema(Schema):
    from_session = fields.Integer(
        required=True, validate=validate.Range(2, 366), strict=True,
        metadata={"description": "The 1-based session of the phase from which `visit` "
                                 "applies (until the next change)."})
    visit = fields.List(
        fields.Nested(VisitItemSchema), required=True, validate=validate.Length(1, 20)
    )


def increasing_changes(changes):
    """visit_changes' from_session strictly increase (domain 2): a 422 naming the item."""
    previous = None
    for i, change in enumerate(changes or ()):
        start = change["from_session"]
        if previous is not None and start <= previous:
            raise ValidationError({str(i): {"from_session": [
                f"from_session must be above the previous change's ({previous})."]}},
                "visit_changes")
        previous = start


def visit_changes_field():
    return fields.List(
        fields.Nested(VisitChangeSchema), validate=validate.Length(0, 20),
        metadata={"description": "Sessions from `from_session` on use another visit (a dose "
                                 "escalation: 56 mg on session 1, 84 mg from session 2); "
                                 "a change past the last session is unused."})


class PhaseSchema(Schema):
    name = fields.String(required=True, validate=Pattern(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"))
    kind = fields.String(required=True, validate=validate.OneOf(PHASE_KINDS))
    sessions = fields.Integer(required=True, validate=SESSIONS, strict=True)
    interval_days = fields.Integer(validate=validate.Range(1, 365), strict=True, allow_none=True)
    per_week = fields.Integer(validate=validate.Range(1, 7), strict=True, allow_none=True)
    sessions_min = fields.Integer(validate=SESSIONS, strict=True, allow_none=True)
    sessions_max = fields.Integer(validate=SESSIONS, strict=True, allow_none=True)
    starts_after_days = fields.Integer(
        validate=validate.Range(0, 180), strict=True,
        metadata={"description": "Days after the previous phase's span (the first phase: "
                                 "after start_date); a phase with 0 sessions adds no gap."})
    visit = fields.List(
        fields.Nested(VisitItemSchema), required=True, validate=validate.Length(1, 20)
    )
    visit_changes = visit_changes_field()

    @validates_schema
    def one_cadence_and_bounds(self, data, **kwargs):
        increasing_changes(data.get("visit_changes"))
        if (data.get("interval_days") is None) == (data.get("per_week") is None):
            raise ValidationError(
                "A phase has exactly one cadence: interval_days or per_week.", "interval_days"
            )
        low, high = data.get("sessions_min"), data.get("sessions_max")
        if low is not None and low > data["sessions"]:
            raise ValidationError("sessions_min may not exceed sessions.", "sessions_min")
        if high is not None and high < data["sessions"]:
            raise ValidationError("sessions_max may not be below sessions.", "sessions_max")


class PlanSchema(Schema):
    code = Code(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES))
    description = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(0, 4000))
    public_name = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 200),
        metadata={"description": "What patients read (the public calculator); `name` is staff's."})
    public_description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(0, 4000),
        metadata={"description": "Patient-facing text: what happens and how often."})
    payer_kinds = fields.List(
        fields.String(validate=validate.OneOf(PAYER_KINDS)), load_default=list,
        validate=validate.Length(0, len(PAYER_KINDS)),
        metadata={"description": "The payer kinds this plan is billed for (3.2 step 8); "
                                 "empty: every payer."})
    phases = fields.List(fields.Nested(PhaseSchema), required=True, validate=validate.Length(1, 20))

    @validates_schema
    def unique_phase_names(self, data, **kwargs):
        seen = set()
        for i, phase in enumerate(data.get("phases", [])):
            if phase["name"] in seen:
                raise ValidationError(
                    {str(i): {"name": [f"Duplicate phase name {phase['name']!r}."]}}, "phases"
                )
            seen.add(phase["name"])


rule_routes(blp, plans, PlanSchema)
