"""Who pays after Medicare, on the fixtures: one November-start Spravato plan priced for
Medicare alone, with Medigap Plans G, N and K, and with Medicaid (domain 3.4, 3.7).

The schedule (spravato-56-medicare from Monday 2026-11-02, fixture calendar Mon-Fri with
federal holidays closed): induction-1 twice a week, Nov 2, 5, 9, 12, 16, 19, 23, 26 ->
27 (Thanksgiving); induction-2 weekly Nov 30, Dec 7, 14, 21; maintenance every 14 days
from Dec 28: Dec 28, then 2027 Jan 11, 25, Feb 8, 22, Mar 8, 22, Apr 5, 19, May 3, 17,
31 -> Jun 1 (Memorial Day). 24 visits of one G2082 line: 13 in 2026, 11 in 2027.
Medicare allows 900.00 a visit; no benefits typed: Part B's standard benefits apply,
2026 deductible 283.00, 2027 302.00 (the fixture's projection), coinsurance 0.20.
"""
from decimal import Decimal

import pytest

pytestmark = pytest.mark.usefixtures("seeded")

MEDICARE = {"type": "insurance", "payer": "medicare-b", "diagnosis_codes": ["F33.2"]}
SECONDARIES = {
    "alone": None,
    "plan_g": {"payer": "medigap-g", "method": "supplement"},
    "plan_n": {"payer": "medigap-n", "method": "supplement"},
    "plan_k": {"payer": "medigap-k", "method": "supplement"},
    "medicaid": {"payer": "state-medicaid", "method": "medicaid",
                 "benefits": {"copay_per_visit": "0.00"}},
}
# Medicare's share per visit, by hand:
#   first 2026 visit: deductible 283.00 + coinsurance 0.20 x (900 - 283) = 123.40
#   first 2027 visit: deductible 302.00 + coinsurance 0.20 x (900 - 302) = 119.60
#   every other visit: coinsurance 0.20 x 900 = 180.00 (12 more in 2026, 10 more in 2027)
EXPECTED = {
    # 283 + 123.40 + 12 x 180 = 2566.40; 302 + 119.60 + 10 x 180 = 2221.60; sum 4788.00
    "alone": ("4788.00", "0.00"),
    # Plan G pays all but the Part B deductible: 283 + 302 = 585.00;
    # it pays 4788.00 - 585.00 = 4203.00
    "plan_g": ("585.00", "4203.00"),
    # Plan N: the deductibles + a $20 copay each visit (every visit's coinsurance is over
    # 20): 585 + 24 x 20 = 1065.00; it pays 4788.00 - 1065.00 = 3723.00
    "plan_n": ("1065.00", "3723.00"),
    # Plan K: the deductibles + half of each coinsurance (the 8000.00 limit is not reached):
    # 2026: 283 + 61.70 + 12 x 90 = 1424.70; 2027: 302 + 59.80 + 10 x 90 = 1261.80;
    # sum 2686.50; it pays 4788.00 - 2686.50 = 2101.50
    "plan_k": ("2686.50", "2101.50"),
    # Medicaid with no copay pays every Medicare share: the patient 0.00, Medicaid 4788.00
    "medicaid": ("0.00", "4788.00"),
}


def request(secondary):
    coverage = dict(MEDICARE)
    if secondary:
        coverage["secondary"] = secondary
    return {"plan": "spravato-56-medicare", "start_date": "2026-11-02", "coverage": coverage}


def preview(client, billing, secondary):
    response = client.post("/api/v1/estimates/preview", headers=billing, json=request(secondary))
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("name", list(SECONDARIES))
def test_medicare_november_start_with_each_secondary(client, billing, name):
    body = preview(client, billing, SECONDARIES[name])
    patient, secondary = EXPECTED[name]
    assert len(body["visits"]) == 24
    assert [y["visits"] for y in body["plan_years"]] == [13, 11]
    assert body["totals"]["patient_pays"] == patient
    assert body["totals"]["secondary_pays"] == secondary
    assert body["totals"]["insurance_pays"] == "16812.00"  # 24 x 900 - 4788.00
    assert body["totals"]["deductible"] == "585.00"  # 283 (2026) + 302 (2027)
    codes = [w["code"] for w in body["warnings"]]
    assert "next_year_benefits_assumed" not in codes  # 2027 comes from Part B's 2027 entry
    resets = [w for w in body["warnings"] if w["code"] == "plan_year_reset"]
    assert resets[0]["date"] == "2027-01-01" and "payer" not in resets[0]
    if name.startswith("plan_"):  # a supplement's own year restarts on Jan 1 too
        assert resets[1]["payer"] == SECONDARIES[name]["payer"]
    if name == "medicaid":
        crossover = next(w for w in body["warnings"] if w["code"] == "medicaid_crossover")
        assert crossover["amount"] == "4788.00" and crossover["date"] == "2026-11-02"


def test_first_visits_line_by_line_under_plan_n(client, billing):
    body = preview(client, billing, SECONDARIES["plan_n"])
    first = body["visits"][0]["lines"][0]
    # Medicare: allowed 900, deductible 283, coinsurance 123.40; Plan N: the patient keeps
    # the deductible and the $20 copay, Plan N pays 123.40 - 20 = 103.40
    assert (first["deductible"], first["coinsurance"]) == ("283.00", "123.40")
    assert (first["secondary_pays"], first["patient_pays"]) == ("103.40", "303.00")
    jan = next(v for v in body["visits"] if v["date"] == "2027-01-11")["lines"][0]
    # the 2027 deductible 302 + 20 copay; Plan N pays 119.60 - 20 = 99.60
    assert (jan["patient_pays"], jan["secondary_pays"]) == ("322.00", "99.60")
    for visit in body["visits"]:
        for line in visit["lines"]:
            assert _dec(line, "insurance_pays", "secondary_pays", "assistance_pays",
                        "patient_pays") == _dec(line, "allowed")
            assert _dec(line, "deductible", "copay", "coinsurance") == _dec(
                line, "patient_pays", "secondary_pays", "assistance_pays")


def _dec(line, *names):
    return sum(Decimal(line[name]) for name in names)


def test_compare_medicare_alone_beside_plan_g_and_medicaid(client, billing):
    options = [request(SECONDARIES[name]) for name in ("alone", "plan_g", "medicaid")]
    response = client.post("/api/v1/estimates/compare", headers=billing,
                           json={"options": options})
    assert response.status_code == 200, response.json
    body = response.json
    # lowest net patient cost first: Medicaid 0.00, Plan G 585.00, Medicare alone 4788.00
    assert [o["option"] for o in body["options"]] == [2, 1, 0]
    assert [o["totals"]["net_patient_cost"] for o in body["options"]] == [
        "0.00", "585.00", "4788.00"]
    assert [o["coverage"]["secondary"] for o in body["options"]] == [
        {"payer": "state-medicaid", "method": "medicaid"},
        {"payer": "medigap-g", "method": "supplement"}, None]
    assert "coverage.secondary.payer" in body["differences"]


def test_a_medigap_plan_is_not_a_primary(client, billing):
    coverage = {"type": "insurance", "payer": "medigap-g", "benefits": {}}
    response = client.post("/api/v1/estimates/preview", headers=billing, json={
        "plan": "spravato-56-medicare", "start_date": "2026-11-02", "coverage": coverage})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]["coverage"]) == {"payer"}
    names = [p["code"] for p in client.get("/api/v1/public/payers").json]
    assert "medicare-b" in names and "medigap-g" not in names


def test_method_must_fit_the_payers(client, billing):
    coverage = dict(MEDICARE, secondary={"payer": "harbor-ppo", "method": "supplement"})
    response = client.post("/api/v1/estimates", headers=billing, json={
        "plan": "spravato-56-medicare", "start_date": "2026-11-02", "coverage": coverage})
    assert response.status_code == 422
    errors = response.json["errors"]["json"]["coverage"]["secondary"]
    assert set(errors) == {"method"} and "medicare_supplement" in errors["method"][0]
    assert client.get("/api/v1/estimates", headers=billing).json == []  # nothing written


def test_the_gfe_names_both_payers_and_what_the_secondary_pays(client, billing):
    body = dict(request(SECONDARIES["plan_n"]),
                patient={"name": "Ann Example", "date_of_birth": "1950-03-01"})
    created = client.post("/api/v1/estimates", headers=billing, json=body)
    assert created.status_code == 201, created.json
    html = " ".join(client.get(f"/api/v1/estimates/{created.json['id']}/gfe",
                               headers=billing).text.split())
    assert "Original Medicare Part B, then Keystone Medigap Plan N" in html
    # Medicare pays 16812.00 and Plan N 3723.00 (see EXPECTED); the patient 1065.00
    assert "expected to pay $16,812.00 and your other insurance $3,723.00." in html
    assert "$1,065.00" in html
