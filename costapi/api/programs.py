"""Assistance programs, such as a manufacturer's savings program."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from costapi.api.fields import Code, Money
from costapi.api.parsing import Blueprint
from costapi.api.rules import rule_routes
from costapi.pricing.vocabulary import CATEGORIES, PAYER_KINDS, PROGRAM_PAYMENTS, US_STATES
from costapi.services.assistance import programs

blp = Blueprint("programs", __name__, url_prefix="/api/v1/programs",
                description="Assistance programs")


class ProgramSchema(Schema):
    code = Code(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    services = fields.List(Code(), load_default=list, validate=validate.Length(0, 100))
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)),
                             load_default=list)
    payer_kinds = fields.List(fields.String(validate=validate.OneOf(PAYER_KINDS)),
        required=True, validate=validate.Length(1, len(PAYER_KINDS)))
    patient_pays_per_visit = Money(required=True)
    annual_max = Money(load_default=None, allow_none=True)
    paid_as = fields.String(load_default="point_of_sale", validate=validate.OneOf(PROGRAM_PAYMENTS),
                            metadata={"description": "point_of_sale: taken off what the patient "
                                      "pays at the visit; rebate: paid back after the claim"})
    excluded_states = fields.List(
        fields.String(validate=validate.OneOf(US_STATES, error="A two-letter US state.")),
        load_default=list, validate=validate.Length(0, len(US_STATES)),
        metadata={"description": "States where the program pays nothing."})

    @validates_schema
    def states_once(self, data, **kwargs):
        states = data.get("excluded_states") or []
        if len(set(states)) != len(states):
            raise ValidationError("Each state once.", "excluded_states")

    @validates_schema
    def pays_for_something(self, data, **kwargs):
        if not data.get("services") and not data.get("categories"):
            raise ValidationError("Name the services or categories the program pays for.",
                                  "services")


rule_routes(blp, programs, ProgramSchema)
