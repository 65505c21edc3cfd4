"""Payers' standard_benefits through HTTP (domain 3.4, 3.7): stored, synced, validated."""
import pytest
from sqlalchemy import func, select

from costapi.db import session
from costapi.models import Payer, Policy, Rate, StandardBenefit
from costapi.services.estimate_rules import rules_by_code
from tests.api import samples

TABLES = (Payer, Rate, Policy, StandardBenefit)
PART_B_2026 = {"effective_from": "2026-01-01", "effective_to": "2026-12-31",
               "deductible": "283.00", "coinsurance": "0.20"}
PART_B_2027 = {"effective_from": "2027-01-01", "effective_to": None, "deductible": "302.00",
               "coinsurance": "0.20"}
PLAN_K = {"effective_from": "2026-01-01", "effective_to": None,
          "pays_part_b_deductible": False, "coinsurance_share": "0.50",
          "out_of_pocket_max": "8000.00"}
EVERY_FIELD = {"id", "effective_from", "effective_to", "deductible", "coinsurance",
               "coinsurance_by_category", "copays", "out_of_pocket_max",
               "pays_part_b_deductible", "coinsurance_share", "office_visit_copay"}


def medicare(**changes):
    return samples.payer(**{"code": "medicare-b", "name": "Original Medicare Part B",
                            "kind": "medicare", "out_of_network_allowed_percent": None,
                            "standard_benefits": [PART_B_2026, PART_B_2027], **changes})


def medigap(**changes):
    return {"code": "medigap-k", "name": "Medigap Plan K", "kind": "medicare_supplement",
            "standard_benefits": [PLAN_K], **changes}


@pytest.fixture
def catalog(client, admin):
    assert client.post("/api/v1/services", json=samples.service(), headers=admin).status_code == 201


def _count():
    return [session.scalar(select(func.count()).select_from(model)) for model in TABLES]


def _dig(response, *path):
    node = response.json["errors"]["json"]
    for key in path:
        assert key in node, (path, response.json)
        node = node[key]
    return node


def _put(client, admin, body, etag):
    return client.put(f"/api/v1/payers/{body['code']}", json=body,
                      headers={**admin, "If-Match": etag})


def test_create_read_list_and_replace_keep_equal_entries_and_their_ids(app, client, admin,
                                                                        billing, catalog):
    created = client.post("/api/v1/payers", json=medicare(), headers=admin)
    assert created.status_code == 201, created.json
    first, second = created.json["standard_benefits"]
    assert set(first) == EVERY_FIELD
    assert {key: first[key] for key in PART_B_2026} == PART_B_2026
    assert (first["out_of_pocket_max"], first["copays"], first["coinsurance_by_category"]) == (
        None, {}, {})  # no limit, as in Original Medicare
    assert second["deductible"] == "302.00" and second["effective_to"] is None

    read = client.get("/api/v1/payers/medicare-b", headers=billing)
    assert read.json["standard_benefits"] == created.json["standard_benefits"]
    listed = {p["code"]: p for p in client.get("/api/v1/payers", headers=billing).json}
    assert listed["medicare-b"]["standard_benefits"] == created.json["standard_benefits"]

    body = read.json  # the GET shape goes straight back; ids are ignored on input
    body["standard_benefits"][1] = {**PART_B_2027, "id": 999, "deductible": "305.00"}
    replaced = _put(client, admin, body, read.headers["ETag"])
    assert replaced.status_code == 200, replaced.json
    kept, changed = replaced.json["standard_benefits"]
    assert kept["id"] == first["id"]
    assert changed["id"] not in (second["id"], 999) and changed["deductible"] == "305.00"
    with app.app_context():
        assert session.get(StandardBenefit, second["id"]).superseded_at is not None
        assert session.get(StandardBenefit, first["id"]).superseded_at is None

    emptied = _put(client, admin, {**body, "standard_benefits": []}, replaced.headers["ETag"])
    assert emptied.status_code == 200 and emptied.json["standard_benefits"] == []
    with app.app_context():
        assert rules_by_code("payers", ["medicare-b"])["medicare-b"].value.standard_benefits == ()


def test_standard_benefits_default_to_none(client, admin, catalog):
    created = client.post("/api/v1/payers", json=samples.payer(), headers=admin)
    assert created.status_code == 201 and created.json["standard_benefits"] == []


def test_category_maps_and_a_supplement_payer_without_rates_or_policies(client, admin, catalog):
    entry = {"effective_from": "2026-01-01", "deductible": "1500.00", "coinsurance": "0.2",
             "coinsurance_by_category": {"drug": "0.125"},
             "copays": {"office_visit": "30", "psychotherapy": "25.50"},
             "out_of_pocket_max": "6000.00"}
    created = client.post("/api/v1/payers", json=samples.payer(standard_benefits=[entry]),
                          headers=admin)
    assert created.status_code == 201, created.json
    (stored,) = created.json["standard_benefits"]
    assert stored["coinsurance"] == "0.20" and stored["effective_to"] is None
    assert stored["coinsurance_by_category"] == {"drug": "0.125"}
    assert stored["copays"] == {"office_visit": "30.00", "psychotherapy": "25.50"}

    supplement = client.post("/api/v1/payers", json=medigap(), headers=admin)
    assert supplement.status_code == 201, supplement.json
    assert supplement.json["rates"] == [] and supplement.json["policies"] == []
    (k,) = supplement.json["standard_benefits"]
    assert (k["pays_part_b_deductible"], k["coinsurance_share"], k["out_of_pocket_max"]) == (
        False, "0.50", "8000.00")
    n = medigap(code="medigap-n", standard_benefits=[
        {"effective_from": "2026-01-01", "coinsurance_share": "1", "office_visit_copay": "20.00"}])
    assert client.post("/api/v1/payers", json=n, headers=admin).status_code == 201


def test_a_change_of_only_standard_benefits_is_a_new_version_and_etag(app, client, admin,
                                                                      billing, catalog):
    created = client.post("/api/v1/payers", json=medicare(), headers=admin)
    with app.app_context():
        before = rules_by_code("payers", ["medicare-b"])["medicare-b"]
    replaced = _put(client, admin, medicare(standard_benefits=[PART_B_2026]),
                    created.headers["ETag"])
    assert replaced.status_code == 200, replaced.json
    assert replaced.headers["ETag"] != created.headers["ETag"]
    assert replaced.json["rates"] == created.json["rates"]
    assert replaced.json["policies"] == created.json["policies"]
    read = client.get("/api/v1/payers/medicare-b", headers=billing)
    assert read.headers["ETag"] == replaced.headers["ETag"]
    assert len(read.json["standard_benefits"]) == 1
    stale = _put(client, admin, medicare(), created.headers["ETag"])
    assert stale.status_code == 412
    with app.app_context():
        after = rules_by_code("payers", ["medicare-b"])["medicare-b"]
    assert after.version == before.version + 1  # estimates name the version they used
    assert len(before.value.standard_benefits) == 2 and len(after.value.standard_benefits) == 1


def test_overlapping_entries_are_422_naming_the_later_entry(client, admin, catalog):
    body = medicare(standard_benefits=[PART_B_2026, {**PART_B_2027,
                                                     "effective_from": "2026-12-31"}])
    before = _count()
    response = client.post("/api/v1/payers", json=body, headers=admin)
    assert response.status_code == 422
    assert "Overlaps item 0" in _dig(response, "standard_benefits", "1", "effective_from")[0]
    assert _count() == before
    open_ended = medicare(standard_benefits=[{**PART_B_2026, "effective_to": None},
                                             PART_B_2027])
    response = client.post("/api/v1/payers", json=open_ended, headers=admin)
    assert _dig(response, "standard_benefits", "1", "effective_from")
    assert _count() == before


@pytest.mark.parametrize(("term", "value"), [
    ("pays_part_b_deductible", False), ("coinsurance_share", "1"),
    ("office_visit_copay", "20.00")])
def test_supplement_terms_on_a_commercial_payer_are_422(client, admin, catalog, term, value):
    entry = {"effective_from": "2026-01-01", "deductible": "500.00", term: value}
    before = _count()
    response = client.post("/api/v1/payers", json=samples.payer(standard_benefits=[entry]),
                           headers=admin)
    assert response.status_code == 422
    assert "medicare_supplement" in _dig(response, "standard_benefits", "0", term)[0]
    assert _count() == before


@pytest.mark.parametrize(("term", "value"), [
    ("deductible", "283.00"), ("coinsurance", "0.20"),
    ("coinsurance_by_category", {"drug": "0.20"}), ("copays", {"office_visit": "20.00"})])
def test_primary_terms_on_a_supplement_payer_are_422(client, admin, term, value):
    before = _count()
    response = client.post("/api/v1/payers", json=medigap(standard_benefits=[
        PLAN_K, {"effective_from": "2025-01-01", "effective_to": "2025-12-31", term: value}]),
        headers=admin)
    assert response.status_code == 422
    assert _dig(response, "standard_benefits", "1", term)
    assert "0" not in response.json["errors"]["json"]["standard_benefits"]
    assert _count() == before


@pytest.mark.parametrize(("entry", "path"), [
    ({"deductible": 283}, ("deductible",)),
    ({"coinsurance": "1.5"}, ("coinsurance",)),
    ({"out_of_pocket_max": "-1.00"}, ("out_of_pocket_max",)),
    ({"copays": {"surgery": "20.00"}}, ("copays", "surgery")),
    ({"coinsurance_by_category": {"drug": 0.2}}, ("coinsurance_by_category", "drug")),
    ({"effective_to": "2025-12-31"}, ("effective_to",)),
    ({"effective_from": None}, ("effective_from",)),
], ids=["money as a number", "fraction over 1", "negative limit", "unknown category",
        "fraction as a number", "ends before it starts", "no start"])
def test_an_invalid_entry_is_422_naming_the_field(client, admin, catalog, entry, path):
    body = samples.payer(standard_benefits=[{"effective_from": "2026-01-01", **entry}])
    before = _count()
    response = client.post("/api/v1/payers", json=body, headers=admin)
    assert response.status_code == 422, response.json
    assert _dig(response, "standard_benefits", "0", *path)
    assert _count() == before


def test_a_refused_replace_writes_nothing(app, client, admin, billing, catalog):
    created = client.post("/api/v1/payers", json=medicare(), headers=admin)
    before = _count()
    overlapping = medicare(standard_benefits=[PART_B_2026, PART_B_2026])
    response = _put(client, admin, overlapping, created.headers["ETag"])
    assert response.status_code == 422
    assert _dig(response, "standard_benefits", "1", "effective_from")
    supplement_terms = medicare(standard_benefits=[{**PART_B_2026, "coinsurance_share": "1"}])
    assert _put(client, admin, supplement_terms, created.headers["ETag"]).status_code == 422
    assert _count() == before
    read = client.get("/api/v1/payers/medicare-b", headers=billing)
    assert read.headers["ETag"] == created.headers["ETag"]
    assert read.json["standard_benefits"] == created.json["standard_benefits"]


def test_a_kind_change_to_supplement_must_drop_the_primary_terms(client, admin, catalog):
    created = client.post("/api/v1/payers", json=medicare(), headers=admin)
    as_supplement = medicare(kind="medicare_supplement")
    response = _put(client, admin, as_supplement, created.headers["ETag"])
    assert response.status_code == 422
    assert set(_dig(response, "standard_benefits")) == {"0", "1"}
    assert set(_dig(response, "standard_benefits", "0")) == {"deductible", "coinsurance"}
