"""Health, readiness, the OpenAPI document and the error format."""
from openapi_spec_validator import validate


def test_health_and_ready(client):
    assert client.get("/health").json == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json["status"] == "ready"


def test_ready_is_503_when_the_schema_is_behind(client, monkeypatch):
    monkeypatch.setattr("costapi.api.operations.head_revision", lambda: "9999")
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json["code"] == 503 and "9999" in response.json["message"]


def test_the_openapi_document_validates(client):
    spec = client.get("/openapi.json").json
    validate(spec)
    assert spec["openapi"] == "3.0.3"
    assert "/api/v1/payers/{code}" in spec["paths"]
    put = spec["paths"]["/api/v1/payers/{code}"]["put"]
    assert {"412", "428", "422"} <= set(put["responses"])
    assert put["security"] == [{"ApiKey": []}]
    money = spec["components"]["schemas"]["Service"]["properties"]["charge"]
    assert money["type"] == "string"


def test_docs_page(client):
    response = client.get("/docs")
    assert response.status_code == 200 and b"swagger" in response.data.lower()


def test_errors_are_json_never_html(client):
    for response in (client.get("/nope"), client.patch("/health"), client.get("/api/v1/x")):
        assert response.is_json
        assert set(response.json) >= {"code", "status", "message"}
