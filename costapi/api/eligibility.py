"""Real-time eligibility checks: the member's benefits from the payer, through the clearinghouse."""
from flask import g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from costapi.api.access import allow
from costapi.api.estimate_requests import BenefitsSchema
from costapi.api.fields import Code, Flag, Pattern, Timestamp
from costapi.api.parsing import Blueprint
from costapi.eligibility.benefits import SERVICE_TYPES
from costapi.pricing.vocabulary import NETWORKS
from costapi.services import eligibility
from costapi.services.request_rules import BIRTH_DATE_MESSAGE, birth_date_plausible

blp = Blueprint("eligibility", __name__, url_prefix="/api/v1/eligibility",
                description="Real-time eligibility (270/271 through the clearinghouse)")

CHECK_ID = "<string(maxlength=36):id>"
NAME = Pattern(r"^[^*~^:|\\\x00-\x1f\x7f]+$", error="Letters, spaces, ' . - only.")


class CheckRequestSchema(Schema):
    payer = Code(required=True)
    member_id = fields.String(required=True, validate=Pattern(
        r"^[A-Za-z0-9-]{2,80}$", error="2 to 80 letters, digits or hyphens."))
    first_name = fields.String(required=True, validate=[validate.Length(1, 35), NAME])
    last_name = fields.String(required=True, validate=[validate.Length(1, 60), NAME])
    date_of_birth = fields.Date(required=True)
    service_type = fields.String(load_default="MH", validate=validate.OneOf(SERVICE_TYPES),
                                 metadata={"description": "X12 service type code"})
    network = fields.String(load_default="in", validate=validate.OneOf(NETWORKS))
    refresh = Flag(load_default=False, metadata={
        "description": "Ask the payer even when a fresh stored check exists."})

    @validates_schema
    def plausible(self, data, **kwargs):
        born = data.get("date_of_birth")
        if born is not None and not birth_date_plausible(born):
            raise ValidationError(BIRTH_DATE_MESSAGE, "date_of_birth")
        for name in ("first_name", "last_name"):
            if name in data and not data[name].strip():
                raise ValidationError("May not be blank.", name)


class CheckWarningSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    field = fields.String(metadata={"description": "the benefits field the warning is about"})


class CheckSchema(Schema):
    id = fields.String(required=True)
    created_at = Timestamp(required=True)
    reused = fields.Boolean(required=True, metadata={
        "description": "true: a fresh stored check answered instead of a new paid request"})
    payer = fields.String(required=True)
    service_type = fields.String(required=True)
    network = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("active", "inactive")))
    plan_name = fields.String(allow_none=True)
    plan_begin = fields.Date(allow_none=True)
    plan_end = fields.Date(allow_none=True)
    benefits = fields.Nested(BenefitsSchema, required=True, metadata={
        "description": "Usable as an estimate request's coverage.benefits."})
    qmb = fields.Boolean(required=True, metadata={
        "description": "The 271's insurance type QM: a Qualified Medicare Beneficiary (an "
                       "estimate's coverage.qmb overrides it)."})
    confidence = fields.String(required=True, validate=validate.OneOf(("high", "low")))
    warnings = fields.List(fields.Nested(CheckWarningSchema), required=True)
    prior_authorization_required = fields.List(fields.String(), required=True, metadata={
        "description": "service type codes the payer flags for prior authorization"})


@blp.route("/checks")
class Checks(MethodView):
    @allow("billing")
    @blp.arguments(CheckRequestSchema(), example={
        "payer": "acme-ppo", "member_id": "W123456789", "first_name": "Jane",
        "last_name": "Doe", "date_of_birth": "1985-02-14", "service_type": "MH"})
    @blp.response(201, CheckSchema)
    @blp.alt_response(200, schema=CheckSchema,
                      description="A fresh stored check for the same member (reused: true).")
    @blp.alt_response(422, description="Invalid fields, or a payer rejection naming the field.")
    @blp.alt_response(429, description="The clearinghouse limits requests (Retry-After).")
    @blp.alt_response(502, description="The clearinghouse gave no usable answer.")
    @blp.alt_response(503, description="Real-time eligibility is not configured.")
    @blp.alt_response(504, description="The clearinghouse did not answer in time.")
    def post(self, data):
        """Check a member's eligibility and benefits with the payer (or reuse a fresh check)"""
        check, reused = eligibility.create(data, g.api_key.id)
        return eligibility.view(check, reused), 200 if reused else 201


@blp.route(f"/checks/{CHECK_ID}")
class CheckById(MethodView):
    @allow("billing")
    @blp.response(200, CheckSchema)
    @blp.alt_response(404, description="No such check.")
    def get(self, id):
        """Read a stored eligibility check"""
        return eligibility.view(eligibility.get(id))
