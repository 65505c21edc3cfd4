"""Remittances (X12 835 files) matched to estimates, and how accurate the estimates were."""
import json

from flask import Response, g, request
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validates_schema

from costapi.api.access import allow
from costapi.api.errors import ErrorSchema, error_body
from costapi.api.fields import Code, Timestamp
from costapi.api.parsing import Blueprint
from costapi.pricing.money import cents, decimal_text
from costapi.services import accuracy, remittances
from costapi.services.errors import Invalid, ServiceError

blp = Blueprint("remittances", __name__, url_prefix="/api/v1/remittances",
                description="Remittances (X12 835) matched to estimates")
accuracy_blp = Blueprint("accuracy", __name__, url_prefix="/api/v1/accuracy",
                         description="How accurate the estimates were (from remittances)")

REMITTANCE_ID = "<string(maxlength=36):id>"
MEDIA_TYPES = ("application/edi-x12", "text/plain")
MAX_BYTES = 5 * 1024 * 1024
FILE_BODY = {"required": True, "description": "An X12 835 (005010X221A1) file as it came.",
             "content": {kind: {"schema": {"type": "string", "maxLength": MAX_BYTES}}
                         for kind in MEDIA_TYPES}}


class UnsupportedType(ServiceError):
    status = 415


class Amount(fields.String):
    """A signed amount with two decimals ("-120.00" on a reversal)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(cents(value))


class Quantity(fields.String):
    """A decimal as text, two decimals or more where needed ("56", "15.1786")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else decimal_text(value)


class CasAdjustmentSchema(Schema):
    group = fields.String(required=True, metadata={"description": "CAS01: PR, CO, OA, PI"})
    reason = fields.String(required=True, metadata={"description": "the CARC code"})
    amount = fields.String(required=True)
    quantity = fields.String(allow_none=True)


class MatchSchema(Schema):
    estimate_id = fields.String(required=True)
    visit_index = fields.Integer(required=True)
    visit_date = fields.Date(required=True)
    line_index = fields.Integer(required=True, metadata={"description": "in the visit"})
    service = fields.String(required=True)


class EstimatedSchema(Schema):
    patient_share = Amount(required=True)
    allowed = Amount(required=True)
    insurance_pays = Amount(required=True)
    covered = fields.Boolean(required=True)
    policy_id = fields.Integer(allow_none=True)
    rate_id = fields.Integer(allow_none=True)


class DifferencesSchema(Schema):
    """Actual minus estimated."""

    patient_share = Amount(required=True)
    allowed = Amount(required=True)
    insurance_pays = Amount(required=True)


class RemittedLineSchema(Schema):
    position = fields.Integer(required=True)
    service = fields.String(required=True)
    modifiers = fields.List(fields.String(), required=True)
    units = Quantity(allow_none=True)
    date = fields.Date(allow_none=True)
    charge = Amount(required=True)
    paid = Amount(required=True)
    allowed = Amount(required=True, metadata={
        "description": "AMT*B6, else paid + PR + CO-253"})
    allowed_reported = fields.Boolean(required=True, metadata={
        "description": "true: the payer sent AMT*B6"})
    patient_share = Amount(required=True, metadata={"description": "the sum of PR"})
    denied = fields.Boolean(required=True)
    adjustments = fields.List(fields.Nested(CasAdjustmentSchema), required=True)
    reasons = fields.List(fields.String(), required=True)
    match = fields.Nested(MatchSchema, allow_none=True)
    estimated = fields.Nested(EstimatedSchema, allow_none=True)
    differences = fields.Nested(DifferencesSchema, allow_none=True)


class RemittedClaimSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    patient_reference = fields.String(required=True, metadata={"description": "CLP01"})
    status = fields.String(required=True, metadata={"description": "CLP02"})
    role = fields.String(required=True, metadata={
        "description": "primary, secondary, reversal or other"})
    payer = fields.String(allow_none=True)
    charge = Amount(required=True)
    paid = Amount(required=True)
    patient_responsibility = Amount(allow_none=True)
    claim_number = fields.String(allow_none=True, metadata={"description": "CLP07"})
    service_from = fields.Date(allow_none=True)
    service_to = fields.Date(allow_none=True)
    estimate_id = fields.String(allow_none=True)
    matched_by = fields.String(allow_none=True, metadata={
        "description": "reference (CLP01) or member (the eligibility check's member id)"})
    cancelled_by = fields.Integer(allow_none=True, metadata={
        "description": "the reversal claim that cancelled this one"})
    reverses = fields.Integer(allow_none=True)
    adjustments = fields.List(fields.Nested(CasAdjustmentSchema), required=True)
    reasons = fields.List(fields.String(), required=True)
    lines = fields.List(fields.Nested(RemittedLineSchema), required=True)


class CountsSchema(Schema):
    claims = fields.Integer(required=True)
    lines = fields.Integer(required=True)
    reversals = fields.Integer(required=True)
    claims_matched = fields.Integer(required=True)
    claims_unmatched = fields.Integer(required=True)
    lines_matched = fields.Integer(required=True)
    lines_unmatched = fields.Integer(required=True)


class RemittanceSummarySchema(Schema):
    id = fields.String(required=True)
    created_at = Timestamp(required=True)
    sender = fields.String(required=True, metadata={"description": "ISA06"})
    interchange_control_number = fields.String(required=True, metadata={
        "description": "ISA13"})
    payer = fields.String(allow_none=True)
    payer_name = fields.String(allow_none=True)
    payer_identifier = fields.String(allow_none=True)
    payment_date = fields.Date(allow_none=True)
    total_paid = Amount(allow_none=True)
    raw_file_kept = fields.Boolean(required=True, metadata={
        "description": "false once the retention purge forgot the raw file"})
    counts = fields.Nested(CountsSchema, required=True)


class RemittanceSchema(RemittanceSummarySchema):
    claims = fields.List(fields.Nested(RemittedClaimSchema), required=True)


class RejectedSchema(ErrorSchema):
    segment = fields.String(allow_none=True, metadata={"description": "the segment id"})
    position = fields.Integer(allow_none=True, metadata={
        "description": "its position in the file, ISA = 1 (null when unknown)"})


def register(api):
    """The 422 of a rejected file: the error body with `segment` and `position`."""
    api.spec.components.schema("RejectedFile", schema=RejectedSchema)
    api.spec.components.response("RejectedFile", {
        "description": "An empty body, or a file that is not a valid 835 (segment and "
                       "position named).",
        "content": {"application/json": {"schema": "RejectedFile"}}})


def _text():
    """The request body: an X12 media type, not empty, at most MAX_BYTES."""
    if request.mimetype not in MEDIA_TYPES:
        raise UnsupportedType("Send the 835 file as the body with Content-Type: "
                              "application/edi-x12 (or text/plain).")
    request.max_content_length = MAX_BYTES
    data = request.get_data(cache=False)
    if not data.strip():
        raise Invalid.at((), "The body is empty: send the 835 file.", location="body")
    return data


def _rejected(failure):
    body = {**error_body(422, failure.message, failure.errors),
            "segment": failure.segment, "position": failure.position}
    return Response(json.dumps(body), status=422, mimetype="application/json")


@blp.route("")
class Remittances(MethodView):
    @allow("billing")
    @blp.doc(requestBody=FILE_BODY)
    @blp.response(201, RemittanceSchema)
    @blp.alt_response(200, schema=RemittanceSchema, description=(
        "The same file (sender ISA06 and ISA13) was stored before: the stored one."))
    @blp.alt_response(413, description="The file is larger than 5 MB.")
    @blp.alt_response(415, description="The body is not application/edi-x12 or text/plain.")
    @blp.alt_response(422, response="RejectedFile")
    def post(self):
        """Import an 835: store it once, match its claims and lines to estimates"""
        data = _text()
        try:
            remittance, created = remittances.import_file(remittances.decode(data),
                                                          g.api_key.id)
        except remittances.RejectedFile as failure:
            return _rejected(failure)
        return remittances.view(remittance), 201 if created else 200

    @allow("billing")
    @blp.response(200, RemittanceSummarySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List stored remittances, newest first"""
        pagination_parameters.item_count = remittances.count()
        if pagination_parameters.first_item >= pagination_parameters.item_count:
            return []
        rows = remittances.page(pagination_parameters.first_item,
                                pagination_parameters.page_size)
        return [remittances.summary(row) for row in rows]


@blp.route(f"/{REMITTANCE_ID}")
class RemittanceById(MethodView):
    @allow("billing")
    @blp.response(200, RemittanceSchema)
    @blp.alt_response(404, description="No such remittance.")
    def get(self, id):
        """Read a remittance: its claims and lines, each beside its estimate line"""
        return remittances.view(remittances.get(id))


class AccuracyQuerySchema(Schema):
    start = fields.Date(data_key="from", metadata={
        "description": "first service date (inclusive)"})
    end = fields.Date(data_key="to", metadata={"description": "last service date (inclusive)"})
    payer = Code()

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("May not be before from.", "to")


class LineCountsSchema(Schema):
    matched = fields.Integer(required=True)
    unmatched = fields.Integer(required=True)


class ClaimCountsSchema(LineCountsSchema):
    evaluated = fields.Integer(required=True, metadata={
        "description": "matched claims with at least one matched line"})
    accurate = fields.Integer(required=True)
    accurate_share = Quantity(allow_none=True, metadata={
        "description": "accurate / evaluated, a fraction (\"0.7500\")"})


class FiguresSchema(Schema):
    claims = fields.Nested(ClaimCountsSchema, required=True)
    lines = fields.Nested(LineCountsSchema, required=True)
    mean_absolute_difference = Amount(allow_none=True, metadata={
        "description": "of the patient share, per matched line"})


class PayerFiguresSchema(FiguresSchema):
    payer = fields.String(allow_none=True)


class ServiceFiguresSchema(Schema):
    service = fields.String(required=True)
    lines = fields.Nested(LineCountsSchema, required=True)
    mean_absolute_difference = Amount(allow_none=True)
    estimated_patient_share = Amount(required=True)
    actual_patient_share = Amount(required=True)


class ReasonSchema(Schema):
    group = fields.String(required=True)
    reason = fields.String(required=True)
    code = fields.String(required=True)
    lines = fields.Integer(required=True)
    amount = Amount(required=True)


class DenialReasonSchema(Schema):
    group = fields.String(required=True)
    reason = fields.String(required=True)
    code = fields.String(required=True)
    lines = fields.Integer(required=True)


class DenialSchema(Schema):
    payer = fields.String(allow_none=True)
    service = fields.String(required=True)
    policy_id = fields.Integer(allow_none=True, metadata={
        "description": "the policy row the estimate used"})
    lines = fields.Integer(required=True)
    reasons = fields.List(fields.Nested(DenialReasonSchema), required=True)
    estimated_insurance_pays = Amount(required=True)
    remittances = fields.List(fields.String(), required=True)
    claim_numbers = fields.List(fields.String(), required=True)


class DriftSchema(Schema):
    payer = fields.String(required=True)
    service = fields.String(required=True)
    rate_id = fields.Integer(required=True, metadata={"description": "the rate row in effect"})
    effective_from = fields.Date(required=True)
    effective_to = fields.Date(allow_none=True)
    contracted_per_unit = Quantity(required=True)
    median_per_unit = Quantity(required=True)
    difference_percent = Quantity(required=True)
    lines = fields.Integer(required=True)
    remittances = fields.List(fields.String(), required=True)


class AccuracySchema(FiguresSchema):
    start = fields.Date(data_key="from", allow_none=True)
    end = fields.Date(data_key="to", allow_none=True)
    payer = fields.String(allow_none=True)
    by_payer = fields.List(fields.Nested(PayerFiguresSchema), required=True)
    by_service = fields.List(fields.Nested(ServiceFiguresSchema), required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True, metadata={
        "description": "CAS reasons on matched lines that differ from the estimate, "
                       "largest amount first"})
    unforeseen_denials = fields.List(fields.Nested(DenialSchema), required=True)
    rate_drift = fields.List(fields.Nested(DriftSchema), required=True, metadata={
        "description": "findings for an admin to review; no rate is changed"})


@accuracy_blp.route("")
class Accuracy(MethodView):
    @allow("billing")
    @accuracy_blp.arguments(AccuracyQuerySchema, location="query")
    @accuracy_blp.response(200, AccuracySchema)
    def get(self, query):
        """How accurate the estimates were, from the remittances (by service dates)"""
        return accuracy.accuracy(query.get("start"), query.get("end"), query.get("payer"))
