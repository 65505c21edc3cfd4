"""Estimate requests with pharmacy benefit terms (domain 3.8): `coverage.benefits.pharmacy`
and `next_plan_year.pharmacy` are accepted and reach the engine's inputs, every 422 names
its field and stores nothing, a secondary and the out-of-network terms take no pharmacy, a
phase override's visit items take `benefit`, and an eligibility check's pharmacy terms merge
field by field. The money of pharmacy estimates is the engine's (tests/pricing); here only
statuses, field names and inputs. Every service, plan and payer is made here."""
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from costapi.api.estimate_requests import load_request
from costapi.db import session
from costapi.models import EligibilityCheck, Estimate
from costapi.pricing.inputs import PharmacyBenefits
from costapi.services import eligibility
from costapi.services.engine_inputs import benefits_input
from costapi.services.estimate_rules import engine_input, load_rules
from tests.api import samples

DRUG, VISIT = "tst-rx-drug", "tst-rx-visit"
PAYER, SECOND, PLAN, RX_PLAN = "tst-rx-primary", "tst-rx-second", "tst-rx-medical", "tst-rx-pharm"
START = "2027-03-01"
PHARMACY = {"deductible": "250.00", "deductible_met": "50.00", "integrated_deductible": False,
            "copay_per_fill": "40.00", "coinsurance": "0.20",
            "coinsurance_max_per_fill": "150.00", "integrated_out_of_pocket": False,
            "out_of_pocket_max": "2000.00", "out_of_pocket_met": "100.00"}
NEXT_YEAR_PHARMACY = {key: value for key, value in PHARMACY.items() if not key.endswith("_met")}
BENEFITS = {"plan_year_start": "2027-01-01", "deductible": "1000.00", "deductible_met": "0.00",
            "out_of_pocket_max": "4000.00", "out_of_pocket_met": "0.00",
            "coinsurance": "0.20"}


def visit(benefit=None):
    drug = {"service": DRUG, "units": 56, **({"benefit": benefit} if benefit else {})}
    return [drug, {"service": VISIT, "units": 1}]


def plan(code, benefit=None):
    return {"code": code, "name": f"Esketamine ({code})", "modality": "esketamine_nasal",
            "phases": [{"name": "induction", "kind": "induction", "sessions": 3,
                        "interval_days": 7, "visit": visit(benefit)}]}


@pytest.fixture(autouse=True)
def rules(client, admin):
    """Two services, a medical-only and a pharmacy plan, two commercial payers that cover
    the modality (medical and pharmacy rates for the drug)."""
    policy = {"modality": "esketamine_nasal", "service": None, "category": None,
              "covered": True, "reason": None, "prior_authorization": False,
              "diagnosis_codes": [], "max_visits_per_year": None,
              "effective_from": "2026-01-01", "effective_to": None}
    rates = [{"service": DRUG, "allowed": "11.8000", "effective_from": "2026-01-01"},
             {"service": DRUG, "allowed": "9.5000", "effective_from": "2026-01-01",
              "benefit": "pharmacy"},
             {"service": VISIT, "allowed": "128.00", "effective_from": "2026-01-01"}]
    for path, body in (
        ("services", samples.service(DRUG, description="Esketamine, 1 mg", category="drug",
                                     charge="15.00", cash_price="12.50")),
        ("services", samples.service(VISIT, description="Office visit",
                                     category="office_visit")),
        ("plans", plan(PLAN)), ("plans", plan(RX_PLAN, "pharmacy")),
        ("payers", samples.payer(PAYER, rates=rates, policies=[policy])),
        ("payers", samples.payer(SECOND, name="Second PPO", rates=rates, policies=[policy])),
    ):
        response = client.post(f"/api/v1/{path}", json=body, headers=admin)
        assert response.status_code == 201, response.json


def request(plan_code=PLAN, benefits=None, phases=None, **coverage):
    body = {"plan": plan_code, "start_date": START,
            "coverage": {"type": "insurance", "payer": PAYER, "network": "in",
                         "benefits": benefits if benefits is not None else dict(BENEFITS),
                         "diagnosis_codes": ["F33.2"], **coverage}}
    if phases is not None:
        body["phases"] = phases
    return body


def with_benefits(**changes):
    return request(benefits={**BENEFITS, **changes})


def stored_count():
    return session.scalar(select(func.count()).select_from(Estimate))


def refused(client, billing, body, *path):
    """POST /estimates answers 422 naming `path` and stores nothing; the message."""
    before = stored_count()
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 422, response.json
    assert stored_count() == before
    node = response.json["errors"]["json"]
    for part in path:
        assert isinstance(node, dict) and part in node, (path, response.json["errors"])
        node = node[part]
    return node


def inputs(body, benefits=None):
    request_data = load_request(body)
    return engine_input(request_data, load_rules(request_data), benefits=benefits)


# -- accepted -----------------------------------------------------------------------------

def test_benefits_pharmacy_is_accepted_and_the_estimate_stored(client, billing):
    body = with_benefits(pharmacy=dict(PHARMACY),
                         next_plan_year={"pharmacy": dict(NEXT_YEAR_PHARMACY)})
    before = stored_count()
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 201, response.json
    assert stored_count() == before + 1
    again = client.get(f"/api/v1/estimates/{response.json['id']}", headers=billing)
    assert again.status_code == 200


def test_the_engine_gets_the_pharmacy_terms():
    body = with_benefits(pharmacy=dict(PHARMACY),
                         next_plan_year={"pharmacy": {"copay_per_fill": "60.00"}})
    benefits = inputs(body).coverage.benefits
    assert benefits.pharmacy == PharmacyBenefits(
        deductible=Decimal("250.00"), deductible_met=Decimal("50.00"),
        integrated_deductible=False, copay_per_fill=Decimal("40.00"),
        coinsurance=Decimal("0.20"), coinsurance_max_per_fill=Decimal("150.00"),
        integrated_out_of_pocket=False, out_of_pocket_max=Decimal("2000.00"),
        out_of_pocket_met=Decimal("100.00"))
    later = benefits.next_plan_year.pharmacy
    assert later == PharmacyBenefits(copay_per_fill=Decimal("60.00"))
    assert later.deductible_met == later.out_of_pocket_met == Decimal("0")


def test_pharmacy_defaults_and_absence():
    assert inputs(request()).coverage.benefits.pharmacy is None
    empty = inputs(with_benefits(pharmacy={})).coverage.benefits.pharmacy
    assert empty == PharmacyBenefits()
    assert empty.integrated_out_of_pocket is True and empty.integrated_deductible is False
    assert inputs(with_benefits(pharmacy=None)).coverage.benefits.pharmacy is None
    year = inputs(with_benefits(next_plan_year={"deductible": "1100.00"})).coverage.benefits
    assert year.next_plan_year.pharmacy is None


def test_a_pharmacy_plan_and_a_phase_override_reach_the_engine_with_their_benefit():
    plan_input = inputs(request(RX_PLAN)).plan
    assert [item.benefit for item in plan_input.phases[0].visit] == ["pharmacy", "medical"]
    body = request(phases={"induction": {
        "visit": visit("pharmacy"),
        "visit_changes": [{"from_session": 2, "visit": visit("medical")}]}})
    override = inputs(body).overrides["induction"]
    assert [item.benefit for item in override.visit] == ["pharmacy", "medical"]
    assert [item.benefit for item in override.visit_changes[0].visit] == ["medical", "medical"]


def test_a_preview_takes_benefits_pharmacy(client, billing):
    response = client.post("/api/v1/estimates/preview", headers=billing,
                           json=with_benefits(pharmacy={"copay_per_fill": "25.00"}))
    assert response.status_code == 200, response.json


# -- refused: each 422 names its field and stores nothing ---------------------------------

PHARMACY_INVALID = [
    ({"deductible": "100.00", "deductible_met": "100.01"}, "deductible_met", "met above"),
    ({"out_of_pocket_max": "500.00", "out_of_pocket_met": "600.00"}, "out_of_pocket_met",
     "oop met above"),
    ({"deductible": "-1.00"}, "deductible", "negative"),
    ({"deductible": 100}, "deductible", "a JSON number"),
    ({"deductible_met": None}, "deductible_met", "met null"),
    ({"copay_per_fill": "40.001"}, "copay_per_fill", "three decimals"),
    ({"copay_per_fill": "2000000000.00"}, "copay_per_fill", "over a billion"),
    ({"coinsurance": "1.5"}, "coinsurance", "coinsurance above 1"),
    ({"coinsurance": 0.2}, "coinsurance", "coinsurance a number"),
    ({"coinsurance_max_per_fill": "x"}, "coinsurance_max_per_fill", "max not money"),
    ({"out_of_pocket_met": "-5.00"}, "out_of_pocket_met", "negative met"),
    ({"integrated_deductible": "true"}, "integrated_deductible", "flag as text"),
    ({"integrated_out_of_pocket": 1}, "integrated_out_of_pocket", "flag as a number"),
    ({"integrated_deductible": None}, "integrated_deductible", "flag null"),
    ({"tier": "specialty"}, "tier", "unknown field"),
]


@pytest.mark.parametrize(("pharmacy", "field"),
                         [pytest.param(p, f, id=i) for p, f, i in PHARMACY_INVALID])
def test_a_bad_pharmacy_field_is_a_422_naming_it(client, billing, pharmacy, field):
    refused(client, billing, with_benefits(pharmacy=pharmacy),
            "coverage", "benefits", "pharmacy", field)


@pytest.mark.parametrize("value", [[], "40.00", True])
def test_pharmacy_must_be_an_object(client, billing, value):
    refused(client, billing, with_benefits(pharmacy=value), "coverage", "benefits", "pharmacy")


def test_met_above_total_names_the_met_field_with_the_message(client, billing):
    message = refused(client, billing, with_benefits(pharmacy={
        "deductible": "100.00", "deductible_met": "150.00"}),
        "coverage", "benefits", "pharmacy", "deductible_met")
    assert message == ["deductible_met may not exceed deductible."]


@pytest.mark.parametrize("field", ["deductible_met", "out_of_pocket_met", "tier"])
def test_next_plan_year_pharmacy_takes_no_met_amounts(client, billing, field):
    refused(client, billing, with_benefits(next_plan_year={"pharmacy": {field: "0.00"}}),
            "coverage", "benefits", "next_plan_year", "pharmacy", field)


@pytest.mark.parametrize(("pharmacy", "field"), [
    ({"coinsurance": "2"}, "coinsurance"), ({"copay_per_fill": 5}, "copay_per_fill"),
    ({"integrated_out_of_pocket": "no"}, "integrated_out_of_pocket")])
def test_a_bad_next_year_pharmacy_field_is_a_422(client, billing, pharmacy, field):
    refused(client, billing, with_benefits(next_plan_year={"pharmacy": pharmacy}),
            "coverage", "benefits", "next_plan_year", "pharmacy", field)


def test_out_of_network_takes_no_pharmacy(client, billing):
    body = with_benefits(out_of_network={"deductible": "3000.00", "coinsurance": "0.40",
                                         "pharmacy": {"copay_per_fill": "40.00"}})
    assert refused(client, billing, body, "coverage", "benefits", "out_of_network",
                   "pharmacy") == ["Unknown field."]
    body = with_benefits(out_of_network={"next_plan_year": {"pharmacy": {}}})
    refused(client, billing, body, "coverage", "benefits", "out_of_network", "next_plan_year",
            "pharmacy")


def secondary(benefits):
    return request(secondary={"payer": SECOND, "method": "standard", "benefits": benefits})


def test_a_secondary_takes_no_pharmacy(client, billing):
    terms = {"deductible": "500.00", "coinsurance": "0.10"}
    assert client.post("/api/v1/estimates/preview", json=secondary(terms),
                       headers=billing).status_code == 200
    refused(client, billing, secondary({**terms, "pharmacy": {"copay_per_fill": "10.00"}}),
            "coverage", "secondary", "benefits", "pharmacy")
    refused(client, billing, secondary({**terms, "next_plan_year": {"pharmacy": {}}}),
            "coverage", "secondary", "benefits", "next_plan_year", "pharmacy")


def test_self_pay_takes_no_benefits_at_all(client, billing):
    body = {"plan": PLAN, "start_date": START, "coverage": {
        "type": "self_pay", "benefits": {"pharmacy": {}}}}
    refused(client, billing, body, "coverage", "benefits")


@pytest.mark.parametrize("value", ["mail_order", None, 1])
def test_a_phase_override_visit_item_benefit_is_checked(client, billing, value):
    item = {"service": DRUG, "units": 56, "benefit": value}
    refused(client, billing, request(phases={"induction": {"visit": [item]}}),
            "phases", "induction", "visit", "0", "benefit")
    changes = [{"from_session": 2, "visit": [item]}]
    refused(client, billing, request(phases={"induction": {"visit_changes": changes}}),
            "phases", "induction", "visit_changes", "0", "visit", "0", "benefit")


# -- an eligibility check's pharmacy terms --------------------------------------------------

CHECKED = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)  # in the plan year of START


def stored_check(payer=PAYER, **benefits):
    """An active check of `payer` made on CHECKED whose benefits are `benefits` (as stored)."""
    check = EligibilityCheck(
        id=str(uuid.uuid4()), created_at=CHECKED, payer_code=payer,
        trading_partner_id="TST01", member_id="M1", member_hash="0" * 64, service_type="30",
        network="in", control_number="000000001", status="active",
        benefits={"plan_year_start": "2027-01-01", "deductible": "1000.00",
                  "deductible_met": "0.00", "coinsurance": "0.20", **benefits},
        confidence="high", warnings=[], prior_authorization=[])
    session.add(check)
    session.commit()
    return check.id


def checked(coverage_changes, start=date(2027, 3, 1)):
    """The benefits an estimate gets from the primary's check, as engine input."""
    coverage = {"type": "insurance", "payer": PAYER, **coverage_changes}
    merged, _ = eligibility.estimate_benefits(coverage, start)
    return benefits_input(merged)


def test_a_checks_pharmacy_terms_merge_field_by_field(app):
    check = stored_check(pharmacy={"deductible": "250.00", "deductible_met": "50.00",
                                   "coinsurance": "0.25", "integrated_out_of_pocket": False})
    assert checked({"eligibility_check": check}).pharmacy == PharmacyBenefits(
        deductible=Decimal("250.00"), deductible_met=Decimal("50.00"),
        coinsurance=Decimal("0.25"), integrated_out_of_pocket=False)
    merged = checked({"eligibility_check": check, "benefits": {"pharmacy": {
        "coinsurance": Decimal("0.30"), "deductible_met": Decimal("75.00")}}})
    assert merged.pharmacy == PharmacyBenefits(
        deductible=Decimal("250.00"), deductible_met=Decimal("75.00"),
        coinsurance=Decimal("0.30"), integrated_out_of_pocket=False)


def test_a_check_without_pharmacy_leaves_the_requests(app):
    check = stored_check()
    assert checked({"eligibility_check": check}).pharmacy is None
    given = checked({"eligibility_check": check,
                     "benefits": {"pharmacy": {"copay_per_fill": Decimal("40.00")}}})
    assert given.pharmacy == PharmacyBenefits(copay_per_fill=Decimal("40.00"))


def test_a_checks_pharmacy_met_restarts_after_an_anniversary(app):
    check = stored_check(plan_year_start="2026-07-01", pharmacy={
        "deductible": "250.00", "deductible_met": "200.00"})
    assert checked({"eligibility_check": check}, start=date(2027, 8, 1)).pharmacy == (
        PharmacyBenefits(deductible=Decimal("250.00")))


def test_a_requests_met_above_the_checks_pharmacy_deductible_is_a_422(client, billing):
    check = stored_check(pharmacy={"deductible": "250.00"})
    body = request(benefits={"pharmacy": {"deductible_met": "300.00"}}, eligibility_check=check)
    refused(client, billing, body, "coverage", "benefits", "pharmacy", "deductible_met")
    body["coverage"]["benefits"] = {"pharmacy": {"deductible_met": "200.00"}}
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 201, response.json


def test_a_secondarys_check_gives_no_pharmacy_terms(app):
    check = stored_check(SECOND, pharmacy={"copay_per_fill": "10.00"})
    body = request(secondary={"payer": SECOND, "method": "standard", "eligibility_check": check})
    request_data = load_request(body)
    rules = load_rules(request_data)
    terms, _ = eligibility.secondary_benefits(request_data["coverage"]["secondary"],
                                              request_data["start_date"], SECOND)
    assert "pharmacy" not in terms and terms["deductible"] == Decimal("1000.00")
    built = engine_input(request_data, rules, secondary_benefits=terms)
    assert built.coverage.secondary.benefits.pharmacy is None


def test_a_pharmacy_plan_is_estimated_over_http(client, billing):
    """With the engine: the plan's pharmacy items come back as pharmacy lines (figures are
    the engine's tests)."""
    response = client.post("/api/v1/estimates", headers=billing,
                           json=request(RX_PLAN, {**BENEFITS, "pharmacy": dict(PHARMACY)}))
    assert response.status_code == 201, response.json
    lines = response.json["visits"][0]["lines"]
    assert {line["service"]: line["benefit"] for line in lines} == {
        DRUG: "pharmacy", VISIT: "medical"}
