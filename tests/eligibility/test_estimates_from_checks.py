"""Estimates whose coverage names a stored eligibility check (coverage.eligibility_check)."""
from datetime import UTC, datetime

import pytest

from costapi.db import session
from costapi.models import EligibilityCheck
from tests.api.estimate_requests import spravato
from tests.eligibility.answers import CHECKS, URL, answer, benefit, example, request_body

pytestmark = pytest.mark.usefixtures("seeded")
CHECKED = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
ELIGIBILITY_WARNINGS = [  # the example's, as an estimate carries them
    "eligibility_total_missing", "eligibility_conflicting_benefits",
    "eligibility_conflicting_benefits", "eligibility_low_confidence"]


@pytest.fixture
def stored_check(client, billing, clearinghouse):
    """A check of the example answer (or another), made on CHECKED."""
    def make(data=None, **changes):
        clearinghouse.post(URL, json=data or example())
        response = client.post(CHECKS, json=request_body(refresh=True, **changes),
                               headers=billing)
        assert response.status_code == 201, response.json
        session.get(EligibilityCheck, response.json["id"]).created_at = CHECKED
        session.commit()
        return response.json
    return make


def estimate(start, eligibility_check=None, benefits=None, payer="acme-ppo"):
    body = spravato(payer=payer)
    body["start_date"] = start
    del body["coverage"]["benefits"]
    if eligibility_check:
        body["coverage"]["eligibility_check"] = eligibility_check
    if benefits is not None:
        body["coverage"]["benefits"] = benefits
    return body


def create(client, billing, body):
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 201, response.json
    return response.json


def same_figures(a, b):
    ignored = ("id", "created_at", "warnings")
    assert {k: v for k, v in a.items() if k not in ignored} == {
        k: v for k, v in b.items() if k not in ignored}


def codes(result):
    return [warning["code"] for warning in result["warnings"]]


def test_an_estimate_from_a_check_equals_one_with_the_benefits_typed_in(
        client, billing, stored_check):
    check = stored_check()
    from_check = create(client, billing, estimate("2026-12-07", check["id"]))
    typed = create(client, billing, estimate("2026-12-07", benefits=check["benefits"]))
    same_figures(from_check, typed)
    assert from_check["totals"] == typed["totals"]
    assert codes(from_check) == codes(typed) + ELIGIBILITY_WARNINGS
    assert all(set(w) == {"code", "message"} for w in from_check["warnings"][-4:])


def test_a_plan_year_between_the_check_and_the_start_resets_the_met_amounts(
        client, billing, stored_check):
    check = stored_check()
    from_check = create(client, billing, estimate("2027-01-04", check["id"]))
    reset = check["benefits"] | {"deductible_met": "0.00", "out_of_pocket_met": "0.00",
                                 "family": check["benefits"]["family"] | {
                                     "deductible_met": "0.00"},
                                 "out_of_network": check["benefits"]["out_of_network"]}
    typed = create(client, billing, estimate("2027-01-04", benefits=reset))
    same_figures(from_check, typed)
    warning = from_check["warnings"][-1]
    assert warning["code"] == "eligibility_plan_year_reset" and warning["date"] == "2027-01-01"
    # without the reset the first visit would owe only the 500.00 left of the deductible;
    # reset, the whole J0013 line (56 x 15.58 = 872.48, under the 1500.00) is deductible
    assert from_check["visits"][0]["lines"][0]["deductible"] == "872.48"


def test_explicit_benefits_override_the_check_field_by_field(client, billing, stored_check):
    check = stored_check()
    explicit = {"coinsurance": "0.10", "copays": {"psychotherapy": "15.00"},
                "family": {"deductible_met": "2500.00"}}
    merged = check["benefits"] | {
        "coinsurance": "0.10",
        "copays": check["benefits"]["copays"] | {"psychotherapy": "15.00"},
        "family": check["benefits"]["family"] | {"deductible_met": "2500.00"}}
    from_check = create(client, billing, estimate("2026-12-07", check["id"], explicit))
    typed = create(client, billing, estimate("2026-12-07", benefits=merged))
    same_figures(from_check, typed)
    assert codes(from_check)[-4:] == ELIGIBILITY_WARNINGS  # copays.office_visit still from it


def test_overriding_the_ambiguous_figures_drops_their_warnings(client, billing, stored_check):
    check = stored_check()
    explicit = {"copays": {"office_visit": "20.00", "evaluation": "20.00"},
                "family": {"out_of_pocket_max": "10000.00"}}
    result = create(client, billing, estimate("2026-12-07", check["id"], explicit))
    assert not [code for code in codes(result) if code.startswith("eligibility_")]


def test_met_above_the_checks_total_is_422(client, billing, stored_check):
    check = stored_check()
    response = client.post("/api/v1/estimates/preview", headers=billing, json=estimate(
        "2026-12-07", check["id"], {"deductible_met": "1600.00"}))
    assert response.status_code == 422
    assert "deductible_met" in response.json["errors"]["json"]["coverage"]["benefits"]
    deductible = check["benefits"]["deductible"]
    assert response.json["errors"] == {"json": {"coverage": {"benefits": {"deductible_met": [
        f"deductible_met may not exceed deductible ({deductible} from the eligibility check)."
    ]}}}}


@pytest.mark.parametrize("case", ["unknown", "other payer", "inactive"])
def test_checks_an_estimate_cannot_use_are_422(client, billing, stored_check, case):
    check_id, payer = "0" * 36, "acme-ppo"
    if case == "other payer":
        check_id, payer = stored_check()["id"], "bluestate-hmo"
    elif case == "inactive":
        check_id = stored_check(answer(benefit("C", "1500"), status="6"))["id"]
    response = client.post("/api/v1/estimates/preview", headers=billing,
                           json=estimate("2026-12-07", check_id, payer=payer))
    assert response.status_code == 422, response.json
    assert response.json["errors"]["json"]["coverage"]["eligibility_check"]


def test_compare_and_recalculate_resolve_the_check(client, billing, stored_check):
    check = stored_check()
    options = [estimate("2026-12-07", check["id"]),
               estimate("2026-12-07", benefits=check["benefits"])]
    compared = client.post("/api/v1/estimates/compare", json={"options": options},
                           headers=billing).json
    assert compared["options"][0]["totals"] == compared["options"][1]["totals"]
    first = create(client, billing, options[0])
    again = client.post(f"/api/v1/estimates/{first['id']}/recalculate", headers=billing)
    assert again.status_code == 201 and again.json["totals"] == first["totals"]
