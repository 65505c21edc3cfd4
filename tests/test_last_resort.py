"""Every error is JSON: what escapes Flask, and a session that cannot be closed (issue 16)."""
import json
import logging

from sqlalchemy.exc import OperationalError

import costapi
from costapi import LastResort, _remove_session

PHI = "Jane Q. Patient 1961-04-02"


def run(app):
    """(status line, headers, body) of one WSGI call."""
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, start_response))
    return seen["status"], seen["headers"], body


def raising(error):
    def app(environ, start_response):
        raise error
    return app


def test_an_exception_escaping_flask_is_a_json_500_without_its_text(caplog):
    logger = logging.getLogger("test.last_resort")
    with caplog.at_level(logging.ERROR):
        status, headers, body = run(LastResort(raising(RuntimeError(PHI)), logger))
    assert status == "500 Internal Server Error"
    assert headers["Content-Type"] == "application/json"
    answer = json.loads(body)
    assert answer["code"] == 500 and answer["message"]
    assert "RuntimeError" in caplog.text and PHI not in caplog.text
    assert "Retry-After" not in headers


def test_a_database_error_escaping_flask_is_a_json_503_with_retry_after():
    error = OperationalError("SELECT ...", {"name": PHI}, Exception("server closed"))
    status, headers, body = run(LastResort(raising(error), logging.getLogger("test")))
    assert status == "503 Service Unavailable"
    assert headers["Retry-After"] == "5"
    assert json.loads(body)["code"] == 503
    assert PHI.encode() not in body


def test_a_session_that_cannot_be_closed_never_raises_from_the_teardown(
        app, monkeypatch, caplog):
    def broken():
        raise OperationalError("COMMIT", {}, Exception(PHI))

    monkeypatch.setattr(costapi.db.session, "remove", broken)
    with app.app_context(), caplog.at_level(logging.ERROR):
        _remove_session(None)  # must not raise: gunicorn would answer its own HTML page
    assert "OperationalError" in caplog.text and PHI not in caplog.text
