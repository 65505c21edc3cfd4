"""The database goes away while the app runs, and comes back (PostgreSQL behind a TCP proxy).

The app's engine is made by `make_engine` as in production (pool_pre_ping, connect timeout),
but points at a proxy in front of a scratch database of the suite's PostgreSQL server; the
proxy is cut (connections closed, new ones refused) or turned into a black hole (connections
accepted, never answered). The suite's own database is never touched.
"""
import pytest
from sqlalchemy import event, func, make_url, select, text

from costapi.models import Estimate
from tests.api.estimate_requests import spravato, with_patient
from tests.faults.conftest import Timer, app_on, bearer, is_postgres
from tests.faults.proxy import TcpProxy

pytestmark = pytest.mark.no_db_transaction

CONNECT_TIMEOUT = 2  # psycopg's minimum
BOUND = CONNECT_TIMEOUT + 1.5  # the longest any request may take while the database is away


@pytest.fixture
def proxied(database_url, scratch):
    """(app, keys, proxy, direct engine): the app reaches the scratch database via the proxy."""
    if not is_postgres(database_url):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): the cut is made on a TCP proxy in "
                    "front of the server; SQLite is a file and cannot be cut off")
    url, keys = scratch
    direct = make_url(url)
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432)
    via_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)
    from costapi.db import make_engine

    engine = make_engine(via_proxy, connect_timeout=CONNECT_TIMEOUT)
    try:
        with app_on(via_proxy, engine=engine) as (app, _):
            yield app, keys, proxy, make_engine(url)
    finally:
        proxy.close()


def stored(direct):
    with direct.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Estimate))


def call(client, method, path, **kwargs):
    with Timer() as timer:
        response = client.open(path, method=method, **kwargs)
    return response, timer.seconds


def assert_unavailable(response, seconds, what):
    assert response.status_code == 503, (what, response.status_code, response.data[:300])
    assert response.is_json, what
    assert response.json["code"] == 503 and response.json["message"], what
    assert seconds < BOUND, (what, seconds)
    if "/ready" not in what:
        assert response.headers["Retry-After"] == "5", what


def test_requests_are_503_while_the_database_is_away_and_recover_without_a_restart(
        proxied, engine):
    app, keys, proxy, direct = proxied
    client = app.test_client()
    billing, admin = bearer(keys["billing"]), bearer(keys["admin"])
    requests = [
        ("GET", "/ready", {}),
        ("GET", "/api/v1/payers", {"headers": billing}),
        ("GET", "/api/v1/payers/acme-ppo", {"headers": admin}),
        ("POST", "/api/v1/estimates", {"headers": billing, "json": with_patient(spravato())}),
        ("POST", "/api/v1/estimates/preview", {"headers": billing, "json": spravato()}),
        ("GET", "/api/v1/public/plans", {}),
    ]

    for method, path, kwargs in requests:
        response, _ = call(client, method, path, **kwargs)
        assert response.status_code in (200, 201), (path, response.json)
    assert stored(direct) == 1

    for outage, tried in ((proxy.cut, requests), (proxy.hang, requests[::3])):
        outage()  # hang: each request waits for the connect timeout, so only a few
        for method, path, kwargs in tried:
            assert_unavailable(*call(client, method, path, **kwargs), f"{outage.__name__} {path}")
        health, seconds = call(client, "GET", "/health")
        assert health.status_code == 200 and seconds < 0.5  # liveness needs no database
        proxy.restore()
        for method, path, kwargs in requests:  # the same app and engine: no restart
            response, _ = call(client, method, path, **kwargs)
            assert response.status_code in (200, 201), (outage.__name__, path, response.json)

    assert stored(direct) == 3  # the estimates posted during the outages left nothing
    with engine.connect() as connection:  # the suite's own database never went away
        assert connection.scalar(text("SELECT 1")) == 1


def test_a_cut_in_the_middle_of_storing_an_estimate_stores_nothing(proxied):
    app, keys, proxy, direct = proxied
    client = app.test_client()
    billing = bearer(keys["billing"])
    engine = app.extensions["db_engine"]

    def cut_before_the_insert(_conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO estimates"):
            proxy.cut()

    event.listen(engine, "before_cursor_execute", cut_before_the_insert)
    try:
        response, seconds = call(client, "POST", "/api/v1/estimates", headers=billing,
                                 json=with_patient(spravato()))
    finally:
        event.remove(engine, "before_cursor_execute", cut_before_the_insert)
    assert_unavailable(response, seconds, "cut during the INSERT")
    assert "Jane" not in response.get_data(as_text=True)
    proxy.restore()
    assert stored(direct) == 0
    response = client.post("/api/v1/estimates", headers=billing, json=with_patient(spravato()))
    assert response.status_code == 201, response.json
    assert stored(direct) == 1
