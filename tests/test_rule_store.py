"""The store's own guarantees, below the HTTP layer."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from costapi.db import session
from costapi.models import Policy, Rate
from costapi.services.catalog import services
from costapi.services.errors import PreconditionFailed
from costapi.services.payers import payers
from tests.api import samples


def _service(**changes):
    data = samples.service(**changes)
    data["charge"], data["cash_price"] = Decimal(data["charge"]), Decimal(data["cash_price"])
    return data


def test_a_writer_holding_an_old_version_loses_in_the_update(app):
    """Two writers read version 1; the first wins; the second's UPDATE matches no row."""
    with app.app_context():
        services.create(_service())
        read_by_both = services.get("96365").version
        services.replace("96365", _service(charge="480.00"), expected_version=read_by_both)
        with pytest.raises(PreconditionFailed):
            services.replace("96365", _service(charge="500.00"), expected_version=read_by_both)
        assert services.get("96365").charge == Decimal("480.00")


def test_a_payer_replace_keeps_equal_items_and_their_ids(app, client, admin):
    client.post("/api/v1/services", json=samples.service(), headers=admin)
    client.post("/api/v1/services", json=samples.service(code="J3490"), headers=admin)
    created = client.post("/api/v1/payers", json=samples.payer(), headers=admin)
    rate_id = created.json["rates"][0]["id"]
    policy_id = created.json["policies"][0]["id"]

    body = created.json  # GET-shaped body with ids goes straight back: ids are ignored
    body["rates"].append({"id": 999, "service": "J3490", "allowed": "45.00",
                          "effective_from": "2026-01-01", "effective_to": None})
    body["policies"][0]["reason"] = "Investigational (CPB 0938)"
    replaced = client.put("/api/v1/payers/acme-ppo", json=body,
                          headers={**admin, "If-Match": created.headers["ETag"]})
    assert replaced.status_code == 200, replaced.json
    rate_ids = [rate["id"] for rate in replaced.json["rates"]]
    assert rate_ids[0] == rate_id and 999 not in rate_ids and len(set(rate_ids)) == 2
    new_policy_id = replaced.json["policies"][0]["id"]
    assert new_policy_id != policy_id

    with app.app_context():
        old_policy = session.get(Policy, policy_id)
        assert old_policy.superseded_at is not None  # kept for the estimates that used it
        assert payers.get("acme-ppo").version == 2
        live_rates = session.scalars(select(Rate).where(Rate.payer_code == "acme-ppo",
                                                        Rate.superseded_at.is_(None))).all()
        assert len(live_rates) == 2
