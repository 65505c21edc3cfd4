"""Payers with effective-dated contracted rates, coverage policies and standard benefits."""
from itertools import combinations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from costapi.api.fields import Benefit, ByName, Code, Flag, Fraction, Money, Pattern
from costapi.api.parsing import Blueprint
from costapi.api.rules import rule_routes
from costapi.pricing.vocabulary import CATEGORIES, MODALITIES, PAYER_KINDS
from costapi.services.payers import payers, view, views

blp = Blueprint("payers", __name__, url_prefix="/api/v1/payers", description="Payers")

DIAGNOSIS_PATTERN = r"^[A-Za-z][0-9A-Za-z.]{0,7}\*?$"


class EffectiveDated(Schema):
    id = fields.Integer(allow_none=True, strict=True,
                        metadata={"description": "Read-only; ignored on input."})
    effective_from = fields.Date(required=True)
    effective_to = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def ordered(self, data, **kwargs):
        end = data.get("effective_to")
        if end is not None and end < data["effective_from"]:
            raise ValidationError("effective_to is before effective_from.", "effective_to")


class RateSchema(EffectiveDated):
    service = Code(required=True)
    allowed = Money(places=4, required=True)
    benefit = Benefit("pharmacy: the allowed amount per unit of a specialty pharmacy fill; "
                      "a service may have a medical and a pharmacy rate at once.",
                      load_default="medical")


class PolicySchema(EffectiveDated):
    modality = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(MODALITIES))
    service = Code(load_default=None, allow_none=True)
    category = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(CATEGORIES))
    covered = Flag(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 500))
    prior_authorization = Flag(load_default=False)
    diagnosis_codes = fields.List(
        fields.String(validate=Pattern(DIAGNOSIS_PATTERN,
                                               error="An ICD-10 code, or a prefix and *.")),
        load_default=list, validate=validate.Length(0, 50),
    )
    max_visits_per_year = fields.Integer(load_default=None, allow_none=True, strict=True,
                                         validate=validate.Range(1, 366))


class StandardBenefitSchema(EffectiveDated):
    """What every member of the payer has (domain 3.4), such as Original Medicare Part B.

    On a `medicare_supplement` payer the entry says what the plan pays instead (3.7): the
    supplement terms and its yearly out_of_pocket_max (Plan K, Plan L). Every amount is
    optional; no out_of_pocket_max means no limit.
    """

    deductible = Money(load_default=None, allow_none=True)
    coinsurance = Fraction(load_default=None, allow_none=True)
    coinsurance_by_category = ByName(keys=fields.String(validate=validate.OneOf(CATEGORIES)),
                                     values=Fraction(), load_default=dict)
    copays = ByName(keys=fields.String(validate=validate.OneOf(CATEGORIES)), values=Money(),
                    load_default=dict)
    out_of_pocket_max = Money(load_default=None, allow_none=True)
    pays_part_b_deductible = Flag(load_default=None, allow_none=True, metadata={
        "description": "Supplement payers only: the plan pays the Part B deductible."})
    coinsurance_share = Fraction(load_default=None, allow_none=True, metadata={
        "description": "Supplement payers only: the share of the Part B coinsurance it pays."})
    office_visit_copay = Money(load_default=None, allow_none=True, metadata={
        "description": "Supplement payers only: the patient's copay per visit (Plan N)."})


SUPPLEMENT = "medicare_supplement"
SUPPLEMENT_TERMS = ("pays_part_b_deductible", "coinsurance_share", "office_visit_copay")
PRIMARY_TERMS = ("deductible", "coinsurance", "coinsurance_by_category", "copays")


def _benefit_terms(kind, entries):
    """{index: {field: message}} for terms that do not fit the payer's kind."""
    if kind == SUPPLEMENT:
        refused, message = PRIMARY_TERMS, (
            "A Medicare Supplement plan's entry says what the plan pays: give "
            "pays_part_b_deductible, coinsurance_share, office_visit_copay or "
            "out_of_pocket_max.")
    else:
        refused, message = SUPPLEMENT_TERMS, "Only for a payer of kind medicare_supplement."
    errors = {}
    for i, entry in enumerate(entries):
        wrong = {key: [message] for key in refused if entry.get(key) not in (None, {})}
        if wrong:
            errors[str(i)] = wrong
    return errors


def _overlap(a, b):
    a_end, b_end = a["effective_to"], b["effective_to"]
    return (b_end is None or a["effective_from"] <= b_end) and (
        a_end is None or b["effective_from"] <= a_end
    )


def _overlaps(items, key):
    """{index: message} for items whose effective ranges overlap another with the same key."""
    errors = {}
    for (i, a), (j, b) in combinations(enumerate(items), 2):
        if key(a) == key(b) and _overlap(a, b):
            errors[str(j)] = {"effective_from": [f"Overlaps item {i} for the same {key.__doc__}."]}
    return errors


def _rate_key(rate):
    """service and benefit"""
    return rate["service"], rate.get("benefit", "medical")


def _policy_key(policy):
    """modality, service and category"""
    return policy["modality"], policy["service"], policy["category"]


def _standard_key(entry):
    """payer: one standard benefits entry is in effect at a time"""
    return None


class PayerSchema(Schema):
    code = Code(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(PAYER_KINDS))
    eligibility_payer_id = fields.String(load_default=None, allow_none=True,
                                         validate=validate.Length(1, 80))
    default_allowed_percent = Fraction(load_default=None, allow_none=True)
    out_of_network_allowed_percent = Fraction(load_default=None, allow_none=True)
    rates = fields.List(fields.Nested(RateSchema), load_default=list,
                        validate=validate.Length(0, 2000))
    policies = fields.List(fields.Nested(PolicySchema), load_default=list,
                           validate=validate.Length(0, 500))
    standard_benefits = fields.List(
        fields.Nested(StandardBenefitSchema), load_default=list,
        validate=validate.Length(0, 100),
        metadata={"description": "Effective-dated benefits every member has (3.4); entries "
                                 "may not overlap in time."})

    @validates_schema
    def no_overlapping_ranges(self, data, **kwargs):
        errors = {}
        rates = _overlaps(data.get("rates", []), _rate_key)
        policies = _overlaps(data.get("policies", []), _policy_key)
        if rates:
            errors["rates"] = rates
        if policies:
            errors["policies"] = policies
        standard = data.get("standard_benefits", [])
        for i, terms in _benefit_terms(data.get("kind"), standard).items():
            errors.setdefault("standard_benefits", {})[i] = terms
        for i, overlap in _overlaps(standard, _standard_key).items():
            errors.setdefault("standard_benefits", {}).setdefault(i, {}).update(overlap)
        if errors:
            raise ValidationError(errors)



rule_routes(blp, payers, PayerSchema, present=view, present_many=views)
