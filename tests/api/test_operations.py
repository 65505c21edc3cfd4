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
    assert response.json["code"] == 503 and response.json["error"] == "service_unavailable"
    assert response.json["message"].endswith("not 9999: run db upgrade.")


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
        assert set(response.json) >= {"code", "status", "error", "message"}


def test_every_error_has_a_machine_readable_code(client, admin):
    assert client.get("/nope").json["error"] == "not_found"
    assert client.patch("/health").json["error"] == "method_not_allowed"
    unknown = client.get("/api/v1/services/nope", headers=admin)
    assert unknown.json == {"code": 404, "status": "Not Found", "error": "not_found",
                            "message": "No service with code 'nope'."}
    text_in_path = client.get("/api/v1/services/a%00b", headers=admin)
    assert text_in_path.status_code == 404 and text_in_path.json["error"] == "not_found"
    assert text_in_path.json["message"].startswith("The requested URL was not found")
    schema = client.get("/openapi.json").json["components"]["schemas"]["Error"]
    assert {"code", "status", "error", "message"} <= set(schema["required"])
    assert schema["properties"]["error"]["type"] == "string"
