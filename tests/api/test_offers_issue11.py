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
    """Acme PPO, spravato-56-commercial, 24 visits in 2027; J0013 56 x 15.58 = 872.48 a visit,
    deductible 1,500.00, 20% coinsurance, office-visit copay 30.00 (99214, 99415 and 99416
    share it), out-of-pocket maximum 5,000.00. The patient's J0013 share:
      visit 1: 872.48 (deductible; 1,500.00 - 872.48 = 627.52 left)
      visit 2: 627.52 + 20% x (872.48 - 627.52) = 627.52 + 48.99 = 676.51
      visits 3-18: 20% x 872.48 = 174.50 (out of pocket after visit 2: 902.48 + 706.51
                   = 1,608.99; 16 x (174.50 + 30.00) = 3,272.00 more: 4,880.99)
      visit 19: 5,000.00 - 4,880.99 = 119.01 (the maximum reached, no copay); 20-24: 0
    The savings program pays each J0013 share less 10.00 (annual maximum 7,150.00 not
    reached): 862.48 + 666.51 + 16 x 164.50 + 109.01 = 862.48 + 666.51 + 2,632.00 + 109.01
      = 4,270.00.
    The treatment-session rebate (99214, 99415, 99416; patient_pays_per_visit 0.00) pays back
    the copay of visits 1-18: 18 x 30.00 = 540.00 (under its 2,400.00), with or without the
    savings program (which leaves the copays and the OOP met as they are)."""
    without = preview(client, billing, spravato())
    assert without["totals"]["net_patient_cost"] == "5000.00"
    offers = {w["message"]: w["amount"] for w in without["warnings"]
              if w["code"] == "program_available"}
    assert len(offers) == 2
    savings = next(m for m in offers if "Spravato withMe Savings Program (spravato-savings)" in m)
    assert offers[savings] == "4270.00"
    rebate = next(m for m in offers if "(spravato-session-rebate)" in m)
    assert offers[rebate] == "540.00"
    with_program = preview(client, billing, spravato(programs=["spravato-savings"]))
    assert with_program["totals"]["net_patient_cost"] == "730.00"  # 5,000.00 - 4,270.00
    offered = [w for w in with_program["warnings"] if w["code"] == "program_available"]
    assert [w["amount"] for w in offered] == ["540.00"]  # only the rebate is left to offer
    assert "(spravato-session-rebate)" in offered[0]["message"]
    both = preview(client, billing, spravato(programs=["spravato-savings",
                                                       "spravato-session-rebate"]))
    assert both["totals"]["net_patient_cost"] == "190.00"  # 730.00 - 540.00
    assert "program_available" not in {w["code"] for w in both["warnings"]}


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
