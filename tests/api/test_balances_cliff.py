"""Visit balances explain a copay-accumulator cliff (domain 3.6, section 4), on the fixtures.

spravato-56-commercial from Monday 2027-01-04 with Acme PPO in network: per visit J0013 x 56
allowed 11.95 x 56 = 669.20, 99214 155.00, 99417 38.00; deductible 1500.00, coinsurance 0.20,
OOP maximum 5000.00, no copays; the Spravato savings program (J0013; the patient pays at
least 10.00 a visit; 7150.00 a year) with a copay accumulator: the plan does not credit what
the program pays.
"""
import pytest

pytestmark = pytest.mark.usefixtures("seeded")

REQUEST = {"plan": "spravato-56-commercial", "start_date": "2027-01-04", "coverage": {
    "type": "insurance", "payer": "acme-ppo", "diagnosis_codes": ["F33.2"],
    "prior_authorization": "approved", "programs": ["spravato-savings"],
    "benefits": {"deductible": "1500.00", "coinsurance": "0.20", "out_of_pocket_max": "5000.00",
                 "accumulator_program": True}}}


def balances(visit):
    b = visit["balances"]
    return (b["deductible_remaining"], b["out_of_pocket_remaining"],
            b["programs_remaining"]["spravato-savings"])


def test_balances_explain_the_cliff_visit_by_visit(client, billing):
    response = client.post("/api/v1/estimates/preview", headers=billing, json=REQUEST)
    assert response.status_code == 200, response.json
    visits = response.json["visits"]
    # Visit 1: all 862.20 allowed is deductible; the program pays 669.20 - 10 = 659.20 of the
    # J0013 line, which the plan then takes back off the deductible and OOP met:
    # deductible 1500 - 862.20 + 659.20 = 1297.00; OOP 5000 - 862.20 + 659.20 = 4797.00;
    # the program 7150 - 659.20 = 6490.80; the patient 10 + 155 + 38 = 203.00
    assert visits[0]["patient_pays"] == "203.00"
    assert balances(visits[0]) == ("1297.00", "4797.00", "6490.80")
    # Visits 2-4 the same: the deductible falls only by 203.00 a visit, to 688.00 after 4
    assert balances(visits[3]) == ("688.00", "4188.00", "4513.20")  # 7150 - 4 x 659.20
    # Visit 5: J0013 669.20 deductible (18.80 left), 99214 18.80 + 0.20 x 136.20 = 27.24,
    # 99417 7.60; program 659.20: patient 10 + 46.04 + 7.60 = 63.64; the deductible
    # comes back to 0 + 659.20 = 659.20; OOP 4188 - 722.84 + 659.20 = 4124.36
    assert visits[4]["patient_pays"] == "63.64"
    assert balances(visits[4]) == ("659.20", "4124.36", "3854.00")
    # Visit 6: J0013 deductible 659.20 + 0.20 x 10 = 2.00; program 661.20 - 10 = 651.20;
    # patient 10 + 31 + 7.60 = 48.60; the deductible "stays unmet": 651.20
    assert visits[5]["patient_pays"] == "48.60"
    assert balances(visits[5])[0] == "651.20"
    # Visits 7-11 the program pays 644.80, 639.68, 635.58, 632.30, 629.68 (each the J0013
    # share less 10 as the deductible creeps down): 7150 - 5 x 659.20 - 651.20 - 3182.04
    # = 20.76 left after visit 11
    assert balances(visits[10])[2] == "20.76"
    # Visit 12, the cliff: J0013 deductible 629.68 + 0.20 x 39.52 = 7.90 = 637.58, the
    # program pays its last 20.76: patient 616.82 + 31 + 7.60 = 655.42; deductible 20.76
    assert visits[11]["date"] == "2027-02-22"
    assert visits[11]["patient_pays"] == "655.42"
    assert balances(visits[11]) == ("20.76", "3177.34", "0.00")  # OOP 3832.76 - 655.42
    # Visit 13: J0013 20.76 + 0.20 x 648.44 = 129.69 -> 150.45 + 31 + 7.60 = 189.05
    assert visits[12]["patient_pays"] == "189.05"
    assert balances(visits[12])[:2] == ("0.00", "2988.29")  # 3177.34 - 189.05
    # From visit 14: coinsurance only, 133.84 + 31 + 7.60 = 172.44 a visit
    assert {v["patient_pays"] for v in visits[13:]} == {"172.44"}
    warning = next(w for w in response.json["warnings"] if w["code"] == "assistance_exhausted")
    assert warning["date"] == "2027-02-22"


def test_self_pay_has_no_balances(client, billing):
    body = {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
            "coverage": {"type": "self_pay"}}
    visits = client.post("/api/v1/estimates/preview", headers=billing, json=body).json["visits"]
    assert {v["balances"] is None for v in visits} == {True}
