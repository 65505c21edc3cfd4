"""Visit balances explain a copay-accumulator cliff (domain 3.6, section 4), on the fixtures.

spravato-56-commercial from Monday 2027-01-04 with Acme PPO in network: per visit J0013 x 56
allowed 15.58 x 56 = 872.48, 99214 154.58, 99415 23.60, 99416 11.43 (1062.09 a visit);
deductible 1500.00, coinsurance 0.20, OOP maximum 5000.00, no copays; the Spravato savings
program (J0013; the patient pays at least 10.00 a visit; 7150.00 a year) with a copay
accumulator: the plan does not credit what the program pays.
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
    # Visit 1: all 1062.09 allowed is deductible; the program pays 872.48 - 10 = 862.48 of the
    # J0013 line, which the plan then takes back off the deductible and OOP met:
    # deductible 1500 - 1062.09 + 862.48 = 1300.39; OOP 5000 - 1062.09 + 862.48 = 4800.39;
    # the program 7150 - 862.48 = 6287.52; the patient 10 + 154.58 + 23.60 + 11.43 = 199.61
    assert visits[0]["patient_pays"] == "199.61"
    assert balances(visits[0]) == ("1300.39", "4800.39", "6287.52")
    # Visits 2-3 the same: the deductible falls only by 199.61 a visit, to 901.17 after 3
    assert balances(visits[2]) == ("901.17", "4401.17", "4562.56")  # 7150 - 3 x 862.48
    # Visit 4: J0013 872.48 deductible (28.69 left), 99214 28.69 + 0.20 x 125.89 = 25.18,
    # 99415 0.20 x 23.60 = 4.72, 99416 0.20 x 11.43 = 2.29; program 862.48: patient
    # 10 + 28.69 + 25.18 + 4.72 + 2.29 = 70.88; the deductible comes back to 0 + 862.48;
    # OOP 4401.17 - 70.88 = 4330.29; the program 4562.56 - 862.48 = 3700.08
    assert visits[3]["patient_pays"] == "70.88"
    assert balances(visits[3]) == ("862.48", "4330.29", "3700.08")
    # Visit 5: J0013 deductible 862.48 + 0.20 x 10 = 2.00; program 864.48 - 10 = 854.48;
    # patient 10 + 30.92 + 4.72 + 2.29 = 47.93; the deductible "stays unmet": 854.48
    assert visits[4]["patient_pays"] == "47.93"
    assert balances(visits[4])[0] == "854.48"
    # Visits 6-8 the program pays 848.08, 842.96, 838.86 (each the J0013 share less 10 as the
    # deductible creeps down): 3700.08 - 854.48 - 848.08 - 842.96 - 838.86 = 315.70 left
    assert balances(visits[7])[2] == "315.70"
    # Visit 9, the cliff: J0013 deductible 838.86 + 0.20 x 33.62 = 6.72 = 845.58, the
    # program pays its last 315.70: patient 529.88 + 30.92 + 4.72 + 2.29 = 567.81;
    # deductible 315.70; OOP 4330.29 - 4 x 47.93 = 4138.57 before it, - 567.81 = 3570.76
    assert visits[8]["date"] == "2027-02-01"
    assert visits[8]["patient_pays"] == "567.81"
    assert balances(visits[8]) == ("315.70", "3570.76", "0.00")
    # Visit 10: J0013 315.70 + 0.20 x 556.78 = 111.36 -> 427.06 + 30.92 + 4.72 + 2.29 = 464.99
    assert visits[9]["patient_pays"] == "464.99"
    assert balances(visits[9])[:2] == ("0.00", "3105.77")  # 3570.76 - 464.99
    # From visit 11: coinsurance only, 0.20 x 872.48 = 174.50 + 30.92 + 4.72 + 2.29 = 212.43
    assert {v["patient_pays"] for v in visits[10:]} == {"212.43"}
    warning = next(w for w in response.json["warnings"] if w["code"] == "assistance_exhausted")
    assert warning["date"] == "2027-02-01"


def test_self_pay_has_no_balances(client, billing):
    body = {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
            "coverage": {"type": "self_pay"}}
    visits = client.post("/api/v1/estimates/preview", headers=billing, json=body).json["visits"]
    assert {v["balances"] is None for v in visits} == {True}
