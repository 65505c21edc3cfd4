"""The rule cache: one token read per request at most, none while the last one is fresh."""
import pytest
from sqlalchemy import event

from costapi.db import session
from costapi.services import rule_cache
from tests.api import samples


@pytest.fixture
def fresh_for_a_minute():
    rule_cache.configure(60)
    yield
    rule_cache.configure(0)


def _statements(engine, action):
    seen = []

    def count(*args):
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_a_fresh_token_is_not_read_again_and_an_own_change_is_seen_at_once(
        app, engine, client, admin, billing, fresh_for_a_minute):
    client.post("/api/v1/services", json=samples.service(), headers=admin)
    client.get("/api/v1/services", headers=billing)  # reads the token after the change

    def read():
        assert client.get("/api/v1/services/96365", headers=billing).status_code == 200

    statements = _statements(engine, read)
    assert not any("rule_generation" in sql for sql in statements)

    # This process changes a service: its next request reads the new token.
    etag = client.get("/api/v1/services/96365", headers=admin).headers["ETag"]
    client.put("/api/v1/services/96365", json=samples.service(charge="480.00"),
               headers={**admin, "If-Match": etag})
    statements = _statements(engine, read)
    assert any("rule_generation" in sql for sql in statements)


def test_with_no_max_age_every_request_reads_the_token(app, engine, client, billing):
    statements = _statements(
        engine, lambda: client.get("/api/v1/services", headers=billing))
    assert sum("rule_generation" in sql for sql in statements) == 1


def test_a_change_made_elsewhere_is_seen_after_max_age(app):
    """Another process's write replaces the token; once the reading is stale it is re-read."""
    with app.app_context():
        rule_cache.configure(60)
        try:
            first = rule_cache.snapshot()
            session.remove()
            session.execute(rule_cache.update(rule_cache.RuleGeneration)
                            .values(token="written-by-another-process"))
            assert rule_cache.snapshot() is first  # still fresh: not re-read
            session.info.pop("rule_snapshot", None)
            rule_cache.configure(0)
            assert rule_cache.snapshot().token == "written-by-another-process"
        finally:
            rule_cache.configure(0)
