"""What a client sends to estimate: plan, start date, overrides, coverage, patient."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from costapi.api.fields import ByName, Code, Flag, Fraction, Money, Pattern
from costapi.api.payers import DIAGNOSIS_PATTERN
from costapi.pricing.vocabulary import AUTHORIZATION_STATES, CATEGORIES, COVERAGE_TYPES, NETWORKS
from costapi.services.errors import Invalid
from costapi.services.request_rules import (
    BIRTH_DATE_MESSAGE,
    START_DATE_MESSAGE,
    birth_date_plausible,
    met_over_total,
    start_date_fits,
)

INSURANCE_ONLY = ("payer", "benefits", "eligibility_check", "diagnosis_codes",
                  "prior_authorization", "prior_authorization_through", "programs",
                  "programs_used")
SELF_PAY_ONLY = ("household_income", "household_size", "discounts")


class PhaseOverrideSchema(Schema):
    sessions = fields.Integer(strict=True, validate=validate.Range(0, 366))
    interval_days = fields.Integer(strict=True, validate=validate.Range(1, 365))
    per_week = fields.Integer(strict=True, validate=validate.Range(1, 7))
    starts_after_days = fields.Integer(strict=True, validate=validate.Range(0, 180))

    @validates_schema
    def one_cadence(self, data, **kwargs):
        if "interval_days" in data and "per_week" in data:
            raise ValidationError("Give interval_days or per_week, not both.", "per_week")


class AmountsSchema(Schema):
    deductible = Money(allow_none=True)
    deductible_met = Money()
    out_of_pocket_max = Money(allow_none=True)
    out_of_pocket_met = Money()

    @validates_schema
    def met_within_totals(self, data, **kwargs):
        over = met_over_total(data)
        if over:
            raise ValidationError({met: [f"{met} may not exceed {total}."]
                                   for met, total in over.items()})


class NetworkBenefitsSchema(AmountsSchema):
    coinsurance = Fraction(allow_none=True)
    family = fields.Nested(AmountsSchema, allow_none=True)


class BenefitsSchema(NetworkBenefitsSchema):
    plan_year_start = fields.Date(allow_none=True)
    copays = ByName(keys=fields.String(validate=validate.OneOf(CATEGORIES)),
                         values=Money())
    out_of_network = fields.Nested(NetworkBenefitsSchema, allow_none=True)
    accumulator_program = Flag()
    visits_used = ByName(
        keys=fields.String(validate=Pattern(r"^[1-9][0-9]{0,9}$",
                                                    error="A policy id.")),
        values=fields.Integer(strict=True, validate=validate.Range(0, 366)),
        metadata={"description": "Visits already used this plan year, per policy id."},
    )


class CoverageSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(COVERAGE_TYPES))
    payer = Code()
    network = fields.String(load_default="in", validate=validate.OneOf(NETWORKS))
    benefits = fields.Nested(BenefitsSchema)
    eligibility_check = fields.String(allow_none=True, validate=validate.Length(1, 36))
    diagnosis_codes = fields.List(
        fields.String(validate=Pattern(DIAGNOSIS_PATTERN.replace(r"\*?", ""),
                                               error="An ICD-10 code such as F33.2.")),
        validate=validate.Length(0, 12),
    )
    prior_authorization = fields.String(validate=validate.OneOf(AUTHORIZATION_STATES))
    prior_authorization_through = fields.Date(allow_none=True)
    programs = fields.List(Code(), validate=validate.Length(0, 10))
    programs_used = ByName(keys=Code(), values=Money())
    household_income = Money(allow_none=True)
    household_size = fields.Integer(allow_none=True, strict=True,
                                    validate=validate.Range(1, 30))
    discounts = fields.List(Code(), validate=validate.Length(0, 10))

    @validates_schema
    def fields_of_type(self, data, **kwargs):
        """Which fields each coverage type takes. Whether an insured request needs benefits
        or an eligibility check depends on its payer: services/estimate_rules.load_rules."""
        errors = {}
        if data.get("type") == "insurance":
            if not data.get("payer"):
                errors["payer"] = ["Required for insurance coverage."]
            for name in SELF_PAY_ONLY:
                if name in data:
                    errors[name] = ["Only for self-pay coverage."]
        elif data.get("type") == "self_pay":
            for name in INSURANCE_ONLY + ("network",):
                if name in data and not (name == "network" and data[name] == "in"):
                    errors[name] = ["Only for insurance coverage."]
            if (data.get("household_income") is None) != (data.get("household_size") is None):
                errors["household_size"] = ["Give household_income and household_size together."]
        if errors:
            raise ValidationError(errors)


class PatientSchema(Schema):
    reference = fields.String(validate=validate.Length(1, 64))
    name = fields.String(validate=validate.Length(1, 200))
    date_of_birth = fields.Date()

    @validates_schema
    def born_in_the_past(self, data, **kwargs):
        born = data.get("date_of_birth")
        if born is not None and not birth_date_plausible(born):
            raise ValidationError(BIRTH_DATE_MESSAGE, "date_of_birth")


class EstimateRequestSchema(Schema):
    plan = Code(required=True)
    start_date = fields.Date(required=True)
    phases = ByName(keys=fields.String(validate=validate.Length(1, 64)),
                         values=fields.Nested(PhaseOverrideSchema))
    coverage = fields.Nested(CoverageSchema, required=True)
    patient = fields.Nested(PatientSchema)

    @validates_schema
    def start_within_reason(self, data, **kwargs):
        start = data.get("start_date")
        if start is not None and not start_date_fits(start):
            raise ValidationError(START_DATE_MESSAGE, "start_date")


class CompareRequestSchema(Schema):
    options = fields.List(fields.Nested(EstimateRequestSchema), required=True,
                          validate=validate.Length(2, 10))


def load_request(raw):
    """A stored or sent estimate request, validated: the request, or Invalid naming its fields."""
    try:
        return EstimateRequestSchema().load(raw)
    except ValidationError as error:
        raise Invalid.at((), error.messages) from None


EXAMPLE = {
    "plan": "spravato-56-commercial",
    "start_date": "2027-01-04",
    "phases": {"maintenance": {"sessions": 6, "interval_days": 14}},
    "coverage": {
        "type": "insurance", "payer": "acme-ppo", "network": "in",
        "benefits": {"plan_year_start": "2027-01-01", "deductible": "1500.00",
                     "deductible_met": "0.00", "out_of_pocket_max": "5000.00",
                     "out_of_pocket_met": "0.00", "coinsurance": "0.20",
                     "copays": {"office_visit": "30.00"}},
        "diagnosis_codes": ["F33.2"], "prior_authorization": "approved",
        "prior_authorization_through": "2027-06-30", "programs": ["spravato-savings"]},
    "patient": {"reference": "MRN-1001", "name": "Jane Doe", "date_of_birth": "1985-02-14"},
}
COMPARE_EXAMPLE = {"options": [
    {key: value for key, value in EXAMPLE.items() if key != "patient"},
    {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
     "coverage": {"type": "self_pay"}},
]}
