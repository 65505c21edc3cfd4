"""What a client sends to estimate: plan, start date, overrides, coverage, patient."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from costapi.api.fields import ByName, Code, Flag, Fraction, Money, Pattern
from costapi.api.payers import DIAGNOSIS_PATTERN
from costapi.api.plans import VisitItemSchema, increasing_changes, visit_changes_field
from costapi.pricing.inputs import SECONDARY_METHODS, Copay
from costapi.pricing.money import decimal_text
from costapi.pricing.vocabulary import (
    AUTHORIZATION_STATES,
    CATEGORIES,
    COVERAGE_TYPES,
    NETWORKS,
    US_STATES,
)
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
                  "programs_used", "secondary", "waiver_signed", "qmb", "patient_state")
SELF_PAY_ONLY = ("household_income", "household_size", "discounts")
SECONDARY_IN_NETWORK = "Secondary coverage is modelled in network only."
SAME_PAYER = "The secondary payer must be another payer than the primary."
# 3.2 step 7: the reasons a signed waiver (an ABN) can shift to the patient
WAIVER_REASONS = ("policy_exclusion", "diagnosis", "prior_authorization_denied", "visit_limit")


class PhaseOverrideSchema(Schema):
    sessions = fields.Integer(strict=True, validate=validate.Range(0, 366))
    interval_days = fields.Integer(strict=True, validate=validate.Range(1, 365))
    per_week = fields.Integer(strict=True, validate=validate.Range(1, 7))
    starts_after_days = fields.Integer(strict=True, validate=validate.Range(0, 180))
    visit = fields.List(
        fields.Nested(VisitItemSchema), validate=validate.Length(1, 20),
        metadata={"description": "Replaces the plan's visit (and, without visit_changes, "
                                 "clears the plan's visit changes)."})
    visit_changes = visit_changes_field()

    @validates_schema
    def one_cadence(self, data, **kwargs):
        increasing_changes(data.get("visit_changes"))
        if "interval_days" in data and "per_week" in data:
            raise ValidationError("Give interval_days or per_week, not both.", "per_week")


def _met_within_totals(data):
    over = met_over_total(data)
    if over:
        raise ValidationError({met: [f"{met} may not exceed {total}."]
                               for met, total in over.items()})


def _by_category(values, **kwargs):
    return ByName(keys=fields.String(validate=validate.OneOf(CATEGORIES)), values=values,
                  **kwargs)


class CopaySchema(Schema):
    """A copay as an object: `after_deductible` true is owed only once the deductible is met
    (domain 3.4, HDHP plans)."""

    amount = Money(required=True)
    after_deductible = Flag(load_default=False)


_MONEY = Money()
COPAY_MESSAGE = ('A copay is an amount such as "30.00", or {"amount": "30.00", '
                 '"after_deductible": true}.')


class CopayAmount(fields.Field):
    """One `copays` value: an amount (an ordinary copay, a Decimal once loaded) or
    `{"amount", "after_deductible"}` (loaded as a dict with both keys). Dumped the same way;
    a pricing.Copay dumps as the object."""

    def __init__(self, **kwargs):
        money = {"type": "string", "pattern": _MONEY.documented_pattern, "example": "30.00"}
        kwargs.setdefault("metadata", {"oneOf": [money, {
            "type": "object", "additionalProperties": False, "required": ["amount"],
            "properties": {"amount": money, "after_deductible": {
                "type": "boolean", "default": False,
                "description": "true: owed only once the deductible is met."}}}]})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            return CopaySchema().load(value)
        if not isinstance(value, str):
            raise ValidationError(COPAY_MESSAGE)
        return _MONEY._deserialize(value, attr, data, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, Copay):
            value = {"amount": value.amount, "after_deductible": value.after_deductible}
        if isinstance(value, dict):
            return {"amount": decimal_text(value["amount"]),
                    "after_deductible": bool(value.get("after_deductible", False))}
        return decimal_text(value)


class WaiverSigned(fields.Field):
    """`coverage.waiver_signed` (3.2 step 7): true (every reason a waiver can shift), false,
    or the reason codes the patient's signed notices cover (unique; loaded as a list)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {
            "description": "true: every reason a waiver can shift; or the reason codes the "
                           "patient's signed notices (ABNs) cover.",
            "oneOf": [{"type": "boolean"}, {"type": "array", "uniqueItems": True, "items": {
                "type": "string", "enum": list(WAIVER_REASONS)}}]})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if not isinstance(value, list):
            raise ValidationError("true, false, or a list of reason codes.")
        errors = {}
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in WAIVER_REASONS:
                errors[index] = [f"Must be one of: {', '.join(WAIVER_REASONS)}."]
            elif item in value[:index]:
                errors[index] = [f"{item!r} is listed twice."]
        if errors:
            raise ValidationError(errors)
        return list(value)


def _copays():
    return _by_category(CopayAmount())


def _coinsurance_by_category():
    return _by_category(Fraction(), metadata={
        "description": "A category's own coinsurance; other lines use coinsurance."})


class AmountsSchema(Schema):
    deductible = Money(allow_none=True)
    deductible_met = Money()
    out_of_pocket_max = Money(allow_none=True)
    out_of_pocket_met = Money()

    @validates_schema
    def met_within_totals(self, data, **kwargs):
        _met_within_totals(data)


class YearFamilySchema(Schema):
    """A later plan year's family amounts (its met amounts start at 0)."""

    deductible = Money(allow_none=True)
    out_of_pocket_max = Money(allow_none=True)


class NetworkYearSchema(Schema):
    """`out_of_network.next_plan_year`: the amounts of every later plan year (domain 3.4);
    an amount left out comes from the first year."""

    deductible = Money(allow_none=True)
    out_of_pocket_max = Money(allow_none=True)
    coinsurance = Fraction(allow_none=True)
    coinsurance_by_category = _coinsurance_by_category()
    family = fields.Nested(YearFamilySchema, allow_none=True)


class YearSchema(NetworkYearSchema):
    """`benefits.next_plan_year`: the amounts of every later plan year (domain 3.4); an amount
    left out comes from the payer's standard benefits of that year, else from the first year.
    No met amounts: they start at 0 in a later year."""

    copays = _copays()


class NetworkBenefitsSchema(AmountsSchema):
    coinsurance = Fraction(allow_none=True)
    coinsurance_by_category = _coinsurance_by_category()
    family = fields.Nested(AmountsSchema, allow_none=True)
    next_plan_year = fields.Nested(NetworkYearSchema, allow_none=True)


class InNetworkBenefitsSchema(NetworkBenefitsSchema):
    """The in-network terms: a primary's benefits less `out_of_network` and
    `accumulator_program`, and a secondary's of method `standard` or `non_duplication`."""

    plan_year_start = fields.Date(allow_none=True)
    copays = _copays()
    visits_used = ByName(
        keys=fields.String(validate=Pattern(r"^[1-9][0-9]{0,9}$",
                                                    error="A policy id.")),
        values=fields.Integer(strict=True, validate=validate.Range(0, 366)),
        metadata={"description": "Visits already used this plan year, per policy id."},
    )
    next_plan_year = fields.Nested(YearSchema, allow_none=True)


class PharmacyYearSchema(Schema):
    """`next_plan_year.pharmacy`: the pharmacy terms of every later plan year (domain 3.8);
    they replace the first year's whole object. No met amounts: they start at 0."""

    deductible = Money(allow_none=True, metadata={
        "description": "A separate pharmacy deductible; left out: none."})
    integrated_deductible = Flag(metadata={
        "description": "true: fills use the medical deductible (HSA-qualified plans); "
                       "default false."})
    copay_per_fill = Money(allow_none=True, metadata={
        "description": "The member's copay per monthly fill (wins over coinsurance)."})
    coinsurance = Fraction(allow_none=True, metadata={
        "description": "The member's share of a fill, without a copay."})
    coinsurance_max_per_fill = Money(allow_none=True, metadata={
        "description": "The most the coinsurance costs per fill; left out: no cap."})
    integrated_out_of_pocket = Flag(metadata={
        "description": "true (default): fills count toward, and are capped by, the medical "
                       "out-of-pocket maximum."})
    out_of_pocket_max = Money(allow_none=True, metadata={
        "description": "A separate pharmacy limit when not integrated; left out: no limit."})


class PharmacySchema(PharmacyYearSchema):
    """`benefits.pharmacy` (domain 3.8): what the member pays per monthly fill of a drug a
    specialty pharmacy dispenses (visit items with benefit `pharmacy`), in network."""

    deductible_met = Money(metadata={"description": "Met this plan year of the separate "
                                                    "pharmacy deductible."})
    out_of_pocket_met = Money(metadata={"description": "Met this plan year of the separate "
                                                       "pharmacy out-of-pocket maximum."})

    @validates_schema
    def met_within_totals(self, data, **kwargs):
        _met_within_totals(data)


class PrimaryYearSchema(YearSchema):
    """`benefits.next_plan_year` of the primary: also its later years' pharmacy terms."""

    pharmacy = fields.Nested(PharmacyYearSchema, allow_none=True)


class BenefitsSchema(InNetworkBenefitsSchema):
    out_of_network = fields.Nested(NetworkBenefitsSchema, allow_none=True)
    accumulator_program = Flag()
    pharmacy = fields.Nested(PharmacySchema, allow_none=True, metadata={
        "description": "Pharmacy benefit terms for pharmacy lines, whatever the network; "
                       "left out: fills cost 0 (warning pharmacy_benefits_missing)."})
    next_plan_year = fields.Nested(PrimaryYearSchema, allow_none=True)


class SupplementYearSchema(Schema):
    """A Medicare Supplement plan's terms of a calendar year (domain 3.7)."""

    pays_part_b_deductible = Flag()
    coinsurance_share = Fraction()
    office_visit_copay = Money()
    out_of_pocket_max = Money(allow_none=True)


class SupplementSchema(SupplementYearSchema):
    """`secondary.benefits` of method `supplement`; a term left out comes from the payer's
    standard benefits, else the default (false, "1", "0.00", no limit)."""

    out_of_pocket_met = Money()
    next_plan_year = fields.Nested(SupplementYearSchema, allow_none=True)

    @validates_schema
    def met_within_totals(self, data, **kwargs):
        _met_within_totals(data)


class MedicaidSchema(Schema):
    """`secondary.benefits` of method `medicaid`: the most the patient pays a visit."""

    copay_per_visit = Money()


SECONDARY_BENEFITS = {"supplement": SupplementSchema, "medicaid": MedicaidSchema,
                      "standard": InNetworkBenefitsSchema,
                      "non_duplication": InNetworkBenefitsSchema}
UNKNOWN_FIELD = Schema._default_error_messages["unknown"]


class SecondaryYearSchema(YearSchema, SupplementYearSchema):
    """Every method's `next_plan_year` terms (documentation only)."""


class SecondaryBenefitsSchema(InNetworkBenefitsSchema, SupplementSchema, MedicaidSchema):
    """Every method's terms together, for the documentation; a request gives only those of
    its method: `supplement` (pays_part_b_deductible, coinsurance_share, office_visit_copay,
    out_of_pocket_max, out_of_pocket_met, next_plan_year), `medicaid` (copay_per_visit),
    `standard` / `non_duplication` (the in-network benefits)."""

    next_plan_year = fields.Nested(SecondaryYearSchema, allow_none=True)


def _name_other_terms(messages, method, own, others):
    """Unknown-field messages of `own`'s load that name another method's term say so."""
    if not isinstance(messages, dict):
        return messages
    renamed = {}
    for key, message in messages.items():
        where = sorted({name for name, shape in others.items()
                        if key in shape._declared_fields})
        if message == [UNKNOWN_FIELD] and where:
            owners = ", ".join(where[:-1]) + " or " + where[-1] if len(where) > 1 else where[0]
            message = [f"Not a term of method {method!r} (but of {owners})."]
        elif isinstance(message, dict) and isinstance(own._declared_fields.get(key),
                                                      fields.Nested):
            message = _name_other_terms(
                message, method, own._declared_fields[key].nested,
                {name: shape._declared_fields[key].nested for name, shape in others.items()
                 if isinstance(shape._declared_fields.get(key), fields.Nested)})
        renamed[key] = message
    return renamed


class SecondaryBenefits(fields.Nested):
    """`secondary.benefits`: loaded with the schema of the secondary's `method` (a term of
    another method is refused, naming it); documented as every method's terms together."""

    def __init__(self, **kwargs):
        super().__init__(SecondaryBenefitsSchema, **kwargs)

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        method = data.get("method") if isinstance(data, dict) else None
        own = SECONDARY_BENEFITS.get(method) if isinstance(method, str) else None
        if own is None:  # the method's own error says what to fix; the types are checked
            return super()._deserialize(value, attr, data, partial=partial, **kwargs)
        try:
            return own().load(value, partial=partial)
        except ValidationError as error:
            others = {name: shape for name, shape in SECONDARY_BENEFITS.items()
                      if shape is not own}
            raise ValidationError(_name_other_terms(error.messages, method, own, others)
                                  ) from None


class SecondarySchema(Schema):
    """`coverage.secondary` (domain 3.7): a second payer, in network only."""

    payer = Code(metadata={"description": "Left out: the payer of eligibility_check."})
    method = fields.String(required=True, validate=validate.OneOf(SECONDARY_METHODS))
    benefits = SecondaryBenefits(metadata={
        "description": "The terms of the method: supplement, medicaid, or the in-network "
                       "benefits for standard and non_duplication."})
    eligibility_check = fields.String(allow_none=True, validate=validate.Length(1, 36),
                                      metadata={"description": "A stored check of the "
                                                "secondary payer."})

    @validates_schema
    def payer_or_check(self, data, **kwargs):
        if not data.get("payer") and not data.get("eligibility_check"):
            raise ValidationError("Give the secondary payer or an eligibility_check of it.",
                                  "payer")


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
    patient_state = fields.String(
        validate=validate.OneOf(US_STATES, error="A two-letter US state, such as MA."),
        metadata={"description": "Where the patient lives (not PHI): some programs exclude "
                                 "states."})
    household_income = Money(allow_none=True)
    household_size = fields.Integer(allow_none=True, strict=True,
                                    validate=validate.Range(1, 30))
    discounts = fields.List(Code(), validate=validate.Length(0, 10))
    secondary = fields.Nested(SecondarySchema, allow_none=True)
    waiver_signed = WaiverSigned()
    qmb = Flag(metadata={"description": "A Qualified Medicare Beneficiary (a Medicare primary "
                                        "only); left out: the eligibility check's, else false."})

    @validates_schema
    def fields_of_type(self, data, **kwargs):
        """Which fields each coverage type takes; a secondary (3.7) is in network only and
        another payer than the primary. Whether an insured request needs benefits or an
        eligibility check depends on its payer: services/estimate_rules.load_rules."""
        errors = {}
        if data.get("type") == "insurance":
            if not data.get("payer"):
                errors["payer"] = ["Required for insurance coverage."]
            for name in SELF_PAY_ONLY:
                if name in data:
                    errors[name] = ["Only for self-pay coverage."]
            secondary = data.get("secondary")
            if secondary and data.get("network") == "out":
                errors["secondary"] = [SECONDARY_IN_NETWORK]
            elif secondary and secondary.get("payer") and secondary["payer"] == data.get("payer"):
                errors["secondary"] = {"payer": [SAME_PAYER]}
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
