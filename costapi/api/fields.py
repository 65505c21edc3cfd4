"""Field types of the contract: money and fractions as strings, short codes."""
import re
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from costapi.pricing.money import decimal_text

MONEY_LIMIT = Decimal("1000000000")
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
CATEGORIES = (
    "evaluation", "office_visit", "psychotherapy", "administration",
    "drug", "monitoring", "supply", "other",
)
MODALITIES = ("esketamine_nasal", "ketamine_iv", "ketamine_im", "ketamine_oral", "kap", "other")
PAYER_KINDS = ("commercial", "medicare", "medicare_advantage", "medicaid", "other")


class Money(fields.Field):
    """A non-negative amount as a string with at most `places` decimals; out with 2 (or more)."""

    def __init__(self, places=2, **kwargs):
        self.places = places
        self.pattern = re.compile(rf"^\d{{1,10}}(\.\d{{1,{places}}})?$")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError('Money is a string such as "120.00", never a number.')
        if not self.pattern.match(value):
            raise ValidationError(
                f"Not a valid amount: digits with at most {self.places} decimals, not negative."
            )
        amount = Decimal(value)
        if amount > MONEY_LIMIT:
            raise ValidationError("Amounts over one billion are not accepted.")
        return amount

    def _serialize(self, value, attr, obj, **kwargs):
        return decimal_text(value)


class Fraction(fields.Field):
    """A fraction from "0" to "1" as a string ("0.20")."""

    pattern = re.compile(r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self.pattern.match(value):
            raise ValidationError('A fraction from "0" to "1" as a string, e.g. "0.20".')
        return Decimal(value)

    def _serialize(self, value, attr, obj, **kwargs):
        return decimal_text(value)


class ByName(fields.Dict):
    """A mapping whose errors name the key itself (`phases.maintenance.per_week`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as error:
            messages = error.messages
            if isinstance(messages, dict):
                messages = {key: (item.get("value", item.get("key")) if isinstance(item, dict)
                                  and set(item) <= {"key", "value"} else item)
                            for key, item in messages.items()}
            raise ValidationError(messages) from None


def Code(**kwargs):  # noqa: N802 - a field factory reads like a field class
    return fields.String(
        validate=validate.Regexp(CODE_PATTERN, error="A short identifier: letters, digits, . _ -"),
        **kwargs,
    )


def register(api):
    api.register_field(Money, "string", "decimal")
    api.register_field(Fraction, "string", "decimal")
