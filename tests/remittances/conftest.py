import pytest

from costapi.fixtures import load_fixtures
from tests.api.estimate_requests import spravato, with_patient

EDI = {"Content-Type": "application/edi-x12"}


@pytest.fixture
def seeded(app):
    with app.app_context():
        load_fixtures()


@pytest.fixture
def estimate(seeded, client, billing):
    """Spravato 56 mg through Acme PPO for MRN-1001 (deductible 1500.00 unmet, 20 %
    coinsurance, 30.00 office visit copay), stored through the API: its body."""
    response = client.post("/api/v1/estimates", json=with_patient(spravato()),
                           headers=billing)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def post_835(client, billing):
    def post(text, headers=None):
        return client.post("/api/v1/remittances", data=text.encode(),
                           headers={**billing, **EDI, **(headers or {})})
    return post
