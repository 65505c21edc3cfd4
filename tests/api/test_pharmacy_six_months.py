"""Six months of Spravato 56 mg for one commercial patient, the drug billed by the clinic
(medical benefit) or shipped by a specialty pharmacy (pharmacy benefit), on the fixtures.

Acme PPO in network, Monday 2027-01-04, maintenance cut to 9 sessions: 21 visits, 8 in
January (twice a week), 4 in February (weekly, Feb 1-22), then every 2 weeks from March 1
(28 days after Feb 1): 3 in March, 2 each in April, May and June (the last 2027-06-21).
The same plan numbers both ways: deductible 1500.00, coinsurance 0.20, OOP maximum
4000.00, no copays, no programs; the pharmacy benefit (used only by the pharmacy plan):
coinsurance 0.25, at most 250.00 a fill, OOP integrated with the medical one, no
deductible of its own.
Per visit (acme-ppo rates): J0013 x 56 at 15.58 = 872.48 (medical) or at the pharmacy rate
14.25 = 798.00; 99214 154.58, 99415 23.60, 99416 11.43: 189.61 of office lines.
"""
from decimal import Decimal

import pytest

pytestmark = pytest.mark.usefixtures("seeded")

BENEFITS = {"deductible": "1500.00", "coinsurance": "0.20", "out_of_pocket_max": "4000.00",
            "pharmacy": {"coinsurance": "0.25", "coinsurance_max_per_fill": "250.00"}}


def request(plan):
    return {"plan": plan, "start_date": "2027-01-04", "phases": {"maintenance": {"sessions": 9}},
            "coverage": {"type": "insurance", "payer": "acme-ppo", "diagnosis_codes": ["F33.2"],
                         "prior_authorization": "approved", "benefits": BENEFITS}}


def preview(client, billing, plan):
    response = client.post("/api/v1/estimates/preview", headers=billing, json=request(plan))
    assert response.status_code == 200, response.json
    return response.json


def test_the_schedule_is_six_months(client, billing):
    result = preview(client, billing, "spravato-56-pharmacy")
    assert len(result["visits"]) == 21
    assert result["visits"][-1]["date"] == "2027-06-21"
    assert [m["visits"] for m in result["months"]] == [8, 4, 3, 2, 2, 2]


def test_under_the_medical_benefit_the_drug_meets_the_deductible_and_the_oop_maximum(
    client, billing
):
    result = preview(client, billing, "spravato-56-commercial")
    visits = result["visits"]
    # Visit 1: all 1062.09 allowed goes to the deductible (437.91 of 1500 left)
    assert visits[0]["patient_pays"] == "1062.09"
    # Visit 2: J0013 437.91 + 0.20 x 434.57 = 86.91; 99214 30.92, 99415 4.72, 99416 2.29
    # (0.20 x 11.43 = 2.286): 437.91 + 86.91 + 30.92 + 4.72 + 2.29 = 562.75
    assert visits[1]["patient_pays"] == "562.75"
    # Visits 3-13: 0.20 x 872.48 = 174.50 + 37.93 = 212.43; OOP left after visit 13:
    # 4000 - 1062.09 - 562.75 - 11 x 212.43 = 38.43, paid at visit 14; nothing after
    assert {v["patient_pays"] for v in visits[2:13]} == {"212.43"}
    assert visits[13]["patient_pays"] == "38.43"
    assert {v["patient_pays"] for v in visits[14:]} == {"0.00"}
    assert result["totals"]["patient_pays"] == "4000.00"  # the OOP maximum
    # Months: January 1062.09 + 562.75 + 6 x 212.43 = 2899.42; February 4 x 212.43 =
    # 849.72; March 212.43 + 38.43 = 250.86; then nothing
    assert [m["patient_pays"] for m in result["months"]] == [
        "2899.42", "849.72", "250.86", "0.00", "0.00", "0.00"]


def test_under_the_pharmacy_benefit_each_fill_is_capped_and_the_deductible_waits_longer(
    client, billing
):
    result = preview(client, billing, "spravato-56-pharmacy")
    visits = result["visits"]
    drug = [next(x for x in v["lines"] if x["service"] == "J0013") for v in visits]
    assert {x["benefit"] for x in drug} == {"pharmacy"}
    assert {x["charge"] for x in drug} == {"0.00"}
    assert {x["allowed"] for x in drug} == {"798.00"}
    # Fills: January 8 x 798 = 6384, 0.25 x 6384 = 1596 -> capped 250.00 (31.25 a line);
    # February 4 x 798: 798 -> 250 (62.50 a line); March 3 x 798: 598.50 -> 250 (83.33,
    # 83.33, 83.34); April, May, June 2 x 798: 399 -> 250 (125.00 a line)
    assert {x["coinsurance"] for x in drug[:8]} == {"31.25"}
    assert {x["coinsurance"] for x in drug[8:12]} == {"62.50"}
    assert [x["coinsurance"] for x in drug[12:15]] == ["83.33", "83.33", "83.34"]
    assert {x["coinsurance"] for x in drug[15:]} == {"125.00"}
    # Office lines: the deductible takes 189.61 a visit for 7 visits (1327.27; 172.73
    # left); visit 8: 99214 154.58 + 99415 18.15 deductible + 0.20 x 5.45 = 1.09 + 99416
    # 2.29 = 176.11; then 30.92 + 4.72 + 2.29 = 37.93 a visit (13 visits: 493.09)
    office = [sum_lines(v, exclude="J0013") for v in visits]
    assert office[:7] == ["189.61"] * 7
    assert office[7] == "176.11"
    assert set(office[8:]) == {"37.93"}
    # 6 fills x 250 = 1500.00; office 1327.27 + 176.11 + 493.09 = 1996.47; in all 3496.47,
    # under the 4000.00 maximum (the fills count toward it)
    assert result["totals"]["deductible"] == "1500.00"  # 1327.27 + 154.58 + 18.15
    assert result["totals"]["coinsurance"] == "1996.47"  # 1500 + 1.09 + 2.29 + 493.09
    assert result["totals"]["patient_pays"] == "3496.47"
    # Months: January 250 + 1327.27 + 176.11 = 1753.38; February 250 + 4 x 37.93 = 401.72;
    # March 250 + 3 x 37.93 = 363.79; April, May, June 250 + 2 x 37.93 = 325.86
    assert [m["patient_pays"] for m in result["months"]] == [
        "1753.38", "401.72", "363.79", "325.86", "325.86", "325.86"]
    assert visits[-1]["balances"]["out_of_pocket_remaining"] == "503.53"  # 4000 - 3496.47


def sum_lines(visit, exclude):
    return str(sum((Decimal(x["patient_pays"]) for x in visit["lines"]
                    if x["service"] != exclude), Decimal("0.00")))
