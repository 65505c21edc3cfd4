"""X-Forwarded-For is believed only from TRUSTED_PROXIES: a client that connects directly and
rotates the header is still counted by its own address (docs/security.md, API4)."""
import pytest

from costapi import create_app
from costapi.api.limits import TrustedProxyFix
from costapi.db import session
from costapi.settings import TestConfig

pytestmark = pytest.mark.usefixtures("seeded")

PLANS = "/api/v1/public/plans"
CLIENT, PROXY = "203.0.113.7", "10.1.2.3"


@pytest.fixture
def app_behind_proxy(engine, database_url, db_transaction):
    """Limits on (3/minute), PROXY_COUNT=1, proxies at 127.0.0.1 and 10.1.0.0/16."""
    config = type("ProxiedConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "RATELIMIT_ENABLED": True, "PUBLIC_RATE_LIMIT": "3/minute",
        "PROXY_COUNT": 1, "TRUSTED_PROXIES": ["127.0.0.1", "10.1.0.0/16"]})
    app = create_app(config, engine=engine)
    session.remove()
    session.configure(bind=db_transaction, join_transaction_mode="create_savepoint")
    return app


def test_a_direct_client_rotating_x_forwarded_for_is_limited(app_behind_proxy):
    client = client_at(app_behind_proxy, CLIENT)
    statuses = [client.get(PLANS, headers={"X-Forwarded-For": f"198.51.100.{n}",
                                           "X-Forwarded-Proto": "https"}).status_code
                for n in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]
    # its X-Forwarded-Proto does not make the request https either
    response = client.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_through_a_trusted_proxy_the_forwarded_address_counts(app_behind_proxy):
    client = client_at(app_behind_proxy, PROXY)

    def call(forwarded, **headers):
        return client.get(PLANS, headers={"X-Forwarded-For": forwarded, **headers})

    assert [call("198.51.100.1").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert call("198.51.100.2").status_code == 200  # another client behind the same proxy
    assert call("10.0.0.1, 198.51.100.1").status_code == 429  # only the proxy's entry counts
    https = client.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in https.headers


def client_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.mark.parametrize("address, trusted", [
    ("127.0.0.1", True), ("10.1.200.3", True), ("10.2.0.1", False), ("::ffff:10.1.0.9", True),
    ("203.0.113.7", False), ("", False), ("not-an-address", False), ("::1", False)])
def test_trusted_peers(address, trusted):
    fix = TrustedProxyFix(lambda environ, start: [], 1, ["127.0.0.1", "10.1.0.0/16"])
    assert fix.is_trusted(address) is trusted
