"""Visit changes within a phase (domain.md 2) through HTTP: plans store and return them,
estimate requests override `visit` and `visit_changes` per phase, and every 422 names the item.

Seed cash prices (fixtures/services.yaml): J0013 12.50 per mg (56 mg: 700.00, 84 mg:
1050.00), 99214 250.00. So a self-pay session costs 950.00 at 56 mg and 1300.00 at 84 mg.
Sessions every 7 days from Monday 2027-03-01 (open days on the seed calendar).
"""
import pytest

VISIT_56 = [{"service": "J0013", "units": 56}, {"service": "99214", "units": 1}]
VISIT_84 = [{"service": "J0013", "units": 84}, {"service": "99214", "units": 1}]


def escalation_plan(changes=None):
    return {"code": "spravato-escalation", "name": "Spravato 56 then 84 mg",
            "modality": "esketamine_nasal", "phases": [
                {"name": "induction", "kind": "induction", "sessions": 3, "interval_days": 7,
                 "visit": VISIT_56,
                 "visit_changes": [{"from_session": 2, "visit": VISIT_84}]
                 if changes is None else changes}]}


def request(phases=None):
    body = {"plan": "spravato-escalation", "start_date": "2027-03-01",
            "coverage": {"type": "self_pay"}}
    if phases is not None:
        body["phases"] = phases
    return body


def errors_at(response, path):
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]
    for key in path:
        assert key in errors, (path, response.json)
        errors = errors[key]
    return errors


@pytest.fixture
def escalation(client, admin, seeded):
    created = client.post("/api/v1/plans", json=escalation_plan(), headers=admin)
    assert created.status_code == 201, created.json
    return created


def preview(client, billing, body):
    return client.post("/api/v1/estimates/preview", json=body, headers=billing)


def test_the_plan_api_round_trips_visit_changes(client, admin, escalation):
    changes = [{"from_session": 2, "visit": VISIT_84}]
    assert escalation.json["phases"][0]["visit_changes"] == changes
    fetched = client.get("/api/v1/plans/spravato-escalation", headers=admin)
    assert fetched.status_code == 200
    assert fetched.json["phases"][0]["visit_changes"] == changes


def test_an_estimate_uses_each_sessions_visit(client, billing, escalation):
    response = preview(client, billing, request())
    assert response.status_code == 200, response.json
    visits = response.json["visits"]
    assert [visit["lines"][0]["units"] for visit in visits] == [56, 84, 84]
    # 950.00 + 1300.00 + 1300.00
    assert [visit["patient_pays"] for visit in visits] == ["950.00", "1300.00", "1300.00"]
    assert response.json["totals"]["patient_pays"] == "3550.00"


def test_the_request_overrides_visit_changes_and_visit(client, billing, escalation):
    later = [{"from_session": 3, "visit": VISIT_84}]
    response = preview(client, billing, request({"induction": {"visit_changes": later}}))
    assert response.status_code == 200, response.json
    # 2 x 950.00 + 1300.00
    assert response.json["totals"]["patient_pays"] == "3200.00"
    only = [{"service": "99214", "units": 1}]
    response = preview(client, billing, request({"induction": {"visit": only}}))
    assert response.status_code == 200, response.json
    # visit without visit_changes clears the plan's: 3 x 250.00
    assert [len(visit["lines"]) for visit in response.json["visits"]] == [1, 1, 1]
    assert response.json["totals"]["patient_pays"] == "750.00"
    response = preview(client, billing, request({"induction": {"visit": only,
                                                               "visit_changes": later}}))
    # 2 x 250.00 + 1300.00
    assert response.json["totals"]["patient_pays"] == "1800.00"


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(("changes", "path"), [
    ([{"from_session": 1, "visit": VISIT_84}], ["0", "visit_changes", "0", "from_session"]),
    ([{"from_session": 3, "visit": VISIT_84}, {"from_session": 3, "visit": VISIT_56}],
     ["0", "visit_changes", "1", "from_session"]),
    ([{"from_session": 3, "visit": VISIT_84}, {"from_session": 2, "visit": VISIT_56}],
     ["0", "visit_changes", "1", "from_session"]),
    ([{"from_session": 2, "visit": [{"service": "J0013", "units": 84},
                                    {"service": "NOPE", "units": 1}]}],
     ["0", "visit_changes", "0", "visit", "1", "service"]),
    ([{"from_session": 2, "visit": []}], ["0", "visit_changes", "0", "visit"]),
    ([{"visit": VISIT_84}], ["0", "visit_changes", "0", "from_session"]),
])
def test_plan_writes_name_the_bad_item(client, admin, changes, path):
    response = client.post("/api/v1/plans", json=escalation_plan(changes), headers=admin)
    errors_at(response, ["phases", *path])
    assert client.get("/api/v1/plans/spravato-escalation", headers=admin).status_code == 404


@pytest.mark.parametrize(("override", "path"), [
    ({"visit_changes": [{"from_session": 1, "visit": VISIT_84}]},
     ["visit_changes", "0", "from_session"]),
    ({"visit_changes": [{"from_session": 2, "visit": VISIT_84},
                        {"from_session": 2, "visit": VISIT_56}]},
     ["visit_changes", "1", "from_session"]),
    ({"visit_changes": [{"from_session": 2, "visit": [{"service": "NOPE", "units": 1}]}]},
     ["visit_changes", "0", "visit", "0", "service"]),
    ({"visit": [{"service": "99214", "units": 1}, {"service": "NOPE", "units": 1}]},
     ["visit", "1", "service"]),
    ({"visit": [{"service": "99214", "units": 0}]}, ["visit", "0", "units"]),
])
def test_estimate_requests_name_the_bad_item(client, billing, escalation, override, path):
    response = preview(client, billing, request({"induction": override}))
    errors_at(response, ["phases", "induction", *path])


def test_a_service_only_in_the_changes_is_loaded(client, admin, billing, seeded):
    medicare = {"code": "spravato-medicare", "name": "Spravato G2082 then G2083",
                "modality": "esketamine_nasal", "phases": [
                    {"name": "induction", "kind": "induction", "sessions": 3,
                     "interval_days": 7, "visit": [{"service": "G2082", "units": 1}],
                     "visit_changes": [{"from_session": 2,
                                        "visit": [{"service": "G2083", "units": 1}]}]}]}
    assert client.post("/api/v1/plans", json=medicare, headers=admin).status_code == 201
    body = {**request(), "plan": "spravato-medicare"}
    response = preview(client, billing, body)
    assert response.status_code == 200, response.json
    # cash: G2082 1050.00, then G2083 1400.00 twice
    assert response.json["totals"]["patient_pays"] == "3850.00"
