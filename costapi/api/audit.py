"""The audit trail: one row per request to a PHI-bearing, rule-data or key route; its list."""
import re

from flask import g, request
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from costapi.api.access import allow
from costapi.api.fields import Pattern, Timestamp
from costapi.api.parsing import Blueprint
from costapi.models.audit import ACTIONS, RESOURCES
from costapi.services import audit

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit",
                description="The audit trail (admin only)")

READ, CREATE, UPDATE, DELETE, EXPORT = ACTIONS
RULE_DATA = {"services": "service", "plans": "plan", "payers": "payer",
             "programs": "program", "discounts": "discount"}
# (endpoint, method) -> (resource, action, form). HEAD is audited as GET. Every route under
# /api/v1 but the public calculator's is here (tests/api/test_audit.py holds it to that).
AUDITED = {
    ("estimates.Estimates", "GET"): ("estimate", READ, None),
    ("estimates.Estimates", "POST"): ("estimate", CREATE, None),
    ("estimates.EstimateById", "GET"): ("estimate", READ, None),
    ("estimates.EstimateSearch", "POST"): ("estimate", READ, None),  # a list, filters in the body
    ("estimates.Recalculate", "POST"): ("estimate", CREATE, None),
    ("estimates.Compare", "POST"): ("estimate", READ, None),  # computed, not stored
    ("estimates.Preview", "POST"): ("estimate", READ, None),  # computed, not stored
    ("good_faith.GoodFaithHtml", "GET"): ("good_faith_estimate", EXPORT, "html"),
    ("good_faith.GoodFaithPdf", "GET"): ("good_faith_estimate", EXPORT, "pdf"),
    ("good_faith.GoodFaithFhir", "GET"): ("good_faith_estimate", EXPORT, "fhir"),
    ("eligibility.Checks", "POST"): ("eligibility_check", CREATE, None),
    ("eligibility.CheckById", "GET"): ("eligibility_check", READ, None),
    ("remittances.Remittances", "GET"): ("remittance", READ, None),
    ("remittances.Remittances", "POST"): ("remittance", CREATE, None),
    ("remittances.RemittanceById", "GET"): ("remittance", READ, None),
    ("accuracy.Accuracy", "GET"): ("accuracy", READ, None),
    ("calendar.ClinicCalendar", "GET"): ("calendar", READ, None),
    ("calendar.ClinicCalendar", "PUT"): ("calendar", UPDATE, None),
    ("audit.AuditEvents", "GET"): ("audit_event", READ, None),
    **{key: value for blueprint, resource in RULE_DATA.items() for key, value in {
        (f"{blueprint}.Collection", "GET"): (resource, READ, None),
        (f"{blueprint}.Collection", "POST"): (resource, CREATE, None),
        (f"{blueprint}.Item", "GET"): (resource, READ, None),
        (f"{blueprint}.Item", "PUT"): (resource, UPDATE, None),
        (f"{blueprint}.Item", "DELETE"): (resource, DELETE, None),
    }.items()},
}
# Not audited (no PHI, no rule data, no key): the public calculator, probes and documents.
NOT_AUDITED_BLUEPRINTS = {"public", "operations", "api-docs", "home", "web"}
PATH_IDS = ("estimate_id", "id", "code")
CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def audited(endpoint, method):
    """(resource, action, form) of a request, or None when it is not audited."""
    return AUDITED.get((endpoint, "GET" if method == "HEAD" else method))


def route_template(rule):
    """The route as its template, `/api/v1/estimates/{estimate_id}`: never the path itself."""
    return CONVERTER.sub(r"{\1}", rule.rule)


def _resource_id(response, action):
    for name in PATH_IDS:
        value = (request.view_args or {}).get(name)
        if value is not None:
            return str(value)[:64]
    if action == CREATE and response is not None and 200 <= response.status_code < 300:
        body = response.get_json(silent=True)
        if isinstance(body, dict):
            value = body.get("id", body.get("code"))
            if isinstance(value, str | int):
                return str(value)[:64]
    return None


def _note_response(response):
    """after_request: keep the outcome and, on a create, the new resource's id."""
    kind = audited(request.endpoint, request.method) if request.url_rule else None
    if kind is not None:
        g.audit_outcome = (response.status_code, _resource_id(response, kind[1]))
    return response


def _write_event(error):
    """teardown_request: the row, in a transaction of its own, once the outcome is known."""
    kind = audited(request.endpoint, request.method) if request.url_rule else None
    if kind is None:
        return
    status, resource_id = g.pop("audit_outcome", (500, None))
    key = g.get("api_key")
    resource, action, form = kind
    event = dict(key_id=key.id if key else None, action=action, resource=resource, form=form,
                 resource_id=resource_id or _resource_id(None, action),
                 client_address=(request.remote_addr or "")[:45] or None,
                 method=request.method, route=route_template(request.url_rule)[:200],
                 status=status)
    if g.get("database_unavailable"):  # a write would wait out another connect timeout
        audit.unstored(event, "database unavailable")  # before the answer leaves
        return
    audit.end_request_transaction()
    audit.record(**event)


def init_app(app):
    """Register the hooks that write the audit row of each request."""
    app.after_request(_note_response)
    app.teardown_request(_write_event)


class AuditQuerySchema(Schema):
    start = fields.Date(data_key="from", metadata={"description": "on or after this day (UTC)"})
    end = fields.Date(data_key="to", metadata={"description": "on or before this day (UTC)"})
    key = fields.Integer(validate=validate.Range(1, 2147483647),
                         metadata={"description": "the API key's id"})
    resource = fields.String(validate=validate.OneOf(RESOURCES))
    resource_id = fields.String(validate=validate.Length(1, 64))
    action = fields.String(validate=validate.OneOf(ACTIONS))
    outcome = fields.String(validate=Pattern(r"^([1-5][0-9]{2}|[1-5]xx)$"), metadata={
        "description": 'an HTTP status ("404") or a class of them ("4xx")'})

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("May not be before from.", "to")


class AuditEventSchema(Schema):
    id = fields.Integer(required=True)
    at = Timestamp(required=True)
    key_id = fields.Integer(allow_none=True, metadata={"description": "null: no key (public)"})
    key_name = fields.String(allow_none=True)
    action = fields.String(required=True, metadata={"enum": list(ACTIONS)})
    resource = fields.String(required=True, metadata={"enum": list(RESOURCES)})
    form = fields.String(allow_none=True, metadata={
        "description": "a Good Faith Estimate's form: html, pdf or fhir"})
    resource_id = fields.String(allow_none=True, metadata={
        "description": "an estimate's or check's id, a rule code; null on lists"})
    client_address = fields.String(allow_none=True)
    method = fields.String(required=True)
    route = fields.String(required=True, metadata={
        "description": "the route template, never the path or query string"})
    status = fields.Integer(required=True, metadata={"description": "the HTTP status sent"})


@blp.route("")
class AuditEvents(MethodView):
    @allow("admin")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List audit events, newest first (admin only)"""
        pagination_parameters.item_count = audit.count(query)
        if pagination_parameters.first_item >= pagination_parameters.item_count:
            return []
        return audit.page(query, pagination_parameters.first_item,
                          pagination_parameters.page_size)
