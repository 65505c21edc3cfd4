"""The pharmacy benefit's rule data (domain 3.8) through HTTP: rates and visit items carry
`benefit`, rates overlap per service and benefit, the engine gets the benefit, and the
rates table has its column. Every payer, plan and service is made here (no seed data)."""
import pytest
from sqlalchemy import func, inspect, select, text

from costapi import migrations
from costapi.db import make_engine, session
from costapi.models import Plan, Rate
from costapi.services.estimate_rules import rules_by_code
from tests.api import samples

DRUG, VISIT = "tst-drug-mg", "tst-obs-visit"
PAYER, PLAN = "tst-rx-ppo", "tst-rx-plan"


def rate(service=DRUG, allowed="11.8000", start="2027-01-01", end=None, benefit=None):
    item = {"service": service, "allowed": allowed, "effective_from": start,
            "effective_to": end}
    return item if benefit is None else {**item, "benefit": benefit}


def payer(*rates):
    return samples.payer(PAYER, rates=list(rates), policies=[])


def plan(drug_item=None, changes=None):
    drug = drug_item or {"service": DRUG, "units": 56, "benefit": "pharmacy"}
    phase = {"name": "induction", "kind": "induction", "sessions": 4, "interval_days": 7,
             "visit": [drug, {"service": VISIT, "units": 1}]}
    if changes is not None:
        phase["visit_changes"] = changes
    return {"code": PLAN, "name": "Esketamine through the pharmacy",
            "modality": "esketamine_nasal", "phases": [phase]}


def errors_at(response, *path):
    assert response.status_code == 422, response.json
    node = response.json["errors"]["json"]
    for part in path:
        assert isinstance(node, dict) and part in node, (path, response.json["errors"])
        node = node[part]
    return node


def count(model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def services(client, admin):
    for body in (samples.service(DRUG, description="Esketamine, 1 mg", category="drug",
                                 charge="15.00", cash_price="12.50"),
                 samples.service(VISIT, description="Office visit", category="office_visit")):
        response = client.post("/api/v1/services", json=body, headers=admin)
        assert response.status_code == 201, response.json


# -- rates --------------------------------------------------------------------------------

def test_a_rate_keeps_its_benefit_and_defaults_to_medical(client, admin, billing, services):
    created = client.post("/api/v1/payers", headers=admin, json=payer(
        rate(), rate(allowed="9.5000", benefit="pharmacy"), rate(VISIT, "128.00")))
    assert created.status_code == 201, created.json
    assert [r["benefit"] for r in created.json["rates"]] == ["medical", "pharmacy", "medical"]
    fetched = client.get(f"/api/v1/payers/{PAYER}", headers=billing)
    assert fetched.json["rates"] == created.json["rates"]
    assert {row.benefit for row in session.scalars(select(Rate).where(
        Rate.payer_code == PAYER))} == {"medical", "pharmacy"}


def test_the_engine_gets_each_rates_benefit(client, admin, services):
    created = client.post("/api/v1/payers", headers=admin, json=payer(
        rate(), rate(allowed="9.5000", benefit="pharmacy")))
    assert created.status_code == 201, created.json
    engine_payer = rules_by_code("payers", [PAYER])[PAYER].value
    assert sorted((r.service, r.benefit, str(r.allowed)) for r in engine_payer.rates) == [
        (DRUG, "medical", "11.8000"), (DRUG, "pharmacy", "9.5000")]


def test_a_medical_and_a_pharmacy_rate_of_one_service_may_overlap(client, admin, services):
    response = client.post("/api/v1/payers", headers=admin, json=payer(
        rate(end=None), rate(allowed="9.5000", start="2027-06-01", benefit="pharmacy")))
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("benefit", ["medical", "pharmacy"])
def test_two_rates_of_one_service_and_benefit_may_not_overlap(client, admin, services,
                                                              benefit):
    response = client.post("/api/v1/payers", headers=admin, json=payer(
        rate(benefit=benefit), rate(allowed="9.5000", start="2027-06-01", benefit=benefit)))
    message = errors_at(response, "rates", "1", "effective_from")
    assert message == ["Overlaps item 0 for the same service and benefit."]
    assert count(Rate, Rate.payer_code == PAYER) == 0


def test_a_left_out_benefit_overlaps_an_explicit_medical_one(client, admin, services):
    response = client.post("/api/v1/payers", headers=admin, json=payer(
        rate(), rate(allowed="9.5000", start="2027-06-01", benefit="medical")))
    errors_at(response, "rates", "1", "effective_from")


def test_pharmacy_rates_in_sequence_are_fine(client, admin, services):
    response = client.post("/api/v1/payers", headers=admin, json=payer(
        rate(end="2027-05-31", benefit="pharmacy"),
        rate(allowed="9.5000", start="2027-06-01", benefit="pharmacy")))
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("value", ["dental", "", None, 1, True, "Pharmacy"])
def test_an_unknown_rate_benefit_is_a_422(client, admin, services, value):
    response = client.post("/api/v1/payers", headers=admin,
                           json=payer(rate(), {**rate(VISIT, "128.00"), "benefit": value}))
    errors_at(response, "rates", "1", "benefit")
    assert count(Rate, Rate.payer_code == PAYER) == 0


def test_a_rate_keeps_its_id_only_while_its_benefit_is_equal(client, admin, services):
    created = client.post("/api/v1/payers", headers=admin,
                          json=payer(rate(), rate(VISIT, "128.00")))
    assert created.status_code == 201, created.json
    ids = [r["id"] for r in created.json["rates"]]
    same = client.put(f"/api/v1/payers/{PAYER}", json=payer(rate(benefit="medical"),
                                                             rate(VISIT, "128.00")),
                      headers={**admin, "If-Match": created.headers["ETag"]})
    assert same.status_code == 200, same.json
    assert [r["id"] for r in same.json["rates"]] == ids
    assert same.headers["ETag"] != created.headers["ETag"]
    changed = client.put(f"/api/v1/payers/{PAYER}", json=payer(rate(benefit="pharmacy"),
                                                                rate(VISIT, "128.00")),
                         headers={**admin, "If-Match": same.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    drug, visit = changed.json["rates"][-1], changed.json["rates"][0]
    assert drug["benefit"] == "pharmacy" and drug["id"] not in ids
    assert visit["id"] == ids[1]
    superseded = session.get(Rate, ids[0])
    assert superseded.superseded_at is not None and superseded.benefit == "medical"


# -- plans --------------------------------------------------------------------------------

def test_a_visit_item_keeps_its_benefit(client, admin, billing, services):
    changes = [{"from_session": 2, "visit": [
        {"service": DRUG, "units": 84, "benefit": "pharmacy"}, {"service": VISIT, "units": 1}]}]
    created = client.post("/api/v1/plans", json=plan(changes=changes), headers=admin)
    assert created.status_code == 201, created.json
    phase = created.json["phases"][0]
    assert phase["visit"][0] == {"service": DRUG, "units": 56, "benefit": "pharmacy"}
    assert phase["visit_changes"] == changes
    fetched = client.get(f"/api/v1/plans/{PLAN}", headers=billing)
    assert fetched.json["phases"] == created.json["phases"]
    engine_plan = rules_by_code("plans", [PLAN])[PLAN].value
    first, changed = engine_plan.phases[0].visit, engine_plan.phases[0].visit_changes[0].visit
    assert [item.benefit for item in first] == ["pharmacy", "medical"]
    assert [item.benefit for item in changed] == ["pharmacy", "medical"]


def test_a_visit_item_without_benefit_is_medical_and_dumped_as_sent(client, admin, services):
    created = client.post("/api/v1/plans", headers=admin,
                          json=plan({"service": DRUG, "units": 56}))
    assert created.status_code == 201, created.json
    assert created.json["phases"][0]["visit"][0] == {"service": DRUG, "units": 56}
    explicit = client.put(f"/api/v1/plans/{PLAN}", headers={
        **admin, "If-Match": created.headers["ETag"]},
        json=plan({"service": DRUG, "units": 56, "benefit": "medical"}))
    assert explicit.status_code == 200, explicit.json
    assert explicit.json["phases"][0]["visit"][0]["benefit"] == "medical"
    engine_plan = rules_by_code("plans", [PLAN])[PLAN].value
    assert {item.benefit for item in engine_plan.phases[0].visit} == {"medical"}


@pytest.mark.parametrize("value", ["dental", "", None, 0, False, ["pharmacy"]])
def test_an_unknown_visit_item_benefit_is_a_422(client, admin, services, value):
    response = client.post("/api/v1/plans", headers=admin,
                           json=plan({"service": DRUG, "units": 56, "benefit": value}))
    errors_at(response, "phases", "0", "visit", "0", "benefit")
    assert count(Plan, Plan.code == PLAN) == 0


def test_an_unknown_benefit_in_a_visit_change_is_a_422(client, admin, services):
    changes = [{"from_session": 2, "visit": [{"service": DRUG, "units": 84,
                                              "benefit": "mail_order"}]}]
    response = client.post("/api/v1/plans", json=plan(changes=changes), headers=admin)
    errors_at(response, "phases", "0", "visit_changes", "0", "visit", "0", "benefit")
    assert count(Plan, Plan.code == PLAN) == 0


# -- the migration ------------------------------------------------------------------------

INSERT_RATE = text("INSERT INTO rates (payer_code, service, allowed, effective_from, created_at) "
                   "VALUES ('tst-old', 'tst-old-svc', 10, '2026-01-01', '2026-01-01 00:00:00')")


def test_a_rate_written_without_benefit_is_medical(app):
    """The server default: rows written before the column (or by hand) are medical."""
    session.execute(INSERT_RATE)
    assert session.scalar(select(Rate.benefit).where(Rate.payer_code == "tst-old")) == "medical"


@pytest.mark.no_db_transaction
def test_migration_0008_adds_the_benefit_column_and_removes_it_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'rates.sqlite'}"
    migrations.upgrade(url, "0007")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(INSERT_RATE)
        migrations.upgrade(url, "0008")
        with engine.connect() as connection:
            column = {c["name"]: c for c in inspect(connection).get_columns("rates")}["benefit"]
            assert not column["nullable"]
            assert connection.scalar(text("SELECT benefit FROM rates")) == "medical"
        migrations.downgrade(url, "0007")
        with engine.connect() as connection:
            assert "benefit" not in {c["name"] for c in inspect(connection).get_columns("rates")}
    finally:
        engine.dispose()
