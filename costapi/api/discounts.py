"""Self-pay discounts: a sliding scale by household income, or a package price for a phase."""
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from costapi.api.fields import Code, Fraction, Money
from costapi.api.parsing import Blueprint
from costapi.api.rules import rule_routes
from costapi.services.discounts import discounts

blp = Blueprint("discounts", __name__, url_prefix="/api/v1/discounts",
                description="Self-pay discounts")

FIELDS_BY_KIND = {
    "sliding_scale": ("poverty_base", "poverty_per_additional_person", "tiers"),
    "package": ("plan", "phase", "sessions", "price"),
}


class TierSchema(Schema):
    max_percent_of_poverty = fields.Integer(required=True, strict=True,
                                            validate=validate.Range(1, 10000))
    percent_off = Fraction(required=True)


class DiscountSchema(Schema):
    code = Code(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(tuple(FIELDS_BY_KIND)))
    poverty_base = Money(allow_none=True, metadata={"description": "sliding_scale: guideline "
                         "income for a household of one"})
    poverty_per_additional_person = Money(allow_none=True)
    tiers = fields.List(fields.Nested(TierSchema), allow_none=True,
                        validate=validate.Length(1, 20))
    plan = Code(allow_none=True, metadata={"description": "package: the plan's code"})
    phase = fields.String(allow_none=True, validate=validate.Length(1, 64))
    sessions = fields.Integer(allow_none=True, strict=True, validate=validate.Range(1, 366))
    price = Money(allow_none=True)

    @validates_schema
    def fields_of_kind(self, data, **kwargs):
        kind = data.get("kind")
        if kind not in FIELDS_BY_KIND:
            return
        errors = {}
        for other, names in FIELDS_BY_KIND.items():
            for name in names:
                if other == kind and data.get(name) is None:
                    errors[name] = [f"Required for a {kind} discount."]
                elif other != kind and data.get(name) is not None:
                    errors[name] = [f"Not part of a {kind} discount."]
        limits = [tier["max_percent_of_poverty"] for tier in data.get("tiers") or []]
        if len(set(limits)) != len(limits):
            errors["tiers"] = ["Each tier needs its own max_percent_of_poverty."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def tiers_in_order(self, data, **kwargs):
        if data.get("tiers"):
            data["tiers"] = [
                {"max_percent_of_poverty": tier["max_percent_of_poverty"],
                 "percent_off": str(tier["percent_off"])}
                for tier in sorted(data["tiers"], key=lambda tier: tier["max_percent_of_poverty"])
            ]
        return data


rule_routes(blp, discounts, DiscountSchema)
