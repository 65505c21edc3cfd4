"""The public calculator's answer where the clinic, not the patient, would bear a cost
(domain.md 3.2 step 7), and the data-gap warnings (3.2 step 8), in patient wording."""
import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from costapi.pricing import results
from costapi.services.public import public_warnings

pytestmark = pytest.mark.usefixtures("seeded")

ESTIMATE = "/api/v1/public/estimate"


def insured(payer, plan="ketamine-iv-6", **changes):
    return {"plan": plan, "start_date": "2027-01-04", "coverage": "insurance",
            "payer": payer, **changes}


def warning(body, code):
    return next(w for w in body["warnings"] if w["code"] == code)


def test_medicaid_is_not_billed_for_what_it_does_not_cover(client):
    """State Medicaid does not cover IV ketamine: the clinic may not bill the patient for the
    infusions (6 + 6 boosters x 525.00 cash = 6300.00) unless they sign a waiver."""
    body = client.post(ESTIMATE, json=insured("state-medicaid")).json
    assert body["totals"]["net_patient_cost"] == "0.00"
    assert body["totals"]["not_covered"] == "0.00"
    assert body["totals"]["clinic_write_off"] == "6300.00"
    liability = warning(body, "clinic_liability")
    assert liability["amount"] == "6300.00" and liability["date"] == "2027-01-11"
    assert liability["message"] == (
        "Your plan would not pay for some of these services (your plan does not cover them). "
        "You would not be billed for them unless you sign a waiver before the visit; with a "
        "waiver you would pay their cash price of $6,300.00 in addition to the rest of this "
        "estimate.")
    assert "writes off" not in str(body["warnings"])  # staff words
    assert "policy_id" not in str(body["warnings"])


def test_a_patient_liable_exclusion_has_nothing_not_billed(client):
    body = client.post(ESTIMATE, json=insured("medicare-b")).json
    assert body["totals"]["clinic_write_off"] == "0.00"
    assert body["totals"]["not_covered"] == "6300.00"
    assert "clinic_liability" not in [w["code"] for w in body["warnings"]]


def test_a_prior_authorization_whose_denial_is_the_clinics(client):
    """Bluestate covers IV ketamine with prior authorization (not requested on a public
    estimate): a denial would be the clinic's, so the patient pays 0 of it unless they sign
    a waiver; with one, the infusions' cash price."""
    body = client.post(ESTIMATE, json=insured("bluestate-hmo")).json
    authorization = warning(body, "prior_authorization_required")
    assert authorization["amount"] == "0.00"
    assert authorization["clinic_amount"] == "6300.00"
    assert authorization["message"] == (
        "Your plan needs prior authorization for some of these services from January 11, "
        "2027. If it is denied, you would not be billed for them unless you sign a waiver "
        "before the visit; with a waiver you would pay their cash price of $6,300.00.")


def test_a_patient_liable_prior_authorization_keeps_the_engine_words(client):
    body = client.post(ESTIMATE, json=insured("summit-ma", plan="spravato-56-medicare")).json
    authorization = warning(body, "prior_authorization_required")
    assert authorization["amount"] == "25200.00" and authorization["clinic_amount"] == "0.00"
    assert "you would pay the cash price of $25,200.00" in authorization["message"]


def test_no_contracted_rate_is_one_warning_without_the_allowed_amount(client):
    """Harbor PPO has rates, but none for the intake evaluation 99205: priced from the
    charge. The staff warning names the service and its allowed amount; the public one
    neither."""
    body = client.post(ESTIMATE, json=insured("harbor-ppo")).json
    gaps = [w for w in body["warnings"] if w["code"] == "no_contracted_rate"]
    assert len(gaps) == 1
    assert "amount" not in gaps[0] and gaps[0]["date"] == "2027-01-04"
    assert "99205" not in gaps[0]["message"] and "$" not in gaps[0]["message"]
    assert gaps[0]["message"].startswith("The clinic has no agreed price with your plan")


def notice(code, **fields):
    return {"code": code, "message": "staff words", **fields}


def empty_estimate():
    totals = results.Totals(*([0] * len(dataclasses.fields(results.Totals))))
    return results.Estimate("plan", None, "USD", totals, None, (), (), (), (), (),
                            results.DataVersions((), ()), 0)


def test_the_wording_of_each_code():
    warnings = public_warnings([
        notice("no_policy_in_effect", date="2027-03-01"),
        notice("no_contracted_rate", amount="200.00", date="2027-01-04"),
        notice("no_contracted_rate", amount="80.00", date="2027-01-05"),
        notice("clinic_liability", amount="100.00", date="2027-02-01"),
    ], empty_estimate(), "medicare")
    assert [w["code"] for w in warnings] == ["no_policy_in_effect", "no_contracted_rate",
                                             "clinic_liability"]
    assert warnings[0]["message"].startswith(
        "The clinic does not have your plan's coverage rules for visits from March 1, 2027")
    assert "amount" not in warnings[1]
    # a reason it cannot tell: no reason words, the waiver named as Medicare names it
    assert warnings[2]["message"] == (
        "Your plan would not pay for some of these services. You would not be billed for them "
        "unless you sign a waiver (for Medicare, an Advance Beneficiary Notice) before the "
        "visit; with a waiver you would pay their cash price of $100.00 in addition to the "
        "rest of this estimate.")


def test_a_reason_no_waiver_shifts_says_so():
    """Medicare Advantage in network: a visit over the limit is the clinic's whatever the
    patient signs."""
    line = {name: Decimal("0.00") for name in results.LINE_AMOUNTS}
    line.update(service="99214", description="", units=1, cash=Decimal("150.00"),
                clinic_write_off=Decimal("150.00"), allowed_basis=None, covered=False,
                reason="visit_limit", reason_detail=None, liability="clinic",
                prior_authorization=None, policy_id=1, rate_id=None)
    visit = results.Visit(date(2027, 5, 3), "maintenance", patient_pays=Decimal(0),
                          secondary_pays=Decimal(0), clinic_write_off=Decimal("150.00"),
                          expected_rebate=Decimal(0), net_patient_cost=Decimal(0),
                          lines=(results.Line(**line),))
    estimate = empty_estimate()
    estimate = results.Estimate(*[getattr(estimate, f) for f in (
        "plan", "start_date", "currency", "totals", "range", "phases", "months",
        "plan_years")], (visit,), (), estimate.data_versions, 0)
    [worded] = public_warnings([notice("clinic_liability", amount=Decimal("150.00"),
                                       date="2027-05-03")], estimate, "medicare_advantage")
    assert worded["message"] == (
        "Your plan would not pay for some of these services (they are over your plan's visit "
        "limit). You would not be billed for them: the clinic is responsible for their cash "
        "price of $150.00, even if you sign a waiver.")


def test_patient_state_is_checked_and_only_with_insurance(client):
    bad = client.post(ESTIMATE, json={**insured("acme-ppo"), "patient_state": "XX"})
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"patient_state"}
    self_pay = {"plan": "ketamine-iv-6", "start_date": "2027-01-04", "coverage": "self_pay",
                "patient_state": "NY"}
    refused = client.post(ESTIMATE, json=self_pay)
    assert refused.status_code == 422 and set(refused.json["errors"]["json"]) == {
        "patient_state"}
    assert client.post(ESTIMATE, json={**insured("acme-ppo"), "patient_state": "NY"}
                       ).status_code == 200
