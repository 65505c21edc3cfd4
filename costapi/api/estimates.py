"""Estimates: create (stored), preview, compare, read, list, search, recalculate."""
import re
from datetime import date, timedelta

from flask import Response, current_app, g, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from costapi.api.access import allow
from costapi.api.estimate_requests import (
    COMPARE_EXAMPLE,
    EXAMPLE,
    CompareRequestSchema,
    EstimateRequestSchema,
    load_request,
)
from costapi.api.estimate_results import ComparisonSchema, EstimateSchema, EstimateSummarySchema
from costapi.api.parsing import Blueprint
from costapi.services import estimates
from costapi.services.errors import Invalid

blp = Blueprint("estimates", __name__, url_prefix="/api/v1/estimates", description="Estimates")

ESTIMATE_ID = "<string(length=36):estimate_id>"
IDEMPOTENCY_KEY = re.compile(r"[ -~]{1,200}")  # printable ASCII
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "pattern": "^[ -~]{1,200}$"},
    "description": "A retry with the same key and body returns the first estimate (24 h).",
}


class EstimateQuerySchema(Schema):
    patient_reference = fields.String(validate=validate.Length(1, 64))
    created_from = fields.Date(metadata={"description": "created on or after this day (UTC)"})
    created_to = fields.Date(metadata={"description": "created on or before this day (UTC)"})


class EstimateSearchSchema(EstimateQuerySchema):
    """The list's filters in the body: a patient reference stays out of URLs and proxy logs."""


def _page(query, pagination_parameters):
    """A page of stored estimates, newest first, matching the list's filters."""
    created_to = query.get("created_to")
    before = created_to + timedelta(days=1) if created_to and created_to < date.max else None
    search = estimates.search(query.get("patient_reference"), query.get("created_from"),
                              before)
    pagination_parameters.item_count = estimates.count(search)
    if pagination_parameters.first_item >= pagination_parameters.item_count:
        return []
    rows = estimates.page(search, pagination_parameters.first_item,
                          pagination_parameters.page_size)
    return [estimates.summary(row) for row in rows]


@blp.after_request
def deprecated_reference_in_url(response):
    """The GET filter still works; POST /search is the way (Deprecation, RFC 9745)."""
    if request.endpoint == "estimates.Estimates" and request.method == "GET" \
            and "patient_reference" in request.args:
        response.headers["Deprecation"] = "true"
        response.headers["Link"] = '</api/v1/estimates/search>; rel="alternate"'
    return response


def json_response(payload, status=200):
    return Response(payload, status=status, mimetype="application/json")


def _idempotency():
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise Invalid.at("Idempotency-Key", "1 to 200 printable ASCII characters.",
                         location="headers")
    hours = current_app.config["IDEMPOTENCY_HOURS"]
    return key, timedelta(hours=hours), None


@blp.route("")
class Estimates(MethodView):
    @allow("billing")
    @blp.doc(parameters=[IDEMPOTENCY_HEADER])
    @blp.arguments(EstimateRequestSchema(), example=EXAMPLE)
    @blp.response(201, EstimateSchema)
    @blp.alt_response(409, description="The same Idempotency-Key is still being processed.")
    def post(self, data):
        """Estimate a treatment plan for a patient and store it"""
        result = estimates.create(data, request.get_json(), g.api_key.id, _idempotency())
        return json_response(result, 201)

    @allow("billing")
    @blp.arguments(EstimateQuerySchema, location="query")
    @blp.response(200, EstimateSummarySchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List stored estimates, newest first (filter by patient reference and created date)

        `patient_reference` in the query is deprecated (a URL is logged by every proxy on
        the way: the answer carries `Deprecation: true`): use POST /search."""
        return _page(query, pagination_parameters)


@blp.route("/search")
class EstimateSearch(MethodView):
    @allow("billing")
    @blp.arguments(EstimateSearchSchema, required=False,  # no body: no filters
                   example={"patient_reference": "MRN-0042"})
    @blp.response(200, EstimateSummarySchema(many=True))
    @blp.paginate()
    def post(self, query, pagination_parameters):
        """Search stored estimates by patient reference and created date, in the body

        The list's filters and page shape (page and page_size stay in the query; X-Pagination)."""
        return _page(query, pagination_parameters)


@blp.route("/preview")
class Preview(MethodView):
    @allow("billing")
    @blp.arguments(EstimateRequestSchema(), example=EXAMPLE)
    @blp.response(200, EstimateSchema)
    def post(self, data):
        """Estimate without storing anything"""
        return json_response(estimates.preview(data))


@blp.route("/compare")
class Compare(MethodView):
    @allow("billing")
    @blp.arguments(CompareRequestSchema(), example=COMPARE_EXAMPLE)
    @blp.response(200, ComparisonSchema)
    def post(self, data):
        """Compare 2 to 10 options (plan x coverage x overrides), lowest net cost first"""
        comparison = estimates.compare(data["options"], request.get_json()["options"])
        return json_response(estimates.to_json(comparison))


@blp.route(f"/{ESTIMATE_ID}")
class EstimateById(MethodView):
    @allow("billing")
    @blp.response(200, EstimateSchema)
    @blp.alt_response(404, description="No such estimate.")
    def get(self, estimate_id):
        """Read a stored estimate (it never changes when rules change)"""
        return json_response(estimates.get(estimate_id).result)


@blp.route(f"/{ESTIMATE_ID}/recalculate")
class Recalculate(MethodView):
    @allow("billing")
    @blp.doc(parameters=[IDEMPOTENCY_HEADER])
    @blp.response(201, EstimateSchema)
    @blp.alt_response(404, description="No such estimate.")
    @blp.alt_response(409, description="The same Idempotency-Key is still being processed.")
    @blp.alt_response(422, description="The stored request no longer fits today's rules.")
    def post(self, estimate_id):
        """Estimate a stored request again with today's rules, linked to the old estimate"""
        result = estimates.recalculate(estimate_id, load_request, g.api_key.id,
                                       _idempotency())
        return json_response(result, 201)
