"""Every error is JSON: {code, status, message, errors?}; never a stack trace or HTML."""
from http import HTTPStatus

import flask_smorest
from flask import current_app
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from costapi.db import session
from costapi.services.errors import ServiceError

MESSAGES = {
    400: "The request body is not valid JSON.",
    422: "The request has invalid fields: see errors.",
}


def error_body(code, message, errors=None):
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


class Api(flask_smorest.Api):
    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        message = payload.get("message") or MESSAGES.get(code) or error.description
        return error_body(code, message, payload.get("errors")), code, headers


def handle_service_error(error):
    return error_body(error.status, error.message, error.errors), error.status, error.headers


def handle_database_error(error):
    session.rollback()
    if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
        current_app.logger.error("database unavailable: %s", type(error.orig).__name__)
        return error_body(503, "The database is unavailable; try again shortly."), 503
    current_app.logger.exception("database error")
    return error_body(500, "Internal error; it has been logged."), 500


def register(app):
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(DBAPIError, handle_database_error)
