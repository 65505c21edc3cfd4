"""Each validation rule: 422 naming the field, and nothing written."""
import pytest
from sqlalchemy import func, select

from costapi.db import session
from costapi.models import Discount, Payer, Plan, Policy, Program, Rate, Service, StandardBenefit
from tests.api import samples

TABLES = (Service, Plan, Payer, Rate, Policy, StandardBenefit, Program, Discount)


def _phase(**changes):
    base = samples.plan()["phases"][0]
    return {**base, **changes}


def _rate(**changes):
    return {**samples.payer()["rates"][0], **changes}


def _policy(**changes):
    return {**samples.payer()["policies"][0], **changes}


def _standard(**changes):
    return {"effective_from": "2026-01-01", "effective_to": None, "deductible": "283.00",
            "coinsurance": "0.20", **changes}


CASES = [
    # services
    ("services", samples.service(charge=450), ["charge"], "money as a JSON number"),
    ("services", samples.service(charge="-1.00"), ["charge"], "negative money"),
    ("services", samples.service(charge="1.23456"), ["charge"], "five decimals on a unit price"),
    ("services", samples.service(charge="1000000000.01"), ["charge"], "over one billion"),
    ("services", samples.service(cash_price="abc"), ["cash_price"], "not a number"),
    ("services", samples.service(category="surgery"), ["category"], "unknown category"),
    ("services", samples.service(code="has space"), ["code"], "code not an identifier"),
    ("services", samples.service(code="x" * 33), ["code"], "code too long"),
    ("services", {**samples.service(), "color": "red"}, ["color"], "unknown field"),
    ("services", {"code": "S1"}, ["description"], "missing fields"),
    # plans
    ("plans", samples.plan(phases=[_phase(interval_days=7)]), ["phases", "0", "interval_days"],
     "both cadences"),
    ("plans", samples.plan(phases=[_phase(per_week=None)]), ["phases", "0", "interval_days"],
     "no cadence"),
    ("plans", samples.plan(phases=[_phase(per_week=8)]), ["phases", "0", "per_week"],
     "per_week above 7"),
    ("plans", samples.plan(phases=[_phase(sessions=-1)]), ["phases", "0", "sessions"],
     "negative sessions"),
    ("plans", samples.plan(phases=[_phase(sessions_min=7)]), ["phases", "0", "sessions_min"],
     "sessions_min above sessions"),
    ("plans", samples.plan(phases=[_phase(sessions_max=5)]), ["phases", "0", "sessions_max"],
     "sessions_max below sessions"),
    ("plans", samples.plan(phases=[_phase(), _phase()]), ["phases", "1", "name"],
     "duplicate phase names"),
    ("plans", samples.plan(service_code="NOPE"), ["phases", "0", "visit", "0", "service"],
     "unknown visit service"),
    ("plans", samples.plan(modality="laser"), ["modality"], "unknown modality"),
    ("plans", samples.plan(phases=[_phase(visit=[{"service": "96365", "units": 0}])]),
     ["phases", "0", "visit", "0", "units"], "zero units"),
    # 60 weekly sessions: the last falls on day 59 x 7 = 413 > 365
    ("plans", samples.plan(phases=[_phase(per_week=None, interval_days=7, sessions=60)]),
     ["phases"], "last session after 365 days"),
    # payers
    ("payers", samples.payer(default_allowed_percent="1.20"), ["default_allowed_percent"],
     "percent above 1"),
    ("payers", samples.payer(out_of_network_allowed_percent="-0.1"),
     ["out_of_network_allowed_percent"], "negative percent"),
    ("payers", samples.payer(default_allowed_percent=0.7), ["default_allowed_percent"],
     "percent as a number"),
    ("payers", samples.payer(kind="charity"), ["kind"], "unknown payer kind"),
    ("payers", samples.payer(rates=[_rate(), _rate(effective_from="2026-06-01")]),
     ["rates", "1", "effective_from"], "overlapping rates"),
    ("payers", samples.payer(rates=[_rate(effective_to="2025-12-31")]),
     ["rates", "0", "effective_to"], "range ends before it starts"),
    ("payers", samples.payer(policies=[_policy(), _policy(effective_from="2027-01-01")]),
     ["policies", "1", "effective_from"], "overlapping policies"),
    ("payers", samples.payer(rates=[_rate(service="NOPE")]), ["rates", "0", "service"],
     "rate for an unknown service"),
    ("payers", samples.payer(rates=[_rate(allowed="12.34567")]), ["rates", "0", "allowed"],
     "five decimals on a rate"),
    ("payers", samples.payer(policies=[_policy(diagnosis_codes=["not a code"])]),
     ["policies", "0", "diagnosis_codes", "0"], "bad diagnosis pattern"),
    ("payers", samples.payer(rates=[_rate(effective_from="2026-02-30")]),
     ["rates", "0", "effective_from"], "impossible date"),
    ("payers", samples.payer(policies=[_policy(max_visits_per_year=0)]),
     ["policies", "0", "max_visits_per_year"], "visit limit of 0"),
    ("payers", samples.payer(standard_benefits=[_standard(), _standard(
        effective_from="2027-01-01")]), ["standard_benefits", "1", "effective_from"],
     "overlapping standard benefits"),
    ("payers", samples.payer(standard_benefits=[_standard(coinsurance_share="1")]),
     ["standard_benefits", "0", "coinsurance_share"], "supplement terms on a commercial payer"),
    ("payers", samples.payer(kind="medicare_supplement", standard_benefits=[_standard()]),
     ["standard_benefits", "0", "deductible"], "a deductible on a supplement payer"),
    ("payers", samples.payer(standard_benefits=[_standard(copays={"surgery": "20.00"})]),
     ["standard_benefits", "0", "copays", "surgery"], "copay for an unknown category"),
    # programs
    ("programs", samples.program(patient_pays_per_visit="10.001"), ["patient_pays_per_visit"],
     "three decimals on an amount"),
    ("programs", samples.program(services=[], categories=[]), ["services"], "pays for nothing"),
    ("programs", samples.program(services=["NOPE"]), ["services", "0"], "unknown service"),
    ("programs", samples.program(payer_kinds=["crypto"]), ["payer_kinds", "0"],
     "unknown payer kind"),
    # discounts
    ("discounts", samples.sliding_scale(tiers=None), ["tiers"], "sliding scale without tiers"),
    ("discounts", samples.sliding_scale(price="10.00"), ["price"], "field of another kind"),
    ("discounts", samples.sliding_scale(tiers=[{"max_percent_of_poverty": 150,
                                                "percent_off": "1.5"}]),
     ["tiers", "0", "percent_off"], "percent off above 1"),
    ("discounts", samples.package(sessions=None), ["sessions"], "package without sessions"),
]


def _count():
    return [session.scalar(select(func.count()).select_from(model)) for model in TABLES]


def _dig(errors, path):
    node = errors["json"]
    for key in path:
        assert key in node, (path, errors)
        node = node[key]
    return node


@pytest.fixture
def catalog(client, admin):
    client.post("/api/v1/services", json=samples.service(), headers=admin)
    client.post("/api/v1/plans", json=samples.plan(), headers=admin)


@pytest.mark.parametrize(("path", "body", "field", "what"), CASES, ids=[c[3] for c in CASES])
def test_invalid_body_is_422_naming_the_field_and_writes_nothing(client, admin, catalog, path,
                                                                 body, field, what):
    if path == "plans" and body.get("code") == "iv-series":
        body = {**body, "code": "new-plan"}
    before = _count()
    response = client.post(f"/api/v1/{path}", json=body, headers=admin)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and response.json["message"]
    assert response.json["error"] == "unprocessable_entity"
    assert _dig(response.json["errors"], field)
    assert _count() == before


def test_an_invalid_replace_writes_nothing(client, admin, catalog):
    etag = client.get("/api/v1/plans/iv-series", headers=admin).headers["ETag"]
    before = _count()
    response = client.put("/api/v1/plans/iv-series", json=samples.plan(service_code="NOPE"),
                          headers={**admin, "If-Match": etag})
    assert response.status_code == 422
    assert _count() == before
    assert client.get("/api/v1/plans/iv-series", headers=admin).headers["ETag"] == etag


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b"\xff\xfe"])
def test_malformed_json_is_400(client, admin, body):
    response = client.post("/api/v1/services", data=body, headers=admin,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json["code"] == 400 and response.json["message"]
    assert response.json["error"] == "bad_request"


def test_a_body_that_is_not_an_object_is_422(client, admin):
    response = client.post("/api/v1/services", json=[1, 2], headers=admin)
    assert response.status_code == 422
