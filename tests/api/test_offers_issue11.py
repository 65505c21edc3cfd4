"""program_available, package prices in self_pay_total and discount_available through HTTP,
over the seed data (fixtures/), worked by hand."""
import pytest

from tests.api.estimate_requests import self_pay, spravato
from tests.api.test_estimate_warnings import warnings_of

pytestmark = pytest.mark.usefixtures("seeded")


def preview(client, headers, body):
    response = client.post("/api/v1/estimates/preview", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_acme_ppo_without_the_savings_program_is_told_what_it_would_save(client, billing):
    """Acme PPO, spravato-56-commercial, 24 visits in 2027; J0013 56 x 11.95 = 669.20 a visit,
    deductible 1,500.00, 20% coinsurance, office-visit copay 30.00 (99214 and 99417 share it),
    out-of-pocket maximum 5,000.00. The patient's J0013 share:
      visits 1-2: 669.20 each (deductible; 1,500.00 - 1,338.40 = 161.60 left)
      visit 3: 161.60 + 20% x (669.20 - 161.60) = 161.60 + 101.52 = 263.12
      visits 4-23: 20% x 669.20 = 133.84 (out of pocket after visit 3: 2 x 699.20 + 293.12
                   = 1,691.52; 20 x (133.84 + 30.00) = 3,276.80 more: 4,968.32)
      visit 24: 5,000.00 - 4,968.32 = 31.68 (the maximum reached, no copay)
    The program pays each J0013 share less 10.00 (annual maximum 7,150.00 not reached):
      2 x 659.20 + 253.12 + 20 x 123.84 + 21.68 = 1,318.40 + 253.12 + 2,476.80 + 21.68
      = 4,070.00."""
    without = preview(client, billing, spravato())
    assert without["totals"]["net_patient_cost"] == "5000.00"
    warning = next(w for w in without["warnings"] if w["code"] == "program_available")
    assert warning["amount"] == "4070.00"
    assert "Spravato withMe Savings Program (spravato-savings)" in warning["message"]
    with_program = preview(client, billing, spravato(programs=["spravato-savings"]))
    assert with_program["totals"]["net_patient_cost"] == "930.00"  # 5,000.00 - 4,070.00
    assert "program_available" not in {w["code"] for w in with_program["warnings"]}


def test_a_medicare_patient_is_not_offered_a_commercial_only_program(client, billing):
    body = {**spravato(), "coverage": {**spravato()["coverage"], "payer": "medicare-b"}}
    assert "program_available" not in warnings_of(client, billing, body)


def test_self_pay_iv_is_told_of_the_induction_package(client, billing):
    """ketamine-iv-6 self-pay: intake 99205 350.00 + 12 infusions (6 induction, 6 boosters)
    x (450.00 + 75.00) = 350.00 + 6,300.00 = 6,650.00 cash; the induction package 2,700.00
    instead of 6 x 525.00 = 3,150.00 saves 450.00 (6,200.00), before the sliding scale."""
    body = preview(client, billing, self_pay())
    warning = next(w for w in body["warnings"] if w["code"] == "discount_available")
    assert warning["amount"] == "450.00"
    assert body["self_pay_total"] == body["totals"]["patient_pays"] == "6650.00"  # cash
    requested = preview(client, billing, self_pay(discounts=["iv-induction-package"]))
    assert "discount_available" not in {w["code"] for w in requested["warnings"]}
    assert requested["totals"]["patient_pays"] == "6200.00"


def test_the_insured_self_pay_total_uses_the_package(client, billing):
    """The IV plan through Acme PPO: self_pay_total = 6,650.00 cash - 450.00 = 6,200.00."""
    insured = preview(client, billing, {**spravato(), "plan": "ketamine-iv-6"})
    assert insured["self_pay_total"] == "6200.00"
    induction_only = {**spravato(), "plan": "ketamine-iv-6",
                      "phases": {"induction": {"sessions": 5}}}  # 5 sessions: no package
    assert preview(client, billing, induction_only)["self_pay_total"] == "6125.00"  # - 525.00
