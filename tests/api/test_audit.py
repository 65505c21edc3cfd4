"""The audit trail: one row per request to every non-public /api/v1 route, never PHI."""
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError

from costapi import create_app
from costapi.api.audit import AUDITED, audited, route_template
from costapi.db import session
from costapi.models import ApiKey, AuditEvent, Service
from costapi.services.keys import create_key
from costapi.settings import TestConfig
from tests.api import samples
from tests.api.estimate_requests import self_pay, with_patient

PUBLIC_BLUEPRINTS = {"public"}
PHI = {"reference": "MRN-AUDIT-4242", "name": "Zelda Q. Auditpatient",
       "date_of_birth": "1961-07-23", "member_id": "W987654321"}


def _api_routes():
    """(endpoint, method, rule) of every /api/v1 route, from the url_map of a fresh app."""
    from costapi.db import session as app_session

    bind = app_session.session_factory.kw.get("bind")
    app = create_app(TestConfig, engine=create_engine("sqlite://"))
    app_session.configure(bind=bind)
    return sorted((rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/api/v1")
                  for method in rule.methods - {"HEAD", "OPTIONS"})


API_ROUTES = _api_routes()
AUDITED_ROUTES = [route for route in API_ROUTES
                  if route[0].partition(".")[0] not in PUBLIC_BLUEPRINTS]


@pytest.fixture
def admin_key(app):
    with app.app_context():
        key, secret = create_key("audit admin", "admin")
        return key.id, {"Authorization": f"Bearer {secret}"}


def _events(app, after=0):
    with app.app_context():
        return session.scalars(select(AuditEvent).where(AuditEvent.id > after)
                               .order_by(AuditEvent.id)).all()


def _last_id(app):
    with app.app_context():
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def _url(rule):
    values = {"estimate_id": str(uuid.uuid4()), "id": str(uuid.uuid4()), "code": "no-such-code"}
    path = route_template(type("Rule", (), {"rule": rule})())
    return path.format(**values)


def test_every_api_route_but_the_public_ones_is_audited():
    assert AUDITED_ROUTES, "the url_map lists the API"
    missing = [(endpoint, method) for endpoint, method, _ in AUDITED_ROUTES
               if audited(endpoint, method) is None]
    assert missing == []
    public = [(endpoint, method) for endpoint, method, _ in API_ROUTES
              if endpoint.partition(".")[0] in PUBLIC_BLUEPRINTS]
    assert public and all(audited(*route) is None for route in public)
    routed = {(endpoint, method) for endpoint, method, _ in API_ROUTES}
    assert set(AUDITED) <= routed, "the table names no route that is gone"


@pytest.mark.parametrize(("endpoint", "method", "rule"), AUDITED_ROUTES,
                         ids=[f"{method} {rule}" for _, method, rule in AUDITED_ROUTES])
def test_each_request_writes_exactly_one_row(app, client, admin_key, endpoint, method, rule):
    key_id, headers = admin_key
    before = _last_id(app)
    url = _url(rule)
    kwargs = {"json": {}} if method in ("POST", "PUT") else {}
    response = client.open(url, method=method, headers=headers, **kwargs)
    assert response.status_code < 500, response.data[:300]
    rows = _events(app, before)
    assert len(rows) == 1
    row = rows[0]
    resource, action, form = audited(endpoint, method)
    assert (row.key_id, row.key_name, row.resource, row.action, row.form, row.status,
            row.method) == (key_id, "audit admin", resource, action, form,
                            response.status_code, method)
    assert row.route == route_template(type("Rule", (), {"rule": rule})())
    assert "<" not in row.route and row.client_address == "127.0.0.1"


def test_public_routes_and_probes_write_no_row(app, client, seeded):
    before = _last_id(app)
    for path in ("/health", "/ready", "/openapi.json", "/docs", "/api/v1/public/plans",
                 "/api/v1/public/payers", "/calculator"):
        client.get(path)
    client.post("/api/v1/public/estimate", json={})
    assert _events(app, before) == []


def test_failed_requests_are_recorded(app, client, billing):
    before = _last_id(app)
    missing = str(uuid.uuid4())
    assert client.get(f"/api/v1/estimates/{missing}", headers=billing).status_code == 404
    assert client.post("/api/v1/estimates", json={"plan": 5}, headers=billing
                       ).status_code == 422
    assert client.get("/api/v1/estimates").status_code == 401
    assert client.get("/api/v1/estimates", headers={"Authorization": "Bearer nope"}
                      ).status_code == 401
    rows = _events(app, before)
    assert [(row.status, row.action, row.resource_id) for row in rows] == [
        (404, "read", missing), (422, "create", None), (401, "read", None),
        (401, "read", None)]
    assert rows[2].key_id is None and rows[3].key_id is None


def test_a_database_error_inside_the_request_logs_its_event(app, client, admin_key,
                                                              monkeypatch, caplog):
    """A 503 means the database is away: writing the row would wait out another connect
    timeout before the answer leaves, so the event goes to the error log (no PHI)."""
    from costapi.services import remittances

    key_id, headers = admin_key

    def failing_count():
        session.add(ApiKey(name="written then rolled back", role="billing", prefix="x",
                           key_hash="f" * 64))
        session.flush()
        raise OperationalError("SELECT 1", {}, Exception("connection lost"))

    monkeypatch.setattr(remittances, "count", failing_count)
    before = _last_id(app)
    with caplog.at_level(logging.ERROR, logger="costapi.services.audit"):
        response = client.get("/api/v1/remittances", headers=headers)
    assert response.status_code == 503
    assert _events(app, before) == []
    [line] = [r.getMessage() for r in caplog.records if "audit event not stored" in r.getMessage()]
    assert "database unavailable" in line and f"'key_id': {key_id}" in line
    assert "'resource': 'remittance'" in line and "'status': 503" in line
    with app.app_context():
        assert session.scalar(select(ApiKey).where(ApiKey.key_hash == "f" * 64)) is None


def test_no_phi_in_any_audit_row(app, client, billing, seeded):
    before = _last_id(app)
    body = with_patient(self_pay(), reference=PHI["reference"], name=PHI["name"],
                        date_of_birth=PHI["date_of_birth"])
    created = client.post("/api/v1/estimates", json=body, headers=billing)
    assert created.status_code == 201
    estimate_id = created.json["id"]
    client.get(f"/api/v1/estimates?patient_reference={PHI['reference']}", headers=billing)
    client.get(f"/api/v1/estimates/{estimate_id}", headers=billing)
    client.get(f"/api/v1/estimates/{estimate_id}/gfe", headers=billing)
    client.get(f"/api/v1/estimates/{estimate_id}/gfe.fhir.json", headers=billing)
    client.post("/api/v1/eligibility/checks", headers=billing, json={
        "payer": "acme-ppo", "member_id": PHI["member_id"], "first_name": "Zelda",
        "last_name": "Auditpatient", "date_of_birth": PHI["date_of_birth"]})
    client.post("/api/v1/estimates", headers=billing,
                json={**body, "patient": {**body["patient"], "date_of_birth": "bad"}})
    rows = _events(app, before)
    assert len(rows) == 7
    assert rows[0].resource_id == estimate_id and rows[0].action == "create"
    assert [row.form for row in rows[3:5]] == ["html", "fhir"]
    assert [row.action for row in rows[3:5]] == ["export", "export"]
    text = json.dumps([{column.key: str(getattr(row, column.key))
                        for column in AuditEvent.__table__.columns} for row in rows])
    for value in (*PHI.values(), "Zelda", "Auditpatient", "1961"):
        assert value not in text
    assert "patient_reference" not in text and "?" not in text


def test_the_list_is_admin_only_newest_first_and_filtered(app, client, billing, admin_key):
    key_id, admin = admin_key
    assert client.get("/api/v1/audit", headers=billing).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    client.get("/api/v1/services/no-such-code", headers=admin)
    client.get("/api/v1/services", headers=admin)
    listed = client.get("/api/v1/audit?page_size=100", headers=admin)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    events = listed.json
    assert [event["id"] for event in events] == sorted((e["id"] for e in events), reverse=True)
    assert events[0]["resource"] == "service" and events[0]["resource_id"] is None
    assert events[0]["at"].endswith("Z")

    def ids(query):
        response = client.get(f"/api/v1/audit?{query}", headers=admin)
        assert response.status_code == 200, response.json
        return [(e["resource"], e["resource_id"], e["status"]) for e in response.json]

    assert ids("resource=service&outcome=404") == [("service", "no-such-code", 404)]
    assert ids("resource_id=no-such-code") == [("service", "no-such-code", 404)]
    assert ids("outcome=4xx&resource=audit_event") == [("audit_event", None, 401),
                                                      ("audit_event", None, 403)]
    assert ids(f"key={key_id}&action=read&resource=service") == [
        ("service", None, 200), ("service", "no-such-code", 404)]
    today = datetime.now(UTC).date()
    assert len(ids(f"from={today}&to={today}&page_size=100")) >= 4
    assert ids(f"to={today - timedelta(days=1)}&key={key_id}") == []
    for query in ("outcome=abc", "action=peek", "resource=patient", "key=x",
                  f"from={today}&to={today - timedelta(days=1)}", "page_size=101"):
        assert client.get(f"/api/v1/audit?{query}", headers=admin).status_code == 422, query
    paged = client.get("/api/v1/audit?page_size=1&page=2", headers=admin)
    assert json.loads(paged.headers["X-Pagination"])["page"] == 2 and len(paged.json) == 1


def test_export_writes_json_lines_and_csv_of_a_period(app, client, admin_key, tmp_path):
    _, admin = admin_key
    client.get("/api/v1/payers", headers=admin)
    runner = app.test_cli_runner()
    today = datetime.now(UTC).date().isoformat()
    output = tmp_path / "audit.jsonl"
    result = runner.invoke(args=["audit", "export", "--from", today, "--to", today,
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert lines and lines[-1]["resource"] == "payer" and lines[-1]["route"] == "/api/v1/payers"
    csv_out = runner.invoke(args=["audit", "export", "--from", today, "--to", today,
                                  "--format", "csv"])
    assert csv_out.exit_code == 0 and "\nid,at,key_id,key_name," in csv_out.output
    empty = runner.invoke(args=["audit", "export", "--from", "2001-01-01", "--to", "2001-01-02"])
    assert empty.exit_code == 0 and "exported 0 audit events" in empty.output
    backwards = runner.invoke(args=["audit", "export", "--from", today, "--to", "2001-01-01"])
    assert backwards.exit_code != 0


def test_purge_deletes_only_rows_older_than_the_retention(app):
    with app.app_context():
        old = datetime.now(UTC) - timedelta(days=2191)
        for at in (old, datetime.now(UTC) - timedelta(days=2189)):
            session.add(AuditEvent(at=at, action="read", resource="estimate", method="GET",
                                   route="/api/v1/estimates", status=200))
        session.commit()
        result = app.test_cli_runner().invoke(args=["audit", "purge"])
        assert result.exit_code == 0 and "purged 1 audit events older than 2190 days" in (
            result.output)
        remaining = session.scalars(select(AuditEvent.at)).all()
        assert len(remaining) == 1


def test_rule_versions_record_the_key_that_wrote_them(app, client, admin_key):
    key_id, admin = admin_key
    created = client.post("/api/v1/services", json=samples.service("A9999"), headers=admin)
    assert created.status_code == 201
    replaced = client.put("/api/v1/services/A9999", headers={**admin, "If-Match": "*"},
                          json=samples.service("A9999", charge="460.00"))
    assert replaced.status_code == 200
    with app.app_context():
        writers = session.scalars(select(Service.written_by_key_id)
                                  .where(Service.code == "A9999").order_by(Service.version)
                                  ).all()
        assert writers == [key_id, key_id]
        from costapi.fixtures import load_fixtures

        load_fixtures()
        assert set(session.scalars(select(Service.written_by_key_id)
                                   .where(Service.code != "A9999"))) == {None}
