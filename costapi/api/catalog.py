"""Services the clinic delivers, with their charge and cash price."""
from marshmallow import Schema, fields, post_load, validate

from costapi.api.fields import Code, Money
from costapi.api.parsing import Blueprint
from costapi.api.rules import rule_routes
from costapi.pricing.vocabulary import CATEGORIES
from costapi.services.catalog import services

blp = Blueprint("services", __name__, url_prefix="/api/v1/services", description="Services")


class ServiceSchema(Schema):
    code = Code(required=True)
    description = fields.String(required=True, validate=validate.Length(1, 200))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    charge = Money(places=4, required=True)
    cash_price = Money(places=4, load_default=None, allow_none=True,
                       metadata={"description": "Defaults to the charge."})

    @post_load
    def cash_price_defaults_to_charge(self, data, **kwargs):
        if data.get("cash_price") is None:
            data["cash_price"] = data["charge"]
        return data


rule_routes(blp, services, ServiceSchema)
