import pytest

from costapi.eligibility import client
from costapi.fixtures import load_fixtures
from tests.eligibility.answers import URL


@pytest.fixture
def seeded(app):
    """The seed data of fixtures/, rolled back after the test like everything else."""
    with app.app_context():
        load_fixtures()


@pytest.fixture
def clearinghouse(app, monkeypatch, requests_mock):
    """The app talks to URL, which requests-mock answers (no real network)."""
    monkeypatch.setitem(app.config, "ELIGIBILITY_API_URL", URL)
    monkeypatch.setitem(app.config, "ELIGIBILITY_API_KEY", "test-clearinghouse-key")
    return requests_mock


@pytest.fixture
def sleeps(monkeypatch):
    """The waits between attempts, recorded instead of slept."""
    waited = []
    monkeypatch.setattr(client, "pause", waited.append)
    return waited


@pytest.fixture(params=["json", "x12"])
def form(request, app, monkeypatch):
    """Each test using it runs with the clearinghouse answering JSON, then X12."""
    monkeypatch.setitem(app.config, "ELIGIBILITY_FORMAT", request.param)
    return request.param
