"""The public cost calculator: what a patient may see, and an estimate without PHI."""
import hashlib

import orjson
from flask import Response, g, request
from flask.views import MethodView
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from costapi.api.access import PUBLIC, allow
from costapi.api.bodies import limit_public_body
from costapi.api.estimate_results import (
    MonthSchema,
    PhaseSummarySchema,
    PlanYearSchema,
    RangeSchema,
    TotalsSchema,
    WarningSchema,
)
from costapi.api.fields import Cents, Code, Fraction, Money
from costapi.api.parsing import Blueprint
from costapi.pricing.serialize import (
    PUBLIC_MONTH,
    PUBLIC_NOTICE,
    PUBLIC_PHASE,
    PUBLIC_PLAN_YEAR,
    PUBLIC_TOTALS,
)
from costapi.pricing.vocabulary import COVERAGE_LABELS, MODALITIES, PAYER_KINDS, US_STATES
from costapi.services import estimates, public
from costapi.services.request_rules import START_DATE_MESSAGE, met_over_total, start_date_fits

blp = Blueprint("public", __name__, url_prefix="/api/v1/public",
                description="The patient cost calculator: no key needed (a website key raises "
                            "the rate limit).")

blp.before_request(limit_public_body)  # 16 KiB, from Content-Length before reading

TOO_MANY = "Too many requests from this client: see Retry-After."
STATUSES = tuple(COVERAGE_LABELS)


class PublicPhaseSchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True)
    sessions = fields.Integer(required=True)
    sessions_min = fields.Integer(allow_none=True)
    sessions_max = fields.Integer(allow_none=True)
    cadence = fields.String(required=True, metadata={"example": "twice a week"})


class PublicPlanSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES))
    description = fields.String(allow_none=True)
    visits = fields.Integer(required=True, metadata={"description": "visits as planned"})
    phases = fields.List(fields.Nested(PublicPhaseSchema), required=True)


class ModalityCoverageSchema(Schema):
    modality = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    label = fields.String(required=True, metadata={"example": "Usually covered"})


class PublicPayerSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(PAYER_KINDS))
    coverage = fields.List(fields.Nested(ModalityCoverageSchema), required=True, metadata={
        "description": "Per treatment modality the clinic offers, from the payer's policies."})


class PublicEstimateRequestSchema(Schema):
    """Plan, start date and coverage. Unknown fields (such as a name) are a 422."""

    plan = Code(required=True)
    start_date = fields.Date(required=True)
    coverage = fields.String(required=True, validate=validate.OneOf(("self_pay", "insurance")))
    payer = Code(metadata={"description": "Required for insurance."})
    network = fields.String(validate=validate.OneOf(("in", "out")),
                            metadata={"description": "in (default) or out of network"})
    deductible = Money(allow_none=True)
    deductible_met = Money(allow_none=True)
    coinsurance = Fraction(allow_none=True)
    copay = Money(allow_none=True, metadata={
        "description": "Per visit, for office visits and evaluations (in network)."})
    out_of_pocket_max = Money(allow_none=True)
    out_of_pocket_met = Money(allow_none=True)
    plan_year_start = fields.Date(allow_none=True, metadata={
        "description": "Default: January 1 of the start date's year."})
    copay_accumulator = fields.String(
        allow_none=True, validate=validate.OneOf(("yes", "no", "unknown")), metadata={
            "description": "Whether the plan has a copay accumulator (it does not credit "
                           "what an assistance program pays): yes prices with it; no, or "
                           "absent, without it; unknown prices without it and answers "
                           "with_accumulator too."})
    patient_state = fields.String(
        allow_none=True, validate=validate.OneOf(US_STATES, error="A two-letter US state."),
        metadata={"description": "Where the patient lives (optional, not PHI): some "
                                 "assistance programs are not available in every state."})

    @validates_schema(skip_on_field_errors=False)  # every bad field in one answer
    def coverage_fields(self, data, **kwargs):
        errors = {}
        start = data.get("start_date")
        if start is not None and not start_date_fits(start):
            errors["start_date"] = [START_DATE_MESSAGE]
        if data.get("coverage") == "insurance" and not data.get("payer"):
            errors["payer"] = ["Choose your insurer, or choose no insurance."]
        if data.get("coverage") == "self_pay":  # every field but these is about insurance
            for name in set(self.fields) - {"plan", "start_date", "coverage"}:
                if data.get(name) is not None:
                    errors[name] = ["Only with insurance."]
        for met, total in met_over_total(data).items():
            errors[met] = [f"May not be more than the {total.replace('_', ' ')}."]
        if errors:
            raise ValidationError(errors)


def _projection(schema, names, name):
    """A schema with the named fields of a staff result schema: the public view's shape."""
    return Schema.from_dict({field: schema._declared_fields[field] for field in names},
                            name=name)


PublicTotalsSchema = Schema.from_dict({
    **{field: TotalsSchema._declared_fields[field] for field in PUBLIC_TOTALS},
    "clinic_write_off": Cents(required=True, metadata={
        "description": "Not billed to the patient: the cash price of services the plan does "
                       "not pay for and the clinic is responsible for (unless the patient "
                       "signs a waiver)."}),
}, name="PublicTotals")
PublicPhaseCostSchema = _projection(PhaseSummarySchema, PUBLIC_PHASE, "PublicPhaseCost")
PublicPlanYearSchema = _projection(PlanYearSchema, PUBLIC_PLAN_YEAR, "PublicPlanYear")
PublicWarningSchema = _projection(WarningSchema, PUBLIC_NOTICE, "PublicWarning")
PublicMonthSchema = Schema.from_dict({
    **{field: MonthSchema._declared_fields[field] for field in PUBLIC_MONTH[:-1]},
    "by_kind": fields.Dict(keys=fields.String(), values=Cents(), required=True, metadata={
        "description": "The month's patient_pays split by phase kind (induction, ...)."}),
}, name="PublicMonth")


class PublicPayerRefSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class PublicCoverageSchema(Schema):
    type = fields.String(required=True)
    payer = fields.Nested(PublicPayerRefSchema, allow_none=True)
    network = fields.String(allow_none=True)
    plan_year_start = fields.Date(allow_none=True)


class PublicProgramSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class PublicFirstVisitSchema(Schema):
    date = fields.Date(required=True)
    patient_pays = Cents(required=True)
    net_patient_cost = Cents(required=True)


class PublicEstimateSchema(Schema):
    currency = fields.String(required=True)
    plan = fields.String(required=True)
    plan_name = fields.String(required=True, metadata={
        "description": "The plan's public name (else its name)."})
    plan_description = fields.String(allow_none=True, metadata={
        "description": "The plan's public description, if it has one."})
    start_date = fields.Date(required=True)
    coverage = fields.Nested(PublicCoverageSchema, required=True)
    totals = fields.Nested(PublicTotalsSchema, required=True)
    without_programs = Cents(allow_none=True, metadata={
        "description": "When programs applied: the net patient cost without them (the "
                       "patient has to enroll to get the headline figure); else null."})
    with_accumulator = Cents(allow_none=True, metadata={
        "description": "With copay_accumulator unknown and a program applied: the net "
                       "patient cost if the plan has a copay accumulator; else null."})
    first_visit = fields.Nested(PublicFirstVisitSchema, allow_none=True, metadata={
        "description": "The first visit: its date and what the patient pays for it."})
    self_pay_total = Cents(required=True, metadata={
        "description": "The same schedule at the clinic's cash prices."})
    range = fields.Nested(RangeSchema, allow_none=True)
    phase_kinds = fields.List(fields.String(), required=True)
    phases = fields.List(fields.Nested(PublicPhaseCostSchema), required=True)
    months = fields.List(fields.Nested(PublicMonthSchema), required=True)
    plan_years = fields.List(fields.Nested(PublicPlanYearSchema), required=True)
    programs = fields.List(fields.Nested(PublicProgramSchema), required=True, metadata={
        "description": "Assistance programs applied to this estimate."})
    warnings = fields.List(fields.Nested(PublicWarningSchema), required=True)
    notice = fields.String(required=True)


class PublicPlansQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # page and page_size are the pagination's

    payer = Code(metadata={"description": "Only the plans that fit this payer's kind."})


IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False,
                 "schema": {"type": "string"},
                 "description": "The ETag of a copy you hold: 304 while it is current."}


def _listing(items, pagination_parameters, query=None):
    """A page of a public list with a strong ETag over the query, the page and its position;
    304 when If-None-Match holds it."""
    pagination_parameters.item_count = len(items)
    first, size = pagination_parameters.first_item, pagination_parameters.page_size
    page = items[first:first + size]
    tag = hashlib.sha256(orjson.dumps([len(items), first, size, page, query or {}],
                                      option=orjson.OPT_SORT_KEYS)).hexdigest()[:40]
    if request.if_none_match.contains(tag):
        return Response(status=304, headers={"ETag": f'"{tag}"'})
    g.public_etag = tag
    return page


@blp.after_request
def cacheable_lists(response):
    tag = g.pop("public_etag", None)
    if tag is not None and response.status_code == 200:
        response.set_etag(tag)
    if response.status_code in (200, 304) and "ETag" in response.headers:
        response.headers["Cache-Control"] = "public, no-cache"
    return response


LIST_DOCS = {"parameters": [IF_NONE_MATCH]}


@blp.route("/plans")
class PublicPlans(MethodView):
    @allow(PUBLIC)
    @blp.doc(**LIST_DOCS)
    @blp.response(200, PublicPlanSchema(many=True))
    @blp.alt_response(304, description="Not modified: the ETag in If-None-Match is current.")
    @blp.alt_response(429, description=TOO_MANY)
    @blp.arguments(PublicPlansQuerySchema, location="query")
    @blp.paginate(page_size=100, max_page_size=100)
    def get(self, query, pagination_parameters):
        """Treatments the clinic offers, with their schedules (ETag; 304 for If-None-Match)

        With `payer`, only the plans that fit that payer's kind (a plan that lists no payer
        kinds fits every payer); an unknown payer is a 422 naming `payer`."""
        return _listing(public.public_plans(query.get("payer")), pagination_parameters, query)


@blp.route("/payers")
class PublicPayers(MethodView):
    @allow(PUBLIC)
    @blp.doc(**LIST_DOCS)
    @blp.response(200, PublicPayerSchema(many=True))
    @blp.alt_response(304, description="Not modified: the ETag in If-None-Match is current.")
    @blp.alt_response(429, description=TOO_MANY)
    @blp.paginate(page_size=100, max_page_size=100)
    def get(self, pagination_parameters):
        """Insurers, and whether each treatment is usually covered (no rates)"""
        return _listing(public.public_payers(), pagination_parameters)


@blp.route("/estimate")
class PublicEstimate(MethodView):
    @allow(PUBLIC)
    @blp.arguments(PublicEstimateRequestSchema(), example={
        "plan": "spravato-56-commercial", "start_date": "2027-01-04", "coverage": "insurance",
        "payer": "acme-ppo", "deductible": "1500.00", "deductible_met": "0.00",
        "coinsurance": "0.20", "copay": "30.00", "out_of_pocket_max": "5000.00"})
    @blp.response(200, PublicEstimateSchema)
    @blp.alt_response(429, description=TOO_MANY)
    def post(self, data):
        """Estimate a patient's cost: totals, phases, months, plan years, self-pay beside"""
        return Response(estimates.to_json(public.estimate(data)), mimetype="application/json")
