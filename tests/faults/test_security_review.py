"""Checks behind docs/security.md (OWASP API Security Top 10, 2023) that no other test makes:
PHI in error answers and logs, mass assignment, request size, secrets, SSRF surface."""
import hashlib
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError

from costapi.db import make_engine, session
from costapi.models import ApiKey
from costapi.services.keys import create_key
from tests.api.estimate_requests import spravato, with_patient
from tests.eligibility.answers import CHECKS, request_body

pytestmark = pytest.mark.usefixtures("seeded")
MARKERS = ("Zelda", "Quixote", "W987654321", "1979-03-03", "19790303", "F33.9Z")


def assert_no_marker(response, caplog):
    text = response.get_data(as_text=True)
    for marker in MARKERS:
        assert marker not in text, (marker, text)
        assert marker not in caplog.text, marker


def test_a_422_never_echoes_the_patient_values_it_refuses(client, billing, app, caplog,
                                                          monkeypatch):
    """API3/PHI: invalid patient fields are named, their values never repeated."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(app.config, "ELIGIBILITY_API_URL", "http://127.0.0.1:9/never-called")
    bodies = [
        ("/api/v1/estimates", with_patient(spravato(), reference="Zelda" * 20,
                                           name="Zelda Quixote" * 20,
                                           date_of_birth="1979-03-33")),
        ("/api/v1/estimates", with_patient(spravato(diagnosis_codes=["F33.9Z"]),
                                           name=["Zelda Quixote"], date_of_birth=19790303)),
        ("/api/v1/estimates/preview", {**spravato(), "patient": {"member_id": "W987654321"}}),
        (CHECKS, request_body(member_id="W987654321!", first_name="Zelda|",
                              last_name="Quixote*", date_of_birth="2979-03-03")),
        (CHECKS, request_body(member_id="W987654321", first_name="Zelda",
                              last_name="Quixote", date_of_birth="1979-03-03", ssn="Zelda")),
        ("/api/v1/public/estimate", {"plan": "ketamine-iv-6", "start_date": "2027-01-04",
                                     "coverage": "self_pay", "name": "Zelda Quixote",
                                     "member_id": "W987654321", "dob": "1979-03-03"}),
    ]
    for path, body in bodies:
        response = client.post(path, json=body, headers=billing)
        assert response.status_code == 422, (path, response.json)
        assert response.json["errors"], path
        assert_no_marker(response, caplog)


def test_a_database_error_is_logged_without_its_message_or_parameters(client, billing, caplog,
                                                                      monkeypatch):
    """A database's message can quote what it refused: the log gets its kind, never its text."""

    def refuse(*_args, **_kwargs):
        raise DataError("INSERT INTO estimates (request) VALUES (%(request)s)",
                        {"request": '{"patient": {"name": "Zelda Quixote"}}'},
                        ValueError('value too long: "Zelda Quixote, 1979-03-03"'))

    monkeypatch.setattr("costapi.services.estimates.create", refuse)
    caplog.set_level(logging.DEBUG)
    response = client.post("/api/v1/estimates", json=with_patient(spravato()), headers=billing)
    assert response.status_code == 500 and response.is_json
    assert response.json["message"] == "Internal error; it has been logged."
    assert "database error ValueError" in caplog.text and "estimates.Estimates" in caplog.text
    assert_no_marker(response, caplog)
    assert make_engine("sqlite://").hide_parameters  # SQL parameters never reach a message


def test_unknown_and_read_only_fields_are_never_assigned(client, admin, billing):
    """API3 mass assignment: bookkeeping fields are unknown (422); rate and policy ids are
    read-only (ignored); an estimate's id and dates are the server's."""
    service = {"code": "X1", "description": "x", "category": "other", "charge": "1.00"}
    for field, value in (("id", 1), ("version", 99), ("created_at", "2020-01-01T00:00:00Z"),
                         ("superseded_at", None), ("deleted_at", None)):
        response = client.post("/api/v1/services", json={**service, field: value},
                               headers=admin)
        assert response.status_code == 422, field
        assert response.json["errors"]["json"] == {field: ["Unknown field."]}
    for field in ("id", "created_at", "api_key_id", "result", "rule_versions"):
        response = client.post("/api/v1/estimates", json={**spravato(), field: "x"},
                               headers=billing)
        assert response.status_code == 422, field

    payer = client.get("/api/v1/payers/acme-ppo", headers=admin)
    other = client.get("/api/v1/payers", headers=admin).json
    foreign = next(rate["id"] for p in other if p["code"] != "acme-ppo" for rate in p["rates"])
    body = payer.json
    kept, changed = body["rates"][0], {**body["rates"][1], "allowed": "12.34", "id": foreign}
    body["rates"] = [kept, changed, *body["rates"][2:]]
    replaced = client.put("/api/v1/payers/acme-ppo", json=body,
                          headers={**admin, "If-Match": payer.headers["ETag"]})
    assert replaced.status_code == 200, replaced.json
    ids = {rate["allowed"]: rate["id"] for rate in replaced.json["rates"]}
    assert ids[kept["allowed"]] == kept["id"]  # an unchanged rate keeps its id
    assert ids["12.34"] not in (foreign, payer.json["rates"][1]["id"])  # a new id, not ours
    still = client.get("/api/v1/payers", headers=admin).json
    assert [p for p in still if p["code"] != "acme-ppo"] == [
        p for p in other if p["code"] != "acme-ppo"]  # the other payer's rate is untouched


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client, billing, app):
    """API4: MAX_CONTENT_LENGTH (2 MiB by default)."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'{"plan": "' + b"x" * limit + b'"}'
    response = client.post("/api/v1/estimates", data=body, headers={
        **billing, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.is_json
    assert response.json["code"] == 413


def test_api_keys_are_stored_as_hashes_only(app):
    """API2: the secret is shown once; the database keeps its SHA-256 and a short prefix."""
    with app.app_context():
        key, secret = create_key("review", "billing")
        row = session.scalar(select(ApiKey).where(ApiKey.id == key.id))
        stored = [str(getattr(row, column.key)) for column in ApiKey.__table__.columns]
    assert secret not in " ".join(stored)
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(row.prefix) and len(row.prefix) <= 10 < len(secret) - 30


def test_no_request_field_takes_a_url(client):
    """API7 SSRF: the only outbound call goes to ELIGIBILITY_API_URL, a setting; no request
    body, query or header names a URL or host the service would fetch."""
    spec = client.get("/openapi.json").json
    suspicious = ("url", "uri", "host", "callback", "webhook", "endpoint", "href", "link")
    names = []

    def walk(node):
        if isinstance(node, dict):
            names.extend(node.get("properties", {}))
            names.extend(p.get("name", "") for p in node.get("parameters", [])
                         if isinstance(p, dict))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec["paths"])
    walk(spec["components"].get("schemas", {}))
    assert names and not [n for n in names if any(word in n.lower() for word in suspicious)]


def test_static_files_cannot_leave_their_folder(client):
    for path in ("/calculator/static/../../settings.py", "/calculator/static/..%2f..%2fdb.py",
                 "/calculator/static/%2e%2e/templates/calculator.html", "/static/../wsgi.py"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"import" not in response.data and b"{%" not in response.data, path
