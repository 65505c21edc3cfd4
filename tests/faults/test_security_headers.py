"""Security headers (costapi/api/security.py) on every kind of response."""
import base64
import hashlib
import re

import pytest

from costapi import create_app
from costapi.db import session
from costapi.settings import TestConfig
from tests.api.estimate_requests import spravato, with_patient

pytestmark = pytest.mark.usefixtures("seeded")
NOTHING = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def sha256_sources(html, tag):
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for body in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)]


def assert_everywhere(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def assert_locked_json(response):
    assert_everywhere(response)
    assert response.headers["Content-Security-Policy"] == NOTHING
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def other_app(engine, database_url, db_transaction):
    """An app with other settings, on this test's transaction."""

    def make(**settings):
        config = type("OtherConfig", (TestConfig,), {"DATABASE_URL": database_url, **settings})
        app = create_app(config, engine=engine)
        session.remove()
        session.configure(bind=db_transaction, join_transaction_mode="create_savepoint")
        return app

    return make


def test_json_answers_and_errors_are_locked_down_and_not_stored(client, billing, admin):
    responses = [
        client.get("/api/v1/payers", headers=billing),
        client.get("/api/v1/payers/acme-ppo", headers=admin),
        client.get("/api/v1/payers"),  # 401
        client.get("/api/v1/payers", headers={"Authorization": "Bearer nope"}),  # 401
        client.post("/api/v1/payers", json={}, headers=billing),  # 403
        client.post("/api/v1/payers", json={"code": "x"}, headers=admin),  # 422
        client.post("/api/v1/payers", data="{", headers={**admin,
                                                         "Content-Type": "application/json"}),
        client.get("/api/v1/nope"),  # 404
    ]
    assert [r.status_code for r in responses] == [200, 200, 401, 401, 403, 422, 400, 404]
    for response in responses:
        assert_locked_json(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_estimates_and_eligibility_checks_are_never_stored_by_a_cache(client, billing):
    created = client.post("/api/v1/estimates", json=with_patient(spravato()), headers=billing)
    assert created.status_code == 201
    estimate = f"/api/v1/estimates/{created.json['id']}"
    responses = {
        "create": created,
        "read": client.get(estimate, headers=billing),
        "list": client.get("/api/v1/estimates?patient_reference=MRN-1001", headers=billing),
        "preview": client.post("/api/v1/estimates/preview", json=spravato(), headers=billing),
        "gfe": client.get(f"{estimate}/gfe", headers=billing),
        "gfe.fhir.json": client.get(f"{estimate}/gfe.fhir.json", headers=billing),
        "check": client.get("/api/v1/eligibility/checks/nope", headers=billing),
    }
    for name, response in responses.items():
        assert response.status_code in (200, 201, 404), name
        assert response.headers["Cache-Control"] == "no-store", name
        assert_everywhere(response)


def test_the_gfe_pdf_has_no_policy_that_could_stop_a_pdf_viewer(client, billing):
    created = client.post("/api/v1/estimates", json=with_patient(spravato()), headers=billing)
    pdf = client.get(f"/api/v1/estimates/{created.json['id']}/gfe.pdf", headers=billing)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Content-Security-Policy" not in pdf.headers
    assert pdf.headers["Cache-Control"] == "no-store"
    assert pdf.headers["X-Frame-Options"] == "DENY"
    assert_everywhere(pdf)


def test_the_gfe_page_may_use_its_own_inline_style_and_nothing_else(client, billing):
    created = client.post("/api/v1/estimates", json=with_patient(spravato()), headers=billing)
    page = client.get(f"/api/v1/estimates/{created.json['id']}/gfe", headers=billing)
    html, policy = page.get_data(as_text=True), page.headers["Content-Security-Policy"]
    styles = sha256_sources(html, "style")
    assert styles and f"style-src {' '.join(styles)};" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy
    assert policy.startswith("default-src 'none'") and "frame-ancestors 'none'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"


def test_the_docs_page_loads_swagger_ui_from_the_app_and_runs_its_one_inline_script(
        client, app):
    page = client.get("/docs")
    html, policy = page.get_data(as_text=True), page.headers["Content-Security-Policy"]
    assets = app.config["OPENAPI_SWAGGER_UI_URL"]
    assert f'src="{assets}swagger-ui-bundle.js"' in html
    [inline] = sha256_sources(html, "script")
    assert f"script-src 'self' {inline};" in policy
    assert "style-src 'self';" in policy and "connect-src 'self'" in policy
    assert "img-src 'self' data:;" in policy  # 'self' once
    assert "unsafe" not in policy and "frame-ancestors 'none'" in policy
    assert '"validatorUrl": null' in html  # no badge fetched from swagger.io
    assert page.headers["X-Frame-Options"] == "DENY"
    assert_everywhere(page)


def test_the_calculator_keeps_its_own_policy_and_may_be_framed(client, other_app):
    page = client.get("/calculator")
    assert page.status_code == 200
    assert "frame-ancestors *" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers  # it cannot say "any site" or several sites
    assert_everywhere(page)
    script = client.get("/calculator/static/calculator.js")
    assert script.headers["X-Content-Type-Options"] == "nosniff"

    clinic = other_app(CORS_ORIGINS=["https://www.clinic.example"]).test_client()
    page = clinic.get("/calculator")
    assert ("frame-ancestors 'self' https://www.clinic.example"
            in page.headers["Content-Security-Policy"])
    assert "X-Frame-Options" not in page.headers


def test_public_lists_stay_cacheable_and_the_public_estimate_does_not(client):
    plans = client.get("/api/v1/public/plans")
    assert plans.headers["Cache-Control"] == "public, no-cache" and plans.headers["ETag"]
    assert_locked_json(plans)
    answer = client.post("/api/v1/public/estimate", json={
        "plan": "spravato-56-commercial", "start_date": "2027-01-04", "coverage": "self_pay"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert_locked_json(answer)


def test_hsts_only_over_https(client, billing, other_app):
    assert "Strict-Transport-Security" not in client.get("/health").headers
    secure = client.get("/health", base_url="https://costapi.clinic.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    # a client's own X-Forwarded-Proto is not believed without a trusted proxy...
    assert "Strict-Transport-Security" not in client.get("/health", headers=forwarded).headers
    # ...and is behind PROXY_COUNT proxies
    proxied = other_app(PROXY_COUNT=1).test_client()
    assert "Strict-Transport-Security" in proxied.get("/health", headers=forwarded).headers


def test_operations_answers_carry_the_headers(client):
    for path in ("/health", "/ready", "/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_locked_json(response)
