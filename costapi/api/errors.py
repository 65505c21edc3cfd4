"""Every error is JSON: {code, status, error, message, errors?}; never a stack trace or HTML.

`code` is the HTTP status and `status` its reason phrase (the contract fixes both); `error`
is a machine-readable code: the reason phrase in snake_case ("unprocessable_entity") unless
the failure names its own ("gfe_patient_required").

`ErrorResponses` documents them: every operation lists the error statuses it can really
answer (401/403 from the key check, 400 for malformed JSON and 415 for a body that is not
JSON on routes that read JSON, 503 when the database is down, ...), each with the error
schema, and nothing else (no catch-all `default`).
"""
import re
import traceback
from http import HTTPStatus

import flask_smorest
from apispec import BasePlugin
from flask import current_app, g, request
from flask_smorest.pagination import PaginationMetadataSchema
from marshmallow import Schema, fields
from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from webargs.core import is_json

from costapi.db import session
from costapi.services.errors import ServiceError

MESSAGES = {
    400: "The request body is not valid JSON.",
    # flask-smorest's ETag checks (rule data: PUT and DELETE)
    412: "The resource changed since you read it: GET it again and retry with its current "
         "ETag in If-Match.",
    422: "The request has invalid fields: see errors.",
    428: "Send If-Match with the ETag from a GET of this resource.",
}
ERROR_DESCRIPTIONS = {
    400: "The request body is not valid JSON.",
    401: "The API key is missing, invalid or revoked.",
    403: "This API key's role may not call this route.",
    415: "The request body is not JSON (Content-Type: application/json).",
    503: "The database is unavailable; try again shortly.",
}
RETRY_AFTER = {"description": "Seconds to wait before trying again.",
               "schema": {"type": "integer", "minimum": 0}}


class ErrorSchema(Schema):
    """The body of every error answer."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status"})
    status = fields.String(required=True, metadata={"description": "The HTTP reason phrase"})
    error = fields.String(required=True, metadata={
        "description": "A machine-readable code: the reason phrase in snake_case "
                       "(\"not_found\", \"unprocessable_entity\") unless a more precise one "
                       "applies (\"gfe_patient_required\")",
        "example": "unprocessable_entity"})
    message = fields.String(required=True, metadata={"description": "What went wrong"})
    errors = fields.Dict(metadata={
        "description": "Per location and field, what is wrong: {\"json\": {\"field\": [...]}}"})


def reason_code(code):
    """The HTTP reason phrase of a status in snake_case: 404 -> "not_found"."""
    return re.sub(r"[^a-z0-9]+", "_", HTTPStatus(code).phrase.lower()).strip("_")


def error_body(code, message, errors=None, error=None):
    body = {"code": code, "status": HTTPStatus(code).phrase, "error": error or reason_code(code),
            "message": message}
    if errors:
        body["errors"] = errors
    return body


def _error_response(description):
    return {"description": description,
            "content": {"application/json": {"schema": "Error"}}}


def _takes_json(operation):
    """Whether an operation reads a JSON body (its parser answers 400 and 415 for others)."""
    content = (operation.get("requestBody") or {}).get("content", {})
    return any(is_json(media_type) for media_type in content)


class ErrorResponses(BasePlugin):
    """Document the statuses every operation can answer besides its own, with their bodies."""

    def init_spec(self, spec):
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = {str(int(code)): response
                         for code, response in operation.get("responses", {}).items()}
            public = {} in (operation.get("security") or [])
            added = {401: ERROR_DESCRIPTIONS[401], 503: ERROR_DESCRIPTIONS[503]}
            if not public:
                added[403] = ERROR_DESCRIPTIONS[403]
            if _takes_json(operation):
                added[400] = ERROR_DESCRIPTIONS[400]
                added[415] = ERROR_DESCRIPTIONS[415]
            for code, description in added.items():
                responses.setdefault(str(code), description)
            for code, response in responses.items():
                if int(code) < 400:
                    continue
                if isinstance(response, str):
                    if " " not in response:  # the name of a registered response: has a body
                        continue
                    response = _error_response(response)
                elif "content" not in response and "schema" not in response:
                    response = {**response, **_error_response(response["description"])}
                if code in ("429", "503"):
                    response.setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER)
                responses[code] = response
            for response in responses.values():
                headers = response.get("headers", {}) if isinstance(response, dict) else {}
                if headers.get("X-Pagination") == "PAGINATION":
                    headers["X-Pagination"] = self._pagination_header()
            operation["responses"] = responses

    def _pagination_header(self):
        """X-Pagination carries JSON: described as content, not as a (simple-style) schema."""
        if "PaginationMetadata" not in self.spec.components.schemas:
            self.spec.components.schema("PaginationMetadata", schema=PaginationMetadataSchema)
        return {"description": "Pagination metadata (JSON)",
                "content": {"application/json": {"schema": "PaginationMetadata"}}}


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # every status is listed; no catch-all `default`

    def __init__(self, app=None, *, spec_kwargs=None):
        spec_kwargs = dict(spec_kwargs or {})
        spec_kwargs["extra_plugins"] = (*spec_kwargs.get("extra_plugins", ()), ErrorResponses())
        super().__init__(app, spec_kwargs=spec_kwargs)

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        message = payload.get("message") or MESSAGES.get(code) or error.description
        # werkzeug's own headers (Allow on a 405), which flask-smorest's handler drops
        own = {name: value for name, value in error.get_headers()
               if name.lower() != "content-type"}
        headers = {**own, **(headers or {})}
        return error_body(code, message, payload.get("errors")), code, headers


def handle_service_error(failure):
    body = error_body(failure.status, failure.message, failure.errors, failure.error)
    return body, failure.status, failure.headers


def _rollback():
    """Roll the request's session back; one whose connection died is simply let go."""
    try:
        session.rollback()
    except SQLAlchemyError:
        session.remove()


def _unavailable(reason):
    current_app.logger.error("database unavailable: %s", reason)
    g.database_unavailable = True  # the audit writes no row then (api/audit.py)
    return (error_body(503, "The database is unavailable; try again shortly."), 503,
            {"Retry-After": "5"})


def handle_database_error(error):
    _rollback()
    if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
        return _unavailable(type(error.orig).__name__)
    # A database's message can quote the values it refused (patient data): log the kind of
    # error, its SQLSTATE and where it was raised, never its text.
    current_app.logger.error(
        "database error %s (SQLSTATE %s) in %s\n%s", type(error.orig).__name__,
        getattr(error.orig, "sqlstate", None), request.endpoint,
        "".join(traceback.format_tb(error.__traceback__)).rstrip())
    return error_body(500, "Internal error; it has been logged."), 500


def handle_pool_timeout(_error):
    """Every pooled connection is busy (a stuck database): as unavailable as a dead one."""
    _rollback()
    return _unavailable("no free connection in the pool")


def register(app):
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PoolTimeout, handle_pool_timeout)
