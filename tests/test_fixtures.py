"""The seed data loads, is valid, and loading it twice changes nothing."""
from sqlalchemy import func, select

from costapi.db import session
from costapi.fixtures import load_fixtures
from costapi.models import Discount, Payer, Plan, Policy, Program, Rate, Service, StandardBenefit

TABLES = (Service, Plan, Payer, Rate, Policy, StandardBenefit, Program, Discount)


def _counts():
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in TABLES}


def test_loading_twice_changes_nothing(app):
    with app.app_context():
        first = load_fixtures()
        after_first = _counts()
        second = load_fixtures()
        assert second == {"created": 0, "updated": 0, "unchanged": first["created"]}
        assert _counts() == after_first


def test_the_seed_data_covers_what_the_issue_asks(app, client, billing):
    with app.app_context():
        load_fixtures()
    services = {s["code"] for s in client.get("/api/v1/services?page_size=100",
                                              headers=billing).json}
    assert len(services) >= 12
    assert {"J0013", "G2082", "G2083", "96365", "96366", "J3490", "96372", "90791", "90792",
            "99214", "99417", "G2212", "90837", "0820T"} <= services
    plans = {p["code"]: p for p in client.get("/api/v1/plans?page_size=100",
                                              headers=billing).json}
    assert len(plans) >= 4
    assert {p["modality"] for p in plans.values()} >= {"esketamine_nasal", "ketamine_iv", "kap"}
    payers = {p["code"]: p for p in client.get("/api/v1/payers?page_size=100",
                                               headers=billing).json}
    assert len(payers) >= 4
    assert {p["kind"] for p in payers.values()} >= {"commercial", "medicare", "medicaid",
                                                    "medicare_supplement"}
    programs = client.get("/api/v1/programs", headers=billing).json
    assert any(p["patient_pays_per_visit"] == "10.00" for p in programs)


def test_a_changed_fixture_is_replaced_not_duplicated(app, tmp_path):
    (tmp_path / "services.yaml").write_text(
        "- {code: S1, description: Visit, category: office_visit, charge: '100.00'}\n")
    with app.app_context():
        assert load_fixtures(tmp_path)["created"] == 1
        (tmp_path / "services.yaml").write_text(
            "- {code: S1, description: Visit, category: office_visit, charge: '120.00'}\n")
        assert load_fixtures(tmp_path) == {"created": 0, "updated": 1, "unchanged": 0}
        current = session.scalar(select(Service).where(Service.code == "S1",
                                                       Service.superseded_at.is_(None)))
        assert current.charge == 120 and current.version == 2
