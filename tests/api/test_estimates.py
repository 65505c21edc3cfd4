"""Estimates through HTTP: store, read, list, recalculate, idempotency, compare, validation."""
import logging

import pytest
from sqlalchemy import event, func, select

from costapi.db import session
from costapi.models import Estimate
from costapi.services import rule_cache
from tests.api.estimate_requests import self_pay, spravato, with_patient

pytestmark = pytest.mark.usefixtures("seeded")


def stored_count():
    return session.scalar(select(func.count()).select_from(Estimate))


def test_create_then_read_returns_the_same_estimate(client, billing):
    created = client.post("/api/v1/estimates", json=with_patient(spravato()), headers=billing)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["id"] and body["created_at"].endswith("Z")
    assert body["patient_reference"] == "MRN-1001"
    assert "Jane Doe" not in created.get_data(as_text=True)  # PHI stays out of the estimate
    read = client.get(f"/api/v1/estimates/{body['id']}", headers=billing)
    assert read.status_code == 200 and read.json == body
    # 8 + 4 + 12 sessions of the seed plan (induction-1, induction-2, maintenance)
    assert len(body["visits"]) == 24
    assert body["currency"] == "USD"


def test_the_first_visit_follows_the_contract_rates(client, billing):
    """J0013 56 mg at Acme's 15.58/mg: allowed 56 x 15.58 = 872.48, all deductible (1500 left);
    99214 at 154.58 pays the 30.00 office copay; 99415 (23.60) and 99416 (11.43), office_visit
    too, owe no second copay."""
    visit = client.post("/api/v1/estimates/preview", json=spravato(),
                        headers=billing).json["visits"][0]
    drug, office, first_hour, half_hour = visit["lines"]
    assert (drug["allowed"], drug["deductible"], drug["patient_pays"]) == (
        "872.48", "872.48", "872.48")
    assert (office["allowed"], office["copay"], office["insurance_pays"]) == (
        "154.58", "30.00", "124.58")  # 154.58 - 30.00
    assert (first_hour["service"], first_hour["allowed"], first_hour["patient_pays"],
            first_hour["insurance_pays"]) == ("99415", "23.60", "0.00", "23.60")
    assert (half_hour["service"], half_hour["allowed"], half_hour["patient_pays"],
            half_hour["insurance_pays"]) == ("99416", "11.43", "0.00", "11.43")
    assert visit["patient_pays"] == "902.48"  # 872.48 + 30.00 + 0.00 + 0.00


def test_preview_stores_nothing(client, billing):
    before = stored_count()
    preview = client.post("/api/v1/estimates/preview", json=spravato(), headers=billing)
    assert preview.status_code == 200 and preview.json["id"] is None
    assert stored_count() == before


def test_a_stored_estimate_survives_a_rule_change_and_recalculate_links_a_new_one(
        client, admin, billing):
    created = client.post("/api/v1/estimates", json=spravato(), headers=billing).json
    payer = client.get("/api/v1/payers/acme-ppo", headers=admin)
    body = payer.json
    for rate in body["rates"]:
        if rate["service"] == "J0013":
            rate["allowed"] = "10.0000"
    assert client.put("/api/v1/payers/acme-ppo", json=body,
                      headers={**admin, "If-Match": payer.headers["ETag"]}).status_code == 200

    assert client.get(f"/api/v1/estimates/{created['id']}", headers=billing).json == created
    again = client.post(f"/api/v1/estimates/{created['id']}/recalculate", headers=billing)
    assert again.status_code == 201, again.json
    new = again.json
    assert new["id"] != created["id"] and new["recalculated_from"] == created["id"]
    # First visit's drug line: 56 mg x 10.00 = 560.00 now, was 669.20
    assert new["visits"][0]["lines"][0]["allowed"] == "560.00"
    assert new["data_versions"]["rates"] != created["data_versions"]["rates"]
    assert client.post("/api/v1/estimates/" + "0" * 36 + "/recalculate",
                       headers=billing).status_code == 404


def test_a_stored_request_the_schema_now_refuses_is_a_422_on_recalculate(client, billing):
    created = client.post("/api/v1/estimates", json=spravato(), headers=billing).json
    row = session.get(Estimate, created["id"])
    row.request = {**row.request, "start_date": "1999-12-31"}
    session.commit()
    again = client.post(f"/api/v1/estimates/{created['id']}/recalculate", headers=billing)
    assert again.status_code == 422
    assert again.json["errors"] == {"json": {"start_date": ["A start date between 2000 and 2100."]}}
    assert successors(created["id"]) == 0


def test_a_patient_born_before_1900_is_implausible(client, billing):
    body = with_patient(spravato(), date_of_birth="1899-12-31")
    response = client.post("/api/v1/estimates/preview", json=body, headers=billing)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"patient": {"date_of_birth": [
        "Not a plausible date of birth."]}}}


def successors(estimate_id):
    return session.scalar(select(func.count()).select_from(Estimate)
                          .where(Estimate.recalculated_from == estimate_id))


def test_idempotency_key_returns_the_first_estimate(client, billing):
    headers = {**billing, "Idempotency-Key": "booking-42"}
    first = client.post("/api/v1/estimates", json=spravato(), headers=headers)
    retry = client.post("/api/v1/estimates", json=spravato(), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json["id"] == first.json["id"]
    assert stored_count() == 1
    other = client.post("/api/v1/estimates", json=spravato(network="out"), headers=headers)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]["headers"]
    fresh = client.post("/api/v1/estimates", json=spravato(),
                        headers={**billing, "Idempotency-Key": "booking-43"})
    assert fresh.json["id"] != first.json["id"]


def test_idempotency_keys_belong_to_one_api_key(client, billing, admin):
    first = client.post("/api/v1/estimates", json=spravato(),
                        headers={**billing, "Idempotency-Key": "k"})
    second = client.post("/api/v1/estimates", json=spravato(network="out"),
                         headers={**admin, "Idempotency-Key": "k"})
    assert second.status_code == 201 and second.json["id"] != first.json["id"]


def test_a_failed_request_does_not_burn_its_idempotency_key(client, billing):
    headers = {**billing, "Idempotency-Key": "retry-me"}
    bad = spravato()
    bad["plan"] = "nope"
    assert client.post("/api/v1/estimates", json=bad, headers=headers).status_code == 422
    good = client.post("/api/v1/estimates", json=spravato(), headers=headers)
    assert good.status_code == 201


def test_list_filters_by_patient_and_created_date(client, billing):
    for reference in ("MRN-1", "MRN-1", "MRN-2"):
        client.post("/api/v1/estimates", json=with_patient(spravato(), reference=reference),
                    headers=billing)
    mine = client.get("/api/v1/estimates?patient_reference=MRN-1", headers=billing)
    assert mine.status_code == 200 and len(mine.json) == 2
    assert {item["patient_reference"] for item in mine.json} == {"MRN-1"}
    assert mine.json[0]["totals"]["patient_pays"]
    today = mine.json[0]["created_at"][:10]
    assert len(client.get(f"/api/v1/estimates?created_from={today}&created_to={today}",
                          headers=billing).json) == 3
    assert client.get("/api/v1/estimates?created_to=2000-01-01", headers=billing).json == []
    paged = client.get("/api/v1/estimates?page=2&page_size=2", headers=billing)
    assert len(paged.json) == 1 and '"total": 3' in paged.headers["X-Pagination"]
    assert client.get("/api/v1/estimates?created_from=yesterday",
                      headers=billing).status_code == 422


def test_compare_orders_by_net_patient_cost(client, billing):
    options = [self_pay("spravato-56-commercial"), spravato(), self_pay("ketamine-iv-6")]
    response = client.post("/api/v1/estimates/compare", json={"options": options},
                           headers=billing)
    assert response.status_code == 200, response.json
    result = response.json
    costs = [float(option["totals"]["net_patient_cost"]) for option in result["options"]]
    assert costs == sorted(costs)
    assert result["cheapest"] == result["options"][0]["option"]
    # insured esketamine is cheapest: 24 sessions at cash 1050.00 = 25200.00 self-pay
    assert result["options"][0]["coverage"]["type"] == "insurance"
    assert result["options"][-1]["totals"]["net_patient_cost"] == "25200.00"
    assert {"plan", "coverage.type", "coverage.payer"} <= set(result["differences"])
    assert "start_date" not in result["differences"]


def test_compare_names_the_bad_option(client, billing):
    bad = spravato()
    bad["plan"] = "nope"
    response = client.post("/api/v1/estimates/compare", json={"options": [spravato(), bad]},
                           headers=billing)
    assert response.status_code == 422
    assert "plan" in response.json["errors"]["json"]["options"]["1"]
    one = client.post("/api/v1/estimates/compare", json={"options": [spravato()]},
                      headers=billing)
    assert one.status_code == 422 and "options" in one.json["errors"]["json"]


def _benefits(**changes):
    return {**spravato()["coverage"]["benefits"], **changes}


def _with(body, **changes):
    body = dict(body)
    body.update(changes)
    return body


INVALID = [
    (_with(spravato(), plan="nope"), ["plan"], "unknown plan"),
    (spravato(payer="nope"), ["coverage", "payer"], "unknown payer"),
    (_with(spravato(), start_date="2027-02-30"), ["start_date"], "impossible date"),
    (_with(spravato(), start_date="04/01/2027"), ["start_date"], "not ISO"),
    (spravato(benefits=_benefits(coinsurance="1.5")), ["coverage", "benefits", "coinsurance"],
     "coinsurance above 1"),
    (spravato(benefits=_benefits(deductible="-5.00")), ["coverage", "benefits", "deductible"],
     "negative money"),
    (spravato(benefits=_benefits(deductible=1500)), ["coverage", "benefits", "deductible"],
     "money as a JSON number"),
    (spravato(benefits=_benefits(deductible_met="2000.00")),
     ["coverage", "benefits", "deductible_met"], "met above its total"),
    # maintenance every 14 days from day 56: session 23 falls on 56 + 22 x 14 = 364,
    # session 24 on 378 > 365
    (_with(spravato(), phases={"maintenance": {"sessions": 24}}), ["phases"],
     "last session after 365 days"),
    (_with(spravato(), phases={"nope": {"sessions": 2}}), ["phases", "nope"],
     "unknown phase"),
    (_with(spravato(), phases={"maintenance": {"interval_days": 7, "per_week": 2}}),
     ["phases", "maintenance", "per_week"], "both cadences"),
    ({**spravato(), "coverage": {k: v for k, v in spravato()["coverage"].items()
                                 if k != "benefits"}},
     ["coverage", "benefits"], "benefits missing for insurance"),
    (spravato(benefits=_benefits(color="blue")), ["coverage", "benefits", "color"],
     "unknown field"),
    (_with(spravato(), member_id="W123"), ["member_id"], "unknown top-level field"),
    (self_pay(discounts=["nope"]), ["coverage", "discounts", "0"], "unknown discount"),
    (spravato(programs=["nope"]), ["coverage", "programs", "0"], "unknown program"),
    (self_pay(payer="acme-ppo"), ["coverage", "payer"], "payer on self-pay"),
    (spravato(diagnosis_codes=["33.2"]), ["coverage", "diagnosis_codes", "0"],
     "bad diagnosis code"),
    (spravato(prior_authorization="maybe"), ["coverage", "prior_authorization"],
     "unknown authorization state"),
]


def test_the_request_rules_say_what_is_wrong_where(client, billing):
    body = spravato(benefits=_benefits(
        deductible="1500.00", deductible_met="1500.01", out_of_pocket_max="5000.00",
        out_of_pocket_met="6000.00",
        family={"deductible": "3000.00", "deductible_met": "3000.00"}))
    response = client.post("/api/v1/estimates/preview", json=body, headers=billing)
    assert response.status_code == 422 and response.json["error"] == "unprocessable_entity"
    assert response.json["errors"] == {"json": {"coverage": {"benefits": {
        "deductible_met": ["deductible_met may not exceed deductible."],
        "out_of_pocket_met": ["out_of_pocket_met may not exceed out_of_pocket_max."]}}}}
    for start in ("1999-12-31", "2101-01-01"):
        early = client.post("/api/v1/estimates/preview", json=_with(spravato(), start_date=start),
                            headers=billing)
        assert early.json["errors"] == {"json": {"start_date": [
            "A start date between 2000 and 2100."]}}, start
    assert client.post("/api/v1/estimates/preview", json=_with(spravato(), start_date="2100-12-31"),
                       headers=billing).status_code == 200


@pytest.mark.parametrize(("body", "field", "what"), INVALID, ids=[case[2] for case in INVALID])
def test_invalid_requests_are_422_naming_the_field_and_store_nothing(client, billing, body,
                                                                      field, what):
    before = stored_count()
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 422, response.json
    node = response.json["errors"]["json"]
    for key in field:
        assert key in node, (field, response.json)
        node = node[key]
    assert stored_count() == before


def test_phi_never_reaches_the_logs(client, billing, caplog):
    caplog.set_level(logging.DEBUG)
    body = with_patient(spravato(), name="Zelda Quixote", date_of_birth="1979-03-03")
    assert client.post("/api/v1/estimates", json=body, headers=billing).status_code == 201
    leaky = with_patient(spravato(), name="Zelda Quixote")
    leaky["patient"]["member_id"] = "W987654321"
    rejected = client.post("/api/v1/estimates", json=leaky, headers=billing)
    assert rejected.status_code == 422
    assert "W987654321" not in rejected.get_data(as_text=True)
    for needle in ("Zelda", "Quixote", "1979-03-03", "W987654321"):
        assert needle not in caplog.text




def test_database_work_does_not_grow_with_the_plan(app, engine, client, admin, billing):
    """Statements per stored estimate, with a cold rule cache and a warm one, for 10 and 200
    visits: the same numbers whatever the plan length."""
    statements = []

    def count(*args):
        statements.append(args[2])

    def post(body):
        event.listen(engine, "before_cursor_execute", count)
        try:
            statements.clear()
            response = client.post("/api/v1/estimates", json=body, headers=billing)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 201, response.json
        return len(response.json["visits"]), len(statements)

    counts = {}
    for sessions in (10, 200):
        plan = {"code": f"daily-{sessions}", "name": "Daily", "modality": "esketamine_nasal",
                "phases": [{"name": "daily", "kind": "induction", "sessions": sessions,
                            "interval_days": 1,
                            "visit": [{"service": "J0013", "units": 56},
                                      {"service": "99214", "units": 1}]}]}
        assert client.post("/api/v1/plans", json=plan, headers=admin).status_code == 201
        body = spravato(programs=["spravato-savings"])
        body["plan"] = plan["code"]
        with app.app_context():
            rule_cache.changed()  # a cold cache: every rule is read from the database
            session.commit()
        visits, cold = post(body)
        _, warm = post(body)
        assert visits == sessions
        counts[sessions] = (cold, warm)
    assert counts[10] == counts[200]
    cold, warm = counts[10]
    assert warm < cold <= 18  # 3 of them write the audit row (SAVEPOINT, INSERT, RELEASE)


def test_website_keys_see_no_estimates(client, website, billing):
    created = client.post("/api/v1/estimates", json=spravato(), headers=billing).json
    assert client.get(f"/api/v1/estimates/{created['id']}", headers=website).status_code == 403
    assert client.get("/api/v1/estimates", headers=website).status_code == 403


def test_unknown_estimate_is_404(client, billing):
    assert client.get("/api/v1/estimates/" + "0" * 36, headers=billing).status_code == 404
    assert client.get("/api/v1/estimates/short", headers=billing).status_code == 404





def test_a_failed_store_releases_the_idempotency_key(client, billing, monkeypatch):
    """The database fails while storing (503): the retry with the same key is not a 409."""
    from sqlalchemy.exc import OperationalError

    from costapi.services import estimates

    real_store = estimates._store

    def fail_once(*args):
        monkeypatch.setattr(estimates, "_store", real_store)
        raise OperationalError("INSERT", {}, Exception("connection lost"))

    monkeypatch.setattr(estimates, "_store", fail_once)
    headers = {**billing, "Idempotency-Key": "blip"}
    assert client.post("/api/v1/estimates", json=spravato(), headers=headers).status_code == 503
    retry = client.post("/api/v1/estimates", json=spravato(), headers=headers)
    assert retry.status_code == 201


def test_the_specialty_pharmacy_plan_bills_the_drug_to_the_pharmacy_benefit(client, billing):
    """spravato-56-pharmacy through Acme PPO (COMMERCIAL_BENEFITS: office copay 30.00) with a
    pharmacy benefit of a 40.00 copay per fill (no pharmacy deductible, OOP integrated).
    January 2027 has 8 sessions (Jan 4, 7, 11, 14, 19 -- the 18th is a holiday --, 21, 25,
    28): one fill of 8 J0013 lines, each 56 x 14.25 (Acme's pharmacy rate) = 798.00 allowed,
    charge 0.00 (the clinic bills none of it); the fill costs the 40.00 copay, spread over its
    8 lines as 5.00 each. The clinic's visit: 99214 154.58 owes the 30.00 office copay, 99415
    and 99416 nothing more. January: 40.00 + 8 x 30.00 = 280.00."""
    body = spravato(programs=[])
    body["plan"] = "spravato-56-pharmacy"
    body["coverage"]["benefits"] = {**body["coverage"]["benefits"],
                                    "pharmacy": {"copay_per_fill": "40.00"}}
    response = client.post("/api/v1/estimates/preview", json=body, headers=billing)
    assert response.status_code == 200, response.json
    result = response.json
    january = [visit for visit in result["visits"] if visit["date"].startswith("2027-01")]
    assert len(january) == 8
    drugs = [visit["lines"][0] for visit in january]
    assert {(line["service"], line["benefit"], line["charge"], line["allowed"],
             line["allowed_basis"]) for line in drugs} == {
        ("J0013", "pharmacy", "0.00", "798.00", "pharmacy_rate")}
    assert [line["copay"] for line in drugs] == ["5.00"] * 8  # 40.00 / 8
    assert [visit["lines"][1]["copay"] for visit in january] == ["30.00"] * 8
    assert result["months"][0]["patient_pays"] == "280.00"  # 40.00 + 8 x 30.00
