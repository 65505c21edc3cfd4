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


def _yaml(name):
    import yaml

    from costapi.fixtures import FIXTURES_DIR
    return yaml.safe_load((FIXTURES_DIR / name).read_text())


def test_split_billing_pairs_pass_claim_edits():
    """99417 rides only with 99205/99215 and never with 99415/99416; a 2-hour observation
    after 99214 is 99415 x 1 + 99416 x 1 (services.yaml gives the CPT time rule)."""
    for plan in _yaml("plans.yaml"):
        for phase in plan["phases"]:
            visits = [phase["visit"]] + [c["visit"] for c in phase.get("visit_changes", [])]
            for visit in visits:
                codes = {item["service"]: item["units"] for item in visit}
                if "99417" in codes:
                    assert codes.keys() & {"99205", "99215"}, plan["code"]
                    assert not codes.keys() & {"99415", "99416"}, plan["code"]
                if "J0013" in codes:
                    assert (codes["99214"], codes["99415"], codes["99416"]) == (1, 1, 1)


def test_84_mg_plans_start_at_56_mg():
    plans = {plan["code"]: plan for plan in _yaml("plans.yaml")}
    first = plans["spravato-84-commercial"]["phases"][0]
    assert {"service": "J0013", "units": 56} in first["visit"]
    assert [c["from_session"] for c in first["visit_changes"]] == [2]
    assert {"service": "J0013", "units": 84} in first["visit_changes"][0]["visit"]
    medicare = plans["spravato-84-medicare"]["phases"][0]
    assert medicare["visit"] == [{"service": "G2082", "units": 1}]
    assert medicare["visit_changes"] == [{"from_session": 2,
                                          "visit": [{"service": "G2083", "units": 1}]}]


def test_commercial_rates_are_110_to_125_percent_of_medicare():
    """Each commercial payer's current rates are one percent of the medicare-b figure
    (J0013: its share of the G2082 bundle, 13.2020 per mg; 99417: G2212), to the cent."""
    from decimal import ROUND_HALF_UP, Decimal
    payers = {payer["code"]: payer for payer in _yaml("payers.yaml")}
    medicare = {rate["service"]: Decimal(rate["allowed"])
                for rate in payers["medicare-b"]["rates"]}
    medicare["99417"] = medicare["G2212"]
    medicare["J0013"] = Decimal("13.2020")
    assert ((Decimal("900.00") - medicare["99214"] - medicare["99415"] - medicare["99416"])
            / 56).quantize(Decimal("0.0001"), ROUND_HALF_UP) == medicare["J0013"]
    for code, percent in (("acme-ppo", "1.18"), ("bluestate-hmo", "1.22"),
                          ("harbor-ppo", "1.16")):
        assert payers[code]["kind"] == "commercial"
        current = [rate for rate in payers[code]["rates"]
                   if rate["effective_to"] is None and rate["service"] in medicare
                   and rate.get("benefit", "medical") == "medical"]
        pharmacy = [rate for rate in payers[code]["rates"] if rate.get("benefit") == "pharmacy"]
        assert [(rate["service"], rate["allowed"]) for rate in pharmacy] == [("J0013", "14.25")]
        assert {"J0013", "99214", "99415", "99416"} <= {rate["service"] for rate in current}
        for rate in current:
            expected = (medicare[rate["service"]] * Decimal(percent)).quantize(
                Decimal("0.01"), ROUND_HALF_UP)
            assert Decimal(rate["allowed"]) == expected, (code, rate["service"])


def test_the_sliding_scale_uses_the_2026_poverty_guideline():
    from decimal import Decimal
    scale = next(d for d in _yaml("discounts.yaml") if d["code"] == "sliding-scale")
    # HHS 2026, 48 contiguous states and DC: 15,960 + 5,680 a person (4 persons: 33,000)
    assert (scale["poverty_base"], scale["poverty_per_additional_person"]) == (
        "15960.00", "5680.00")
    assert (Decimal(scale["poverty_base"]) + 3 * Decimal(scale["poverty_per_additional_person"])
            == 33000)


def test_the_specialty_pharmacy_plan_bills_only_the_visit():
    plans = {plan["code"]: plan for plan in _yaml("plans.yaml")}
    pharmacy, medical = plans["spravato-56-pharmacy"], plans["spravato-56-commercial"]
    assert pharmacy["payer_kinds"] == medical["payer_kinds"]
    for mine, theirs in zip(pharmacy["phases"], medical["phases"], strict=True):
        assert mine["visit"][0] == {"service": "J0013", "units": 56, "benefit": "pharmacy"}
        assert mine["visit"][1:] == theirs["visit"][1:]
        assert {k: v for k, v in mine.items() if k != "visit"} == {
            k: v for k, v in theirs.items() if k != "visit"}


def test_the_treatment_session_rebate_program():
    programs = {program["code"]: program for program in _yaml("programs.yaml")}
    rebate = programs["spravato-session-rebate"]
    assert rebate["paid_as"] == "rebate" and rebate["payer_kinds"] == ["commercial"]
    assert rebate["excluded_states"] == ["MA", "MI", "MN", "RI"]
    assert rebate["services"] == ["99214", "99415", "99416"]
