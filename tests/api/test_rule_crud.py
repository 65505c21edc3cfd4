"""Create, read, list, replace and delete every rule resource through HTTP."""
import pytest
from sqlalchemy import func, select

from costapi.db import session
from costapi.models import Discount, Payer, Plan, Program, Service
from tests.api import samples

# (path, model, body factory, a change a PUT makes, what the change looks like on GET)
RESOURCES = [
    pytest.param("services", Service, samples.service, {"charge": "480.00"}, "charge",
                 id="services"),
    pytest.param("plans", Plan, samples.plan, {"name": "IV series, 2027"}, "name", id="plans"),
    pytest.param("payers", Payer, samples.payer, {"default_allowed_percent": "0.65"},
                 "default_allowed_percent", id="payers"),
    pytest.param("programs", Program, samples.program, {"annual_max": "8000.00"}, "annual_max",
                 id="programs"),
    pytest.param("discounts", Discount, samples.sliding_scale, {"poverty_base": "16000.00"},
                 "poverty_base", id="discounts"),
]


@pytest.fixture
def catalog(client, admin):
    """A service and a plan that the other resources refer to."""
    assert client.post("/api/v1/services", json=samples.service(), headers=admin).status_code == 201
    assert client.post("/api/v1/plans", json=samples.plan(), headers=admin).status_code == 201


def rows(model, code):
    return session.scalar(select(func.count()).select_from(model).where(model.code == code))


@pytest.mark.parametrize(("path", "model", "make", "change", "field"), RESOURCES)
def test_create_read_replace_delete(client, admin, billing, catalog, path, model, make, change,
                                    field):
    body = make(code="item-1")
    created = client.post(f"/api/v1/{path}", json=body, headers=admin)
    assert created.status_code == 201, created.json
    assert created.headers["ETag"]
    code = body["code"]

    read = client.get(f"/api/v1/{path}/{code}", headers=billing)
    assert read.status_code == 200
    assert read.headers["ETag"] == created.headers["ETag"]
    assert read.json["code"] == code

    replaced = client.put(f"/api/v1/{path}/{code}", json={**body, **change},
                          headers={**admin, "If-Match": read.headers["ETag"]})
    assert replaced.status_code == 200, replaced.json
    assert replaced.json[field] == change[field]
    assert replaced.headers["ETag"] != read.headers["ETag"]
    assert client.get(f"/api/v1/{path}/{code}", headers=billing).json[field] == change[field]

    stale = client.put(f"/api/v1/{path}/{code}", json=body,
                       headers={**admin, "If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    assert client.put(f"/api/v1/{path}/{code}", json=body, headers=admin).status_code == 428
    assert client.delete(f"/api/v1/{path}/{code}", headers=admin).status_code == 428

    deleted = client.delete(f"/api/v1/{path}/{code}",
                            headers={**admin, "If-Match": replaced.headers["ETag"]})
    assert deleted.status_code == 204
    assert client.get(f"/api/v1/{path}/{code}", headers=billing).status_code == 404
    # History: the created, the replaced and the deleted version are all kept.
    assert rows(model, code) == 3


@pytest.mark.parametrize(("path", "model", "make", "change", "field"), RESOURCES)
def test_duplicate_unknown_and_mismatched_codes(client, admin, catalog, path, model, make,
                                                change, field):
    body = make(code="dup-1")
    first = client.post(f"/api/v1/{path}", json=body, headers=admin)
    assert first.status_code == 201, first.json
    assert client.post(f"/api/v1/{path}", json=body, headers=admin).status_code == 409
    missing = client.put(f"/api/v1/{path}/nope", json={**body, "code": "nope"},
                         headers={**admin, "If-Match": "*"})
    assert missing.status_code == 404
    mismatch = client.put(f"/api/v1/{path}/{body['code']}", json={**body, "code": "other"},
                          headers={**admin, "If-Match": first.headers["ETag"]})
    assert mismatch.status_code == 422
    assert "code" in mismatch.json["errors"]["json"]


def test_list_is_paginated_and_past_the_end_is_empty(client, admin, billing):
    for n in range(5):
        client.post("/api/v1/services", json=samples.service(code=f"S{n}"), headers=admin)
    page = client.get("/api/v1/services?page=2&page_size=2", headers=billing)
    assert page.status_code == 200
    assert [item["code"] for item in page.json] == ["S2", "S3"]
    assert '"total": 5' in page.headers["X-Pagination"]
    assert client.get("/api/v1/services?page=4&page_size=2", headers=billing).json == []
    huge = client.get("/api/v1/services?page=99999999999999999999", headers=billing)
    assert huge.status_code == 200 and huge.json == []


def test_recreating_a_deleted_code_continues_its_history(client, admin, billing):
    first = client.post("/api/v1/services", json=samples.service(code="S1"), headers=admin)
    client.delete("/api/v1/services/S1", headers={**admin, "If-Match": first.headers["ETag"]})
    again = client.post("/api/v1/services", json=samples.service(code="S1", charge="500.00"),
                        headers=admin)
    assert again.status_code == 201
    assert client.get("/api/v1/services/S1", headers=billing).json["charge"] == "500.00"
    assert rows(Service, "S1") == 3


def test_cash_price_defaults_to_the_charge(client, admin):
    body = samples.service(code="S9")
    del body["cash_price"]
    created = client.post("/api/v1/services", json=body, headers=admin)
    assert created.json["cash_price"] == "450.00"


def test_unit_prices_keep_four_decimals(client, admin):
    created = client.post("/api/v1/services",
                          json=samples.service(code="J0013", charge="13.1234", cash_price="12.50"),
                          headers=admin)
    assert created.status_code == 201
    assert (created.json["charge"], created.json["cash_price"]) == ("13.1234", "12.50")


def test_a_service_a_live_plan_uses_cannot_be_deleted(client, admin, catalog):
    etag = client.get("/api/v1/services/96365", headers=admin).headers["ETag"]
    refused = client.delete("/api/v1/services/96365", headers={**admin, "If-Match": etag})
    assert refused.status_code == 409
    assert "iv-series" in refused.json["message"]
    plan_etag = client.get("/api/v1/plans/iv-series", headers=admin).headers["ETag"]
    client.delete("/api/v1/plans/iv-series", headers={**admin, "If-Match": plan_etag})
    assert client.delete("/api/v1/services/96365",
                         headers={**admin, "If-Match": etag}).status_code == 204


def test_package_discount_names_a_live_plan_and_phase(client, admin, catalog):
    assert client.post("/api/v1/discounts", json=samples.package(),
                       headers=admin).status_code == 201
    bad_phase = client.post("/api/v1/discounts", json=samples.package(code="p2", phase="nope"),
                            headers=admin)
    assert bad_phase.status_code == 422 and "phase" in bad_phase.json["errors"]["json"]
    bad_plan = client.post("/api/v1/discounts", json=samples.package(code="p3", plan="nope"),
                           headers=admin)
    assert bad_plan.status_code == 422 and "plan" in bad_plan.json["errors"]["json"]
