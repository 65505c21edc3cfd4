"""Every warning code reaches the client through HTTP, with its amount, date or month."""
import pytest

from tests.api.estimate_requests import COMMERCIAL_BENEFITS, self_pay, spravato

pytestmark = pytest.mark.usefixtures("seeded")


def warnings_of(client, headers, body):
    response = client.post("/api/v1/estimates/preview", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return {warning["code"]: warning for warning in response.json["warnings"]}


def _policy_id(client, headers, payer, modality):
    policies = client.get(f"/api/v1/payers/{payer}", headers=headers).json["policies"]
    return next(p["id"] for p in policies if p["modality"] == modality and p["service"] is None
                and p["category"] is None)


MEDICARE_BENEFITS = {"plan_year_start": "2027-01-01", "deductible": "283.00",
                     "coinsurance": "0.20"}


def medicare(network="in", **coverage):
    return {"plan": "spravato-56-medicare", "start_date": "2027-01-04",
            "coverage": {"type": "insurance", "payer": "medicare-b", "network": network,
                         "benefits": dict(MEDICARE_BENEFITS), "diagnosis_codes": ["F33.2"],
                         **coverage}}


CASES = [
    ("prior_authorization_required", spravato(prior_authorization="not_requested"), "amount"),
    ("diagnosis_required", spravato(diagnosis_codes=[]), None),
    # in network with a commercial plan these denials are the patient's only with a waiver
    ("diagnosis_not_covered", spravato(diagnosis_codes=["F41.1"], waiver_signed=True), None),
    ("prior_authorization_denied", spravato(prior_authorization="denied",
                                            waiver_signed=["prior_authorization_denied"]), None),
    ("clinic_liability", spravato(prior_authorization="denied"), "amount"),
    ("not_covered", {**spravato(), "plan": "ketamine-iv-6"}, None),
    ("out_of_network", spravato(network="out", benefits={
        **COMMERCIAL_BENEFITS, "out_of_network": {"deductible": "3000.00",
                                                  "coinsurance": "0.40"}}), None),
    ("out_of_network_no_reimbursement", medicare(network="out"), None),
    ("assistance_not_applicable", medicare(programs=["spravato-savings"]), None),
    ("assistance_exhausted", spravato(programs=["spravato-savings"],
                                      programs_used={"spravato-savings": "7000.00"},
                                      benefits={**COMMERCIAL_BENEFITS,
                                                "accumulator_program": True}), "date"),
    ("plan_year_reset", spravato(benefits={**COMMERCIAL_BENEFITS,
                                           "plan_year_start": "2026-03-01"}), "date"),
    ("self_pay_cheaper", medicare(network="out"), "amount"),
    ("discount_not_applicable", {**self_pay(discounts=["iv-induction-package"]),
                                 "phases": {"induction": {"sessions": 4}}}, None),
]


@pytest.mark.parametrize(("code", "body", "attribute"), CASES, ids=[case[0] for case in CASES])
def test_warning_codes(client, billing, code, body, attribute):
    warnings = warnings_of(client, billing, body)
    assert code in warnings, warnings
    assert warnings[code]["message"]
    if attribute:
        assert warnings[code][attribute]


def test_visit_limit_names_the_policy_and_the_first_date(client, billing):
    """Bluestate covers IV ketamine for 12 visits a plan year and 11 are used. The intake
    (2027-01-04, 99205) falls under the evaluation policy; the infusions start a week later,
    3 a week: Jan 11 (the 12th visit), Jan 13 (the first over the limit), 15, 18, 20, 22,
    then 6 boosters. Not covered: 5 + 6 = 11 visits at cash 450.00 + 75.00 = 525.00,
    11 x 525.00 = 5775.00."""
    policy = _policy_id(client, billing, "bluestate-hmo", "ketamine_iv")
    body = {"plan": "ketamine-iv-6", "start_date": "2027-01-04",
            "coverage": {"type": "insurance", "payer": "bluestate-hmo",
                         "benefits": {**COMMERCIAL_BENEFITS, "visits_used": {str(policy): 11}},
                         "diagnosis_codes": ["F33.2"], "prior_authorization": "approved"}}
    warning = warnings_of(client, billing, body)["visit_limit"]
    assert warning["policy_id"] == policy
    assert warning["date"] == "2027-01-13"
    assert warning["amount"] == "5775.00"
