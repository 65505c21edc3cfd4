"""Field types of the contract: money and fractions as strings, short codes."""
import re
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from costapi.models.versioned import as_utc
from costapi.pricing.money import decimal_text

# Still imported from here by api/public.py; the words themselves live in pricing/vocabulary.

MONEY_LIMIT = Decimal("1000000000")
NOT_TEXT = 'Money is a string such as "120.00", never a number.'
NOT_NEGATIVE = "The amount may not be negative."
OVER_LIMIT = "Amounts over one billion are not accepted."
NEGATIVE = re.compile(r"^-\d+(\.\d+)?$")
TOO_LARGE = re.compile(r"^0*[1-9]\d{10,}(\.\d+)?$")
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
BENEFITS = ("medical", "pharmacy")  # which of the member's benefits an item goes through (3.8)


class Pattern(validate.Regexp):
    """validate.Regexp over the whole text: `re.match` with `$` lets a trailing newline in."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Money(fields.Field):
    """A non-negative amount as a string with at most `places` decimals; out with 2 (or more)."""

    def __init__(self, places=2, **kwargs):
        self.places = places
        self.pattern = re.compile(rf"^\d{{1,10}}(\.\d{{1,{places}}})?$")
        # What the two checks below accept, as one pattern for the OpenAPI document.
        decimals = rf"{{1,{places}}}"
        self.documented_pattern = rf"^(0?\d{{1,9}}(\.\d{decimals})?|1000000000(\.0{decimals})?)$"
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(NOT_TEXT)
        if not self.pattern.fullmatch(value):
            if NEGATIVE.fullmatch(value):
                raise ValidationError(NOT_NEGATIVE)
            if TOO_LARGE.fullmatch(value):
                raise ValidationError(OVER_LIMIT)
            raise ValidationError(self.format_message())
        amount = Decimal(value)
        if amount > MONEY_LIMIT:
            raise ValidationError(OVER_LIMIT)
        return amount

    def format_message(self):
        """What an amount looks like, in the words of someone filling in a form."""
        if self.places == 2:
            return 'An amount in dollars and cents, such as "120.00".'
        return (f"An amount in dollars, with at most {self.places} digits after the point, "
                'such as "120.00" or "4.2500".')

    def _serialize(self, value, attr, obj, **kwargs):
        return decimal_text(value)


class Cents(Money):
    """An amount the API computes: a string with exactly two decimals ("1234.50")."""

    pattern_text = r"^\d+\.\d{2}$"


class Fraction(fields.Field):
    """A fraction from "0" to "1" as a string ("0.20")."""

    pattern = re.compile(r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise ValidationError('A fraction from "0" to "1" as a string, e.g. "0.20".')
        return Decimal(value)

    def _serialize(self, value, attr, obj, **kwargs):
        return decimal_text(value)


class Flag(fields.Boolean):
    """JSON true or false, nothing else (marshmallow's Boolean also takes 1, "yes", "on")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


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
        validate=Pattern(CODE_PATTERN, error="A short identifier: letters, digits, . _ -"),
        **kwargs,
    )


def Benefit(description, **kwargs):  # noqa: N802 - a field factory reads like a field class
    """`medical` (the clinic bills it) or `pharmacy` (a specialty pharmacy dispenses it)."""
    return fields.String(validate=validate.OneOf(BENEFITS),
                         metadata={"description": description, "default": "medical"}, **kwargs)


class Timestamp(fields.DateTime):
    """A UTC instant, ISO 8601 with a Z ("2027-01-04T09:30:00.123456Z"); naive values are UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return as_utc(value).isoformat().replace("+00:00", "Z")


def _patterns(self, field, **kwargs):
    """Document the text forms of money and fractions, so clients (and fuzzers) can see them."""
    if isinstance(field, Cents):
        return {"pattern": Cents.pattern_text, "example": "1234.50"}
    if isinstance(field, Money):
        return {"pattern": field.documented_pattern, "example": "120.00"}
    if isinstance(field, Fraction):
        return {"pattern": Fraction.pattern.pattern, "example": "0.20"}
    return {}


def register(api):
    api.register_field(Money, "string", "decimal")
    api.register_field(Cents, "string", "decimal")
    api.register_field(Fraction, "string", "decimal")
    api.ma_plugin.converter.add_attribute_function(_patterns)
