"""Schemathesis against the app's own /openapi.json, in-process through WSGI (docs/fuzzing.md).

Every operation is fuzzed over the seed data (fixtures/) with an admin key; the public
calculator's routes are called without one. Checks: no 5xx, documented status codes, content
types, headers and bodies, invalid input rejected. Each generated request runs inside a
SAVEPOINT that is rolled back, so every example starts from the same seeded state and nothing
leaks into other tests. `FUZZ_EXAMPLES` sets the examples per operation (default 10;
`FUZZ_EXAMPLES=200` is the long run); `FUZZ_COVERAGE=0` skips the coverage phase.
"""
import json
import os
import zlib
from collections import Counter, defaultdict

import pytest
import schemathesis
from flask_smorest.pagination import PaginationMetadataSchema
from hypothesis import HealthCheck, reject, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from costapi.db import session
from costapi.fixtures import load_fixtures
from costapi.services.keys import create_key
from tests.api.estimate_requests import self_pay, spravato, with_patient
from tests.eligibility.answers import URL, example
from tests.eligibility.answers import request_body as check_request
from tests.fuzz.repair import Seed, repair

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
COVERAGE = os.environ.get("FUZZ_COVERAGE", "1") not in ("", "0")  # the coverage phase
STATS = os.environ.get("FUZZ_STATS")  # a file: the status codes seen per operation, as JSON
RULES = ("services", "plans", "payers", "programs", "discounts")
# Strings that broke the API before (docs/fuzzing.md), mixed into every generated string.
NASTY = ["a\x00b", "X1\n", "9999-12-31", "0001-01-01", "1000000000.0000",
         "0000000001.00", "2024-02-29", "", " ", "\u00e9", "null"]
PAGINATION = PaginationMetadataSchema()


def pagination_header(ctx, response, case):
    """X-Pagination is JSON (documented as content, which schemathesis does not check)."""
    values = response.headers.get("x-pagination")
    if values:
        errors = PAGINATION.validate(json.loads(values[0]))
        assert not errors, f"X-Pagination: {errors}"


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection,
          missing_required_header, unsupported_method, pagination_header]


def _seed(app, client, headers):
    """Rules from fixtures/, two stored estimates (with and without a patient) and a check."""
    with app.app_context():
        load_fixtures()
    with_gfe = client.post("/api/v1/estimates", json=with_patient(spravato()), headers=headers)
    without = client.post("/api/v1/estimates", json=self_pay(), headers=headers)
    check = client.post("/api/v1/eligibility/checks", json=check_request(), headers=headers)
    assert (with_gfe.status_code, without.status_code, check.status_code) == (201, 201, 201)
    plans = client.get("/api/v1/plans?page_size=100", headers=headers).json
    return Seed(
        codes={resource: [item["code"] for item in client.get(
            f"/api/v1/{resource}?page_size=100", headers=headers).json] for resource in RULES}
        | {"estimates": [with_gfe.json["id"], without.json["id"]],
           "checks": [check.json["id"]]},
        phases={plan["code"]: [phase["name"] for phase in plan["phases"]] for plan in plans},
        check_payer=check.json["payer"],
    )


def _config(seed, secret):
    """Dictionaries of the seeded codes and ids, so many generated requests reach real rows."""

    def bind(name, probability=0.7):
        return {"dictionary": name, "probability": probability}

    operations = [{"include-path": f"/api/v1/{resource}/{{code}}",
                   "parameters": {"path.code": bind(resource)}} for resource in RULES]
    operations.append({"include-path-regex": "^/api/v1/estimates/\\{estimate_id\\}",
                       "parameters": {"path.estimate_id": bind("estimates")}})
    operations.append({"include-path": "/api/v1/eligibility/checks/{id}",
                       "parameters": {"path.id": bind("checks")}})
    return SchemathesisConfig.from_dict({
        "auth": {"openapi": {"ApiKey": {"bearer": secret}}},
        # Unknown query parameters are ignored, as HTTP APIs do (docs/fuzzing.md).
        "generation": {"max-examples": FUZZ_EXAMPLES, "deterministic": True,
                       "allow-extra-parameters": False,
                       "dictionaries": {"string": {"dictionary": "nasty", "probability": 0.05}}},
        "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
        # If-Match missing is 428 Precondition Required (api.md)
        "checks": {"missing_required_header": {
            "expected-statuses": [400, 401, 403, 406, 415, 422, 428]}},
        "dictionaries": {name: {"values": values} for name, values in seed.codes.items()}
        | {"nasty": {"values": NASTY}},
        "parameters": {
            "body.plan": bind("plans"),
            "body.payer": bind("payers"),
            "body.coverage.payer": bind("payers"),
            "body.coverage.programs[*]": bind("programs"),
            "body.coverage.discounts[*]": bind("discounts"),
            "body.coverage.eligibility_check": bind("checks", 0.3),
            "body.options[*].plan": bind("plans"),
            "body.options[*].coverage.payer": bind("payers"),
            "body.phases[*].visit[*].service": bind("services"),
            "body.rates[*].service": bind("services"),
            "body.policies[*].service": bind("services", 0.5),
            "body.services[*]": bind("services"),
        },
        "operations": operations,
    })


@pytest.fixture
def fuzz_state(app, client, requests_mock, monkeypatch):
    """An admin key, the seed data and a clearinghouse that answers every check."""
    monkeypatch.setitem(app.config, "ELIGIBILITY_API_URL", URL)
    monkeypatch.setitem(app.config, "ELIGIBILITY_API_KEY", "test-clearinghouse-key")
    requests_mock.post(URL, json=example())
    with app.app_context():
        _, secret = create_key("fuzz admin", "admin")
    headers = {"Authorization": f"Bearer {secret}"}
    return headers, _seed(app, client, headers), secret


@pytest.fixture
def api_schema(app, fuzz_state):
    _, seed, secret = fuzz_state
    return schemathesis.openapi.from_wsgi("/openapi.json", app, config=_config(seed, secret))


schema = schemathesis.pytest.from_fixture("api_schema")


def _coin(case, salt):
    """A fair coin that depends only on the generated case (so runs stay reproducible)."""
    text = json.dumps([case.path_parameters, case.body, salt], sort_keys=True, default=str)
    return zlib.crc32(text.encode()) % 2 == 0


def _steer(case, client, headers, seed):
    """Positive examples: the public calculator without a key; half of them past the
    cross-field rules and with the current ETag."""
    if case.meta is None or case.meta.generation.mode.is_negative:
        return
    if {} in (case.operation.definition.raw.get("security") or []):
        case.headers.pop("Authorization", None)
    if not _coin(case, "steer"):
        return
    path = case.operation.path
    if isinstance(case.body, dict):
        case.body = repair(path, case.body, seed)
        if case.method == "PUT" and case.path_parameters and "code" in case.body:
            case.body["code"] = case.path_parameters["code"]
    if case.method in ("PUT", "DELETE") and path.endswith("{code}"):
        current = client.get(case.formatted_path, headers=headers)
        if current.status_code == 200:
            case.headers["If-Match"] = current.headers["ETag"]


def _unsendable(header_value):
    return header_value != header_value.strip() or any(c in header_value for c in "\r\n\x00")


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_openapi_fuzz(case, db_transaction, fuzz_state, client):
    headers, seed, _ = fuzz_state
    if any(_unsendable(str(value)) for value in (case.headers or {}).values()):
        reject()  # HTTP cannot carry such a header (the clients refuse it): nothing to send
    savepoint = db_transaction.begin_nested()
    try:
        _steer(case, client, headers, seed)
        response = case.call()
        if STATS:
            _seen[case.operation.label][response.status_code] += 1
        case.validate_response(response, checks=CHECKS)
    finally:
        session.remove()
        savepoint.rollback()


_seen = defaultdict(Counter)


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    if STATS:
        with open(STATS, "w") as out:
            json.dump({label: dict(sorted(codes.items())) for label, codes in _seen.items()},
                      out, indent=1)


# ---- what the fuzzing found, pinned (docs/fuzzing.md) -----------------------------------

def _raw(client, method, url, text, headers):
    return client.open(url, method=method, data=text,
                       headers={**headers, "Content-Type": "application/json"})


SERVICE = '{"code": "%s", "description": "%s", "category": "drug", "charge": "%s"}'
ESTIMATE = ('{"plan": "ketamine-iv-6", "start_date": "2027-01-04", '
            '"coverage": {"type": "self_pay"}, "patient": {"name": "%s"}}')
BAD_INPUT = [
    pytest.param("POST", "/api/v1/services", SERVICE % ("X1\\n", "d", "1.00"), {}, 422,
                 id="code-with-trailing-newline"),
    pytest.param("POST", "/api/v1/services", SERVICE % ("X1", "d", "1.00\\n"), {}, 422,
                 id="money-with-trailing-newline"),
    pytest.param("POST", "/api/v1/services", SERVICE % ("X1", "a\\u0000b", "1.00"), {}, 422,
                 id="nul-in-body"),
    pytest.param("POST", "/api/v1/services", SERVICE % ("X1", "a\\udc80", "1.00"), {}, 422,
                 id="lone-surrogate-in-body"),
    pytest.param("POST", "/api/v1/estimates", ESTIMATE % "\\udc80", {"Idempotency-Key": "k1"},
                 422, id="lone-surrogate-with-idempotency-key"),
    pytest.param("POST", "/api/v1/estimates", ESTIMATE % "Jane", {"Idempotency-Key": "\t"},
                 422, id="idempotency-key-control-character"),
    pytest.param("POST", "/api/v1/estimates/preview", "[" * 50000 + "]" * 50000, {}, 400,
                 id="json-nested-too-deeply"),
    pytest.param("GET", "/api/v1/estimates?patient_reference=a%00b", None, {}, 422,
                 id="nul-in-query"),
    pytest.param("GET", "/api/v1/services/a%00b", None, {}, 404, id="nul-in-path"),
    pytest.param("GET", "/api/v1/estimates?created_to=9999-12-31", None, {}, 200,
                 id="created-to-last-day"),
    pytest.param("POST", "/api/v1/eligibility/checks",
                 '{"payer": "acme-ppo", "member_id": "W1", "first_name": "J", "last_name": "D", '
                 '"date_of_birth": "1985-02-14", "refresh": 0}', {}, 422, id="boolean-as-0"),
    pytest.param("POST", "/api/v1/eligibility/checks",
                 '{"payer": "acme-ppo", "member_id": "W1", "first_name": "J\\u0007", '
                 '"last_name": "D", "date_of_birth": "1985-02-14"}', {}, 422,
                 id="control-character-in-name"),
]


@pytest.mark.parametrize(("method", "url", "body", "extra", "status"), BAD_INPUT)
def test_bad_input_is_a_4xx_never_a_500(app, client, admin, method, url, body, extra, status):
    with app.app_context():
        load_fixtures()
    response = _raw(client, method, url, body, {**admin, **extra})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json


def test_list_timestamps_are_utc_with_z(app, client, admin):
    with app.app_context():
        load_fixtures()
    assert client.post("/api/v1/estimates", json=self_pay(), headers=admin).status_code == 201
    listed = client.get("/api/v1/estimates", headers=admin).json
    assert listed[0]["created_at"].endswith("Z")


def test_the_document_lists_every_error_with_its_body(client):
    spec = client.get("/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert "default" not in responses, (method, path)
            assert {"401", "503"} <= set(responses), (method, path)
            for code, response in responses.items():
                if int(code) >= 400 and "$ref" not in response:
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}, (method, path, code)
    listing = spec["paths"]["/api/v1/payers"]["get"]["responses"]["200"]
    assert "content" in listing["headers"]["X-Pagination"]
    assert set(spec["components"]["schemas"]["Error"]["required"]) == {"code", "status",
                                                                       "error", "message"}
    charge = spec["components"]["schemas"]["Service"]["properties"]["charge"]
    assert charge["pattern"].startswith("^(0?")


def test_405_names_the_allowed_methods_and_401_the_scheme(client):
    not_allowed = client.open("/health", method="TRACE")
    assert not_allowed.status_code == 405 and "GET" in not_allowed.headers["Allow"]
    assert not_allowed.is_json
    unauthorized = client.get("/api/v1/services")
    assert unauthorized.status_code == 401
    assert unauthorized.headers["WWW-Authenticate"] == "Bearer"
