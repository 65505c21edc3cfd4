"""Plans that fit the payer (3.2 step 8): payer_kinds, public_name, public_description."""
import pytest
from sqlalchemy import select

from costapi.db import session
from costapi.models import Plan
from tests.api import samples
from tests.api.estimate_requests import spravato
from tests.api.test_estimate_warnings import medicare, warnings_of

PUBLIC = {"public_name": "IV ketamine: 6 infusions and boosters",
          "public_description": "Six infusions over two weeks, then a booster every 4 weeks.",
          "payer_kinds": ["commercial", "other"]}


@pytest.fixture
def service(client, admin):
    assert client.post("/api/v1/services", json=samples.service(), headers=admin).status_code == 201


def test_the_new_plan_fields_round_trip_and_stay_in_the_history(client, admin, billing, service):
    created = client.post("/api/v1/plans", json=samples.plan(**PUBLIC), headers=admin)
    assert created.status_code == 201, created.json
    read = client.get("/api/v1/plans/iv-series", headers=billing)
    assert {key: read.json[key] for key in PUBLIC} == PUBLIC
    assert read.json["name"] == "IV ketamine series"  # staff name and description unchanged
    assert read.json["description"] == "6 infusions then boosters"

    change = {"public_name": "IV ketamine", "payer_kinds": ["medicare"]}
    replaced = client.put("/api/v1/plans/iv-series", json=samples.plan(**{**PUBLIC, **change}),
                          headers={**admin, "If-Match": read.headers["ETag"]})
    assert replaced.status_code == 200, replaced.json
    assert client.get("/api/v1/plans/iv-series", headers=billing).json["payer_kinds"] == [
        "medicare"]
    versions = session.scalars(select(Plan).where(Plan.code == "iv-series")
                               .order_by(Plan.version)).all()
    assert [(row.public_name, row.payer_kinds) for row in versions] == [
        (PUBLIC["public_name"], ["commercial", "other"]), ("IV ketamine", ["medicare"])]


def test_a_plan_without_the_new_fields_fits_every_payer(client, admin, billing, service):
    assert client.post("/api/v1/plans", json=samples.plan(), headers=admin).status_code == 201
    read = client.get("/api/v1/plans/iv-series", headers=billing).json
    assert read["payer_kinds"] == []
    assert read["public_name"] is None and read["public_description"] is None


def test_an_unknown_payer_kind_is_a_422_naming_it(client, admin, service):
    body = samples.plan(payer_kinds=["commercial", "tricare"])
    response = client.post("/api/v1/plans", json=body, headers=admin)
    assert response.status_code == 422
    assert "1" in response.json["errors"]["json"]["payer_kinds"]


@pytest.mark.usefixtures("seeded")
def test_a_medicare_patient_on_the_split_billing_plan_is_warned(client, billing):
    body = {**medicare(), "plan": "spravato-56-commercial"}
    warning = warnings_of(client, billing, body)["plan_not_for_payer"]
    assert warning["message"] == (
        "This treatment plan is billed the way commercial insurance plans, Medicaid and "
        "other insurance plans are billed; ask the clinic for the plan that fits your "
        "insurance.")


@pytest.mark.usefixtures("seeded")
def test_the_fitting_plans_give_no_plan_not_for_payer(client, billing):
    assert "plan_not_for_payer" not in warnings_of(client, billing, spravato())
    assert "plan_not_for_payer" not in warnings_of(client, billing, medicare())
