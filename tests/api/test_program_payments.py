"""Programs paid as a rebate and programs that exclude states, through HTTP (domain 3.6).

On the fixtures: spravato-56-commercial with Acme PPO (99214 allowed 154.58) and a new
rebate program on 99214 that is not valid in MA, MI, MN and RI.
"""
from decimal import Decimal

import pytest

from tests.api import samples
from tests.api.estimate_requests import spravato

pytestmark = pytest.mark.usefixtures("seeded")

SESSION = samples.program("session-rebate", name="Treatment session program",
                          services=["99214"], patient_pays_per_visit="0.00",
                          annual_max="2000.00", paid_as="rebate",
                          excluded_states=["MA", "MI", "MN", "RI"])


def preview(client, billing, **coverage):
    response = client.post("/api/v1/estimates/preview", headers=billing,
                           json=spravato(programs=["session-rebate"], **coverage))
    assert response.status_code == 200, response.json
    return response.json


def test_program_round_trip_keeps_paid_as_and_states(client, admin):
    created = client.post("/api/v1/programs", json=SESSION, headers=admin)
    assert created.status_code == 201, created.json
    got = client.get("/api/v1/programs/session-rebate", headers=admin).json
    assert got["paid_as"] == "rebate" and got["excluded_states"] == ["MA", "MI", "MN", "RI"]
    plain = client.post("/api/v1/programs", json=samples.program("plain"), headers=admin).json
    assert plain["paid_as"] == "point_of_sale" and plain["excluded_states"] == []


@pytest.mark.parametrize(("change", "field"), [
    ({"paid_as": "later"}, "paid_as"),
    ({"excluded_states": ["XX"]}, "excluded_states"),
    ({"excluded_states": ["MA", "MA"]}, "excluded_states"),
])
def test_bad_program_fields_are_named_and_nothing_is_written(client, admin, change, field):
    response = client.post("/api/v1/programs", json={**SESSION, **change}, headers=admin)
    assert response.status_code == 422 and field in response.json["errors"]["json"]
    assert client.get("/api/v1/programs/session-rebate", headers=admin).status_code == 404


def test_a_rebate_lowers_the_net_cost_not_what_is_paid_at_the_visit(client, admin, billing):
    client.post("/api/v1/programs", json=SESSION, headers=admin)
    body = preview(client, billing, patient_state="NY")
    line = body["visits"][0]["lines"][1]
    # 99214 is an office visit with a 30.00 copay (COMMERCIAL_BENEFITS): paid at the visit,
    # all of it rebated after the claim
    assert (line["service"], line["patient_pays"], line["expected_rebate"]) == (
        "99214", "30.00", "30.00")
    # the copay is owed until the 5000.00 OOP maximum (99415 and 99416 are office visits too:
    # their copay is the 99214's, once a visit). OOP met: visit 1 J0013 56 x 15.58 = 872.48
    # + 30 = 902.48; visit 2 the rest of the deductible 627.52 + round(0.20 x 244.96) 48.99
    # + 30 = 706.51 (1608.99); then round(0.20 x 872.48) 174.50 + 30 = 204.50 a visit: after
    # visit 18 1608.99 + 16 x 204.50 = 4880.99; visit 19's J0013 takes the last 119.01, so
    # visits 19-24 owe no copay.
    totals = body["totals"]
    assert totals["expected_rebate"] == "540.00"  # 18 x 30.00
    assert Decimal(totals["net_patient_cost"]) == Decimal(totals["patient_pays"]) - 540
    assert totals["patient_pays"] == "5000.00"  # paid at the visits: the OOP maximum


def test_an_excluded_state_and_an_unknown_state(client, admin, billing):
    client.post("/api/v1/programs", json=SESSION, headers=admin)
    excluded = preview(client, billing, patient_state="MA")
    assert excluded["totals"]["expected_rebate"] == "0.00"
    refused = [w for w in excluded["warnings"] if w["code"] == "assistance_not_applicable"]
    assert refused and "MA" in refused[0]["message"]
    unknown = preview(client, billing)
    assert [w["code"] for w in unknown["warnings"]].count("assistance_state_unverified") == 1
    bad = client.post("/api/v1/estimates/preview", headers=billing,
                      json=spravato(patient_state="Massachusetts"))
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]["coverage"]) == {"patient_state"}
