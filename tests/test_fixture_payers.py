"""The seed payers for per-year benefits and secondary coverage (domain 3.4, 3.7)."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from costapi.db import session
from costapi.fixtures import load_fixtures
from costapi.models import StandardBenefit
from costapi.pricing.vocabulary import PAYER_KINDS
from costapi.services.estimate_rules import rules_by_code

MEDIGAP = ("medigap-g", "medigap-n", "medigap-k")


@pytest.fixture
def payers(app, client, billing):
    with app.app_context():
        load_fixtures()
    listed = client.get("/api/v1/payers?page_size=100", headers=billing).json
    return {payer["code"]: payer for payer in listed}


def _in_effect(entries, day):
    return [entry for entry in entries
            if entry["effective_from"] <= day
            and (entry["effective_to"] is None or day <= entry["effective_to"])]


def test_loading_twice_keeps_one_current_entry_each_and_their_ids(app, payers):
    ids = {code: [entry["id"] for entry in payer["standard_benefits"]]
           for code, payer in payers.items()}
    with app.app_context():
        assert load_fixtures()["created"] == 0
        count = session.scalar(select(func.count()).select_from(StandardBenefit))
        current = session.scalars(select(StandardBenefit).where(
            StandardBenefit.superseded_at.is_(None))).all()
    assert count == len(current) == sum(len(entries) for entries in ids.values()) == 6
    assert {code: [row.id for row in current if row.payer_code == code]
            for code in ids} == ids


def test_part_b_standard_benefits_for_2026_and_a_2027_projection(payers):
    entries = payers["medicare-b"]["standard_benefits"]
    (year_2026,) = _in_effect(entries, "2026-06-15")
    assert (year_2026["deductible"], year_2026["coinsurance"]) == ("283.00", "0.20")
    assert year_2026["out_of_pocket_max"] is None  # Original Medicare has no limit
    assert (year_2026["effective_from"], year_2026["effective_to"]) == ("2026-01-01",
                                                                        "2026-12-31")
    (year_2027,) = _in_effect(entries, "2027-03-01")
    assert year_2027["effective_from"] == "2027-01-01" and year_2027["effective_to"] is None
    assert Decimal(year_2027["deductible"]) > Decimal(year_2026["deductible"])
    assert year_2027["coinsurance"] == "0.20"


def test_medigap_payers_are_supplements_with_their_plan_terms(payers):
    assert "medicare_supplement" in PAYER_KINDS
    for code in MEDIGAP:
        payer = payers[code]
        assert payer["kind"] == "medicare_supplement"
        assert payer["rates"] == [] and payer["policies"] == []
        for entry in payer["standard_benefits"]:
            assert entry["pays_part_b_deductible"] is False
            assert entry["deductible"] is None and entry["coinsurance"] is None
            assert entry["copays"] == {} and entry["coinsurance_by_category"] == {}
    (g,) = payers["medigap-g"]["standard_benefits"]
    assert (g["coinsurance_share"], g["office_visit_copay"], g["out_of_pocket_max"]) == (
        "1.00", None, None)
    (n,) = payers["medigap-n"]["standard_benefits"]
    assert (n["coinsurance_share"], n["office_visit_copay"]) == ("1.00", "20.00")
    k = payers["medigap-k"]["standard_benefits"]
    (k_2026,) = _in_effect(k, "2026-07-01")
    (k_2027,) = _in_effect(k, "2027-07-01")
    assert k_2026["coinsurance_share"] == k_2027["coinsurance_share"] == "0.50"
    assert k_2026["out_of_pocket_max"] == "8000.00"
    assert Decimal(k_2027["out_of_pocket_max"]) > Decimal(k_2026["out_of_pocket_max"])


def test_secondary_payers_for_each_method(payers):
    assert payers["state-medicaid"]["kind"] == "medicaid"
    harbor = payers["harbor-ppo"]
    assert harbor["kind"] == "commercial" and harbor["standard_benefits"] == []
    assert {"G2082", "G2083", "99214", "90837"} <= {rate["service"] for rate in harbor["rates"]}
    (spravato,) = [p for p in harbor["policies"] if p["modality"] == "esketamine_nasal"]
    assert spravato["covered"] and spravato["prior_authorization"]
    assert spravato["diagnosis_codes"] == ["F32.*", "F33.*"]
    for code, payer in payers.items():
        if code != "medicare-b" and payer["kind"] != "medicare_supplement":
            assert payer["standard_benefits"] == [], code


def test_the_engine_reads_the_standard_benefits(app, payers):
    with app.app_context():
        loaded = rules_by_code("payers", ["medicare-b", "medigap-k"])
    part_b = loaded["medicare-b"].value.standard_benefits
    assert [(entry.effective_from, entry.deductible) for entry in part_b] == [
        (date(2026, 1, 1), Decimal("283.00")), (date(2027, 1, 1), Decimal("302.00"))]
    k = loaded["medigap-k"].value
    assert k.kind == "medicare_supplement"
    assert [entry.coinsurance_share for entry in k.standard_benefits] == [Decimal("0.5")] * 2
    assert k.standard_benefits[0].pays_part_b_deductible is False
