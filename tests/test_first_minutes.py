"""What a patient, the clinic's website and a new user meet in their first minutes: the API
docs without internet, the front page, a clean install, plain error messages, CORS answers a
cache can keep apart, and a rate limit that holds with the `make run` defaults."""
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from costapi import create_app
from costapi.db import session
from costapi.fixtures import load_fixtures
from costapi.settings import TestConfig

ROOT = Path(__file__).resolve().parent.parent
ASSET = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', re.I)


@pytest.fixture
def other_app(engine, database_url, db_transaction):
    """An app with other settings, on this test's transaction."""

    def make(**settings):
        config = type("OtherConfig", (TestConfig,), {"DATABASE_URL": database_url, **settings})
        app = create_app(config, engine=engine)
        session.remove()  # create_app bound the session to the engine: back to the test's
        session.configure(bind=db_transaction, join_transaction_mode="create_savepoint")
        return app

    return make


@pytest.fixture
def seeded(app):
    with app.app_context():
        load_fixtures()


# ---- 1. /docs without internet -----------------------------------------------------------

def test_the_docs_page_loads_swagger_ui_from_the_app_itself(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assets = ASSET.findall(page.get_data(as_text=True))
    assert {url.rsplit("/", 1)[-1] for url in assets} >= {
        "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}
    for url in assets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
        answer = client.get(url)
        assert answer.status_code == 200, url
        kind = "text/css" if url.endswith(".css") else "text/javascript"
        assert answer.mimetype in (kind, "application/javascript"), (url, answer.mimetype)
        assert len(answer.data) > 10_000
    assert "'self'" in page.headers["Content-Security-Policy"].split("script-src ")[1]


def test_only_swagger_ui_files_are_served_beside_the_docs(client):
    assert client.get("/docs/swagger-ui/LICENSE").status_code == 404
    assert client.get("/docs/swagger-ui/..%2Fsetup.cfg").status_code == 404
    assert client.get("/docs/swagger-ui/nope.js").json["error"] == "not_found"


# ---- 2. the front page -------------------------------------------------------------------

LINKS = {"docs": "/docs", "openapi": "/openapi.json", "calculator": "/calculator",
         "health": "/health", "ready": "/ready"}


def test_the_front_page_links_docs_openapi_calculator_and_health_as_json(client):
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.is_json
    assert response.json["links"] == LINKS
    assert "Accept" in response.headers["Vary"]
    for path in LINKS.values():
        assert client.get(path).status_code == 200, path


def test_the_front_page_is_a_small_html_page_for_a_browser(client):
    response = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path in LINKS.values():
        assert f'href="{path}"' in html
    assert client.get("/").mimetype == "text/html"  # no Accept header: the page
    assert "<script" not in html and len(html) < 2000
    assert response.headers["X-Frame-Options"] == "DENY"


# ---- 3. packaging ------------------------------------------------------------------------

def test_building_the_package_warns_of_nothing_and_ships_templates_and_static_files(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT / "costapi", source / "costapi",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    build = tmp_path / "lib"
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", "from setuptools import setup; setup()",
         "-q", "build_py", "--build-lib", str(build)],
        cwd=source, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "absent from the `packages`" not in result.stderr
    assert "as data is deprecated" not in result.stderr
    shipped = {path.relative_to(build).as_posix() for path in build.rglob("*") if path.is_file()}
    data = {path.relative_to(ROOT).as_posix() for folder in
            ("costapi/documents/templates", "costapi/web/templates", "costapi/web/static")
            for path in (ROOT / folder).iterdir() if path.is_file()}
    assert data and data <= shipped


# ---- 4. a body that is not JSON ----------------------------------------------------------

SERVICE = '{"code": "T1", "description": "Test", "category": "other", "charge": "10.00"}'


def test_a_json_route_given_another_content_type_answers_415(client, admin):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {**admin, **({"Content-Type": content_type} if content_type else {})}
        response = client.post("/api/v1/services", data=SERVICE, headers=headers)
        assert response.status_code == 415, (content_type, response.json)
        assert response.json == {
            "code": 415, "status": "Unsupported Media Type", "error": "unsupported_media_type",
            "message": "The request body must be JSON: send it with Content-Type: "
                       "application/json."}


def test_json_with_a_charset_and_get_requests_are_unaffected(client, admin):
    created = client.post("/api/v1/services", data=SERVICE,
                          headers={**admin, "Content-Type": "application/json; charset=utf-8"})
    assert created.status_code == 201, created.json
    read = client.get("/api/v1/services/T1", headers={**admin, "Content-Type": "text/plain"})
    assert read.status_code == 200
    empty = client.post("/api/v1/services", headers={**admin, "Content-Type": "text/plain"})
    assert empty.status_code == 422  # no body at all: the fields it lacks


def test_415_is_documented_for_routes_with_a_json_body_only(client):
    paths = client.get("/openapi.json").json["paths"]
    for path, method in (("/api/v1/services", "post"), ("/api/v1/payers/{code}", "put"),
                         ("/api/v1/estimates/preview", "post"),
                         ("/api/v1/public/estimate", "post")):
        response = paths[path][method]["responses"]["415"]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}
    for path, method in (("/api/v1/services", "get"), ("/api/v1/services/{code}", "delete"),
                         ("/api/v1/estimates/{estimate_id}/recalculate", "post")):
        assert "415" not in paths[path][method]["responses"], (path, method)


# ---- 5. preconditions --------------------------------------------------------------------

def test_412_and_428_say_what_to_do(client, admin):
    client.post("/api/v1/services", data=SERVICE,
                headers={**admin, "Content-Type": "application/json"})
    body = {"code": "T1", "description": "Changed", "category": "other", "charge": "12.00"}
    missing = client.put("/api/v1/services/T1", json=body, headers=admin)
    assert missing.status_code == 428
    assert missing.json["message"] == "Send If-Match with the ETag from a GET of this resource."
    stale = client.put("/api/v1/services/T1", json=body,
                       headers={**admin, "If-Match": '"not-the-etag"'})
    assert stale.status_code == 412
    assert stale.json["message"] == ("The resource changed since you read it: GET it again and "
                                     "retry with its current ETag in If-Match.")
    assert stale.json["error"] == "precondition_failed"


# ---- 6. an unknown payer -----------------------------------------------------------------

ESTIMATE = {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
            "coverage": {"type": "insurance", "payer": "nope"}}


def test_an_unknown_payer_is_named_as_such(client, billing, seeded):
    response = client.post("/api/v1/estimates", json=ESTIMATE, headers=billing)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"coverage": {"payer": ["Unknown payer 'nope'."]}}}


def test_a_known_payer_without_benefits_still_asks_for_them(client, billing, seeded):
    known = {**ESTIMATE, "coverage": {"type": "insurance", "payer": "acme-ppo"}}
    response = client.post("/api/v1/estimates/preview", json=known, headers=billing)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"coverage": {"benefits": [
        "Give benefits or an eligibility_check."]}}}


# ---- 7. Vary: Origin ---------------------------------------------------------------------

def _vary(response):
    return [name.strip() for value in response.headers.getlist("Vary")
            for name in value.split(",")]


@pytest.mark.parametrize("origins", [["https://clinic.example"],
                                     ["https://clinic.example", "https://www.clinic.example"]],
                         ids=["one origin", "two origins"])
def test_every_answer_of_a_cors_route_varies_on_origin(other_app, origins):
    client = other_app(CORS_ORIGINS=origins).test_client()
    answers = {
        "allowed": client.get("/api/v1/public/plans", headers={"Origin": origins[0]}),
        "other site": client.get("/api/v1/public/plans", headers={"Origin": "https://x.example"}),
        "no origin": client.get("/api/v1/public/plans"),
        "error": client.post("/api/v1/public/estimate", json={"patient": {}},
                             headers={"Origin": "https://x.example"}),
        "preflight": client.options("/api/v1/public/estimate", headers={
            "Origin": origins[0], "Access-Control-Request-Method": "POST"}),
    }
    for name, response in answers.items():
        assert [v.lower() for v in _vary(response)].count("origin") == 1, (name, _vary(response))
    assert "Access-Control-Allow-Origin" not in answers["other site"].headers
    assert "Origin" not in _vary(client.get("/health"))


# ---- 8. the rate limit with the `make run` defaults ---------------------------------------

GUNICORN_ENV = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "BIND",
                "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED")


@pytest.fixture
def gunicorn_conf(monkeypatch):
    def load(**environ):
        for name in GUNICORN_ENV:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    return load


def test_the_default_gunicorn_config_is_one_process_with_threads(gunicorn_conf):
    conf = gunicorn_conf()
    assert conf["workers"] == 1
    # gthread whose event loop reads request headers (slow clients, docs/deploying.md)
    assert conf["worker_class"] == "costapi.gunicorn_worker.HeaderFirstWorker"
    assert conf["threads"] > 1
    assert conf["timeout"] == 75
    tuned = gunicorn_conf(WEB_CONCURRENCY="4", GUNICORN_THREADS="2", GUNICORN_TIMEOUT="30")
    assert (tuned["workers"], tuned["threads"], tuned["timeout"]) == (4, 2, 30)


class Log:
    def __init__(self):
        self.warnings = []

    def warning(self, message, *args):
        self.warnings.append(message % args if args else message)


def _start(conf, workers):
    server = SimpleNamespace(cfg=SimpleNamespace(workers=workers), log=Log())
    conf["on_starting"](server)
    return server.log.warnings


def test_several_workers_with_memory_storage_warn_at_start_up(gunicorn_conf):
    [warning] = _start(gunicorn_conf(), workers=2)
    assert "RATELIMIT_STORAGE_URI=redis://" in warning and "memory://" in warning
    assert _start(gunicorn_conf(), workers=1) == []
    assert _start(gunicorn_conf(RATELIMIT_STORAGE_URI="redis://cache:6379/0"), workers=4) == []
    assert _start(gunicorn_conf(RATELIMIT_ENABLED="false"), workers=4) == []


# ---- 9. money messages -------------------------------------------------------------------

def _benefit_errors(client, billing, **benefits):
    body = {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
            "coverage": {"type": "insurance", "payer": "acme-ppo", "benefits": benefits}}
    response = client.post("/api/v1/estimates/preview", json=body, headers=billing)
    assert response.status_code == 422
    return response.json["errors"]["json"]["coverage"]["benefits"]


def test_money_errors_are_in_plain_words(client, billing):
    errors = _benefit_errors(client, billing, deductible="12.345", deductible_met="-5.00",
                             out_of_pocket_max="abc", out_of_pocket_met=50)
    assert errors == {
        "deductible": ['An amount in dollars and cents, such as "120.00".'],
        "deductible_met": ["The amount may not be negative."],
        "out_of_pocket_max": ['An amount in dollars and cents, such as "120.00".'],
        "out_of_pocket_met": ['Money is a string such as "120.00", never a number.'],
    }
    assert _benefit_errors(client, billing, deductible="12345678901.00") == {
        "deductible": ["Amounts over one billion are not accepted."]}


def test_unit_price_errors_say_how_many_decimals(client, admin):
    body = {"code": "T2", "description": "Test", "category": "drug", "charge": "1.23456"}
    response = client.post("/api/v1/services", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["charge"] == [
        'An amount in dollars, with at most 4 digits after the point, such as "120.00" or '
        '"4.2500".']


def test_the_readme_and_docs_link_only_to_files_in_the_repository():
    """A clone has no ../shared: every relative link of README.md and docs/ names a file here."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = page.read_text()
        assert "../shared" not in text and "shared/docs" not in text, page.name
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if not re.match(r"[a-z]+:", target):
                assert (page.parent / target).exists(), (page.name, target)
