"""The public calculator API: lists, estimates, no PHI, no rates, limits, CORS, ETags."""
from decimal import Decimal

import pytest
import yaml
from sqlalchemy import select

from costapi import create_app
from costapi.db import session
from costapi.fixtures import FIXTURES_DIR
from costapi.models import Plan
from costapi.services import rule_cache
from costapi.settings import TestConfig

pytestmark = pytest.mark.usefixtures("seeded")

ESTIMATE = "/api/v1/public/estimate"
FORBIDDEN_KEYS = {"rates", "policies", "allowed", "rate_id", "policy_id", "charges", "charge",
                  "insurance_pays", "visits_used", "lines", "data_versions",
                  "default_allowed_percent", "out_of_network_allowed_percent", "reason"}


def self_pay(**changes):
    return {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
            "coverage": "self_pay", **changes}


def acme(**changes):
    return {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
            "coverage": "insurance", "payer": "acme-ppo", "network": "in",
            "deductible": "1500.00", "deductible_met": "0.00", "coinsurance": "0.20",
            "copay": "30.00", "out_of_pocket_max": "5000.00", "out_of_pocket_met": "0.00",
            **changes}


def medicare(**changes):
    return {"plan": "spravato-56-medicare", "start_date": "2027-01-04",
            "coverage": "insurance", "payer": "medicare-b",
            "deductible": "283.00", "coinsurance": "0.20", **changes}


def walk(node, path=""):
    """(path, key, value) of every leaf and key of a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}.{index}")


def strings(node):
    return [value for _path, _key, value in walk(node) if isinstance(value, str)]


@pytest.fixture
def limited_app(engine, database_url, db_transaction):
    """A separate app with its own settings (rate limits on), on this test's transaction."""

    def make(**settings):
        config = type("LimitedConfig", (TestConfig,), {
            "DATABASE_URL": database_url, "RATELIMIT_ENABLED": True, **settings})
        app = create_app(config, engine=engine)
        session.remove()  # create_app bound the session to the engine: back to the test's
        session.configure(bind=db_transaction, join_transaction_mode="create_savepoint")
        return app

    return make


def set_plan(code, **columns):
    """Patient-facing columns of a live plan, written to its row (the rules change)."""
    row = session.scalars(select(Plan).where(Plan.code == code, Plan.superseded_at.is_(None),
                                             Plan.deleted_at.is_(None))).one()
    for name, value in columns.items():
        setattr(row, name, value)
    rule_cache.changed()
    session.commit()


# ---- the lists ---------------------------------------------------------------------------

def test_plans_list_a_schedule_summary_and_nothing_of_billing(client):
    response = client.get("/api/v1/public/plans")
    assert response.status_code == 200
    plans = {plan["code"]: plan for plan in response.json}
    spravato = plans["spravato-56-commercial"]
    assert set(spravato) == {"code", "name", "modality", "description", "visits", "phases"}
    assert spravato["visits"] == 24
    assert [(p["kind"], p["sessions"], p["cadence"], p["sessions_min"], p["sessions_max"])
            for p in spravato["phases"]] == [
        ("induction", 8, "twice a week", None, None),
        ("induction", 4, "once a week", None, None),
        ("maintenance", 12, "every 2 weeks", 6, 22)]
    assert plans["ketamine-iv-6"]["phases"][0]["cadence"] == "one visit"
    assert plans["ketamine-iv-6"]["phases"][1]["cadence"] == "3 times a week"
    assert "visit" not in str(spravato["phases"][0].keys())  # no services, no units


def test_payers_list_says_usually_covered_or_not_per_modality(client):
    response = client.get("/api/v1/public/payers")
    assert response.status_code == 200
    payers = {payer["code"]: payer for payer in response.json}
    assert set(payers["acme-ppo"]) == {"code", "name", "kind", "coverage"}
    status = {code: {c["modality"]: c["status"] for c in payer["coverage"]}
              for code, payer in payers.items()}
    # Acme excludes IV ketamine (modality-wide, specificity 1) but covers evaluations
    # (category, specificity 2): the IV plan's intake evaluation is covered in an estimate,
    # the infusions are not, so the list says "partly covered" as the estimate would.
    assert status["acme-ppo"] == {"esketamine_nasal": "prior_authorization_needed",
                                  "ketamine_iv": "partly_covered",
                                  "kap": "partly_covered"}
    assert status["medicare-b"]["esketamine_nasal"] == "usually_covered"
    assert status["bluestate-hmo"]["ketamine_iv"] == "prior_authorization_needed"
    labels = {c["status"]: c["label"] for c in payers["acme-ppo"]["coverage"]}
    assert labels["partly_covered"] == "Partly covered"
    assert labels["prior_authorization_needed"] == "Prior authorization needed"


def test_plans_use_the_public_name_and_never_the_staff_description(client):
    set_plan("spravato-56-commercial", public_name="Spravato nasal spray, 56 mg",
             public_description="A nasal spray you take at the clinic, then rest 2 hours.")
    set_plan("spravato-84-commercial", public_name=None, public_description="  ")
    plans = {plan["code"]: plan for plan in client.get("/api/v1/public/plans").json}
    assert plans["spravato-56-commercial"]["name"] == "Spravato nasal spray, 56 mg"
    assert plans["spravato-56-commercial"]["description"] == (
        "A nasal spray you take at the clinic, then rest 2 hours.")
    # no public name: the plan's name; no public description: none (staff notes stay staff)
    assert plans["spravato-84-commercial"]["name"] == "Esketamine 84 mg (split billing)"
    assert plans["spravato-84-commercial"]["description"] is None
    body = client.post(ESTIMATE, json=acme()).json
    assert body["plan_name"] == "Spravato nasal spray, 56 mg"
    assert body["plan_description"].startswith("A nasal spray")
    other = client.post(ESTIMATE, json=acme(plan="spravato-84-commercial")).json
    assert other["plan_name"] == "Esketamine 84 mg (split billing)"
    assert other["plan_description"] is None


def test_plans_for_a_payer_fit_its_kind(client):
    """Split billing is for commercial payers; a plan listing no payer kinds fits every one."""
    set_plan("spravato-56-commercial", payer_kinds=["commercial"])
    set_plan("spravato-84-commercial", payer_kinds=["commercial", "medicaid"])
    set_plan("spravato-56-medicare", payer_kinds=["medicare", "medicare_advantage"])
    set_plan("spravato-84-medicare", payer_kinds=["medicare"])
    set_plan("ketamine-iv-6", payer_kinds=None)
    set_plan("kap-im", payer_kinds=[])
    every = [plan["code"] for plan in client.get("/api/v1/public/plans").json]
    medicare = client.get("/api/v1/public/plans?payer=medicare-b")
    acme_plans = client.get("/api/v1/public/plans?payer=acme-ppo")
    assert medicare.status_code == 200 and acme_plans.status_code == 200
    medicare_codes = [plan["code"] for plan in medicare.json]
    acme_codes = [plan["code"] for plan in acme_plans.json]
    assert "spravato-56-medicare" in medicare_codes
    assert not {"spravato-56-commercial", "spravato-84-commercial"} & set(medicare_codes)
    assert {"spravato-56-commercial", "spravato-84-commercial"} <= set(acme_codes)
    assert not {"spravato-56-medicare", "spravato-84-medicare"} & set(acme_codes)
    # the plans that list no kinds (null or []) are in every list
    assert {"ketamine-iv-6", "kap-im"} <= set(medicare_codes) & set(acme_codes)
    assert set(medicare_codes) | set(acme_codes) == set(every)  # each plan fits one of them
    # one ETag per query, each answering 304 for itself only
    tag = medicare.headers["ETag"]
    assert tag != acme_plans.headers["ETag"] != client.get("/api/v1/public/plans").headers["ETag"]
    again = client.get("/api/v1/public/plans?payer=medicare-b", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag
    assert client.get("/api/v1/public/plans?payer=acme-ppo",
                      headers={"If-None-Match": tag}).status_code == 200
    assert client.get("/api/v1/public/plans", headers={"If-None-Match": tag}).status_code == 200


def test_plans_for_an_unknown_payer_are_a_422_naming_payer(client):
    response = client.get("/api/v1/public/plans?payer=nobody")
    assert response.status_code == 422
    assert set(response.json["errors"]["query"]) == {"payer"}


def test_lists_carry_an_etag_and_answer_304_until_the_rules_change(client, admin):
    first = client.get("/api/v1/public/plans")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get("/api/v1/public/plans", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    payers = client.get("/api/v1/public/payers")
    assert payers.headers["ETag"] != etag
    assert client.get("/api/v1/public/payers",
                      headers={"If-None-Match": payers.headers["ETag"]}).status_code == 304

    plan = client.get("/api/v1/plans/kap-im", headers=admin)
    phases = [dict(phase) for phase in plan.json["phases"]]
    phases[-1]["sessions"] -= 1  # integration: 4 -> 3 visits as planned
    changed = {**plan.json, "phases": phases}
    put = client.put("/api/v1/plans/kap-im", json=changed,
                     headers={**admin, "If-Match": plan.headers["ETag"]})
    assert put.status_code == 200, put.json
    after = client.get("/api/v1/public/plans", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    visits = {p["code"]: p["visits"] for p in after.json}
    assert visits["kap-im"] == 1 + 6 + 3


# ---- the estimate ------------------------------------------------------------------------

def test_self_pay_by_hand(client):
    """Cash prices: J0013 56 x 12.50 = 700.00, 99214 250.00, 99417 100.00: 1050.00 a visit.
    24 visits (8 + 4 + 12) = 25200.00; maintenance 6 to 22 visits: 18 x 1050.00 = 18900.00
    to 34 x 1050.00 = 35700.00. January: the 8 induction-1 visits (Jan 4 to 28) = 8400.00."""
    response = client.post(ESTIMATE, json=self_pay())
    assert response.status_code == 200, response.json
    body = response.json
    assert body["totals"]["patient_pays"] == "25200.00"
    assert body["totals"]["net_patient_cost"] == "25200.00"
    assert body["self_pay_total"] == "25200.00"
    assert body["range"] == {"low": "18900.00", "high": "35700.00"}
    assert body["coverage"] == {"type": "self_pay", "payer": None, "network": None,
                                "plan_year_start": None}
    assert body["programs"] == [] and body["plan_years"] == []
    assert body["phase_kinds"] == ["induction", "maintenance"]
    january = body["months"][0]
    assert january == {"month": "2027-01", "visits": 8, "patient_pays": "8400.00",
                       "net_patient_cost": "8400.00",
                       "by_kind": {"induction": "8400.00", "maintenance": "0.00"}}
    assert "estimate, not a quote" in body["notice"]


def test_insured_by_hand_and_the_self_pay_figure_beside_it(client):
    """Original Medicare, G2082 allowed 900.00, deductible 283.00, then 20 %, no OOP max.
    Visit 1: 283.00 + 0.20 x (900.00 - 283.00) = 283.00 + 123.40 = 406.40.
    Visits 2-24: 0.20 x 900.00 = 180.00 each, 23 x 180.00 = 4140.00. Total 4546.40.
    January (8 visits): 406.40 + 7 x 180.00 = 1666.40. Cash: 24 x 1050.00 = 25200.00."""
    response = client.post(ESTIMATE, json=medicare())
    assert response.status_code == 200, response.json
    body = response.json
    assert body["totals"]["patient_pays"] == "4546.40"
    assert body["totals"]["deductible"] == "283.00"
    assert body["self_pay_total"] == "25200.00"
    assert body["months"][0]["patient_pays"] == "1666.40"
    assert body["months"][0]["by_kind"] == {"induction": "1666.40", "maintenance": "0.00"}
    assert body["coverage"]["payer"] == {"code": "medicare-b", "name": "Original Medicare Part B",
                                         "kind": "medicare"}
    assert body["coverage"]["plan_year_start"] == "2027-01-01"  # January 1 of the start year
    assert body["plan_years"][0]["patient_pays"] == "4546.40"
    assert body["programs"] == [] and body["totals"]["assistance_pays"] == "0.00"
    # the program pays for J0013 (not G2082), and for commercial plans only
    split_billing = client.post(ESTIMATE, json=medicare(plan="spravato-56-commercial")).json
    assert split_billing["programs"] == []
    assert "Medicare" in next(w["message"] for w in split_billing["warnings"]
                              if w["code"] == "assistance_not_applicable")
    month_sum = sum(Decimal(m["patient_pays"]) for m in body["months"])
    assert month_sum == Decimal("4546.40")
    for month in body["months"]:
        assert sum(Decimal(v) for v in month["by_kind"].values()) == Decimal(month["patient_pays"])


def test_commercial_plan_applies_and_names_the_savings_program(client):
    """Acme PPO in network, deductible 1500.00, 20 %, copay 30.00, OOP max 5000.00.
    Each visit: J0013 56 x 15.58 = 872.48 goes to deductible/coinsurance, 99214 (154.58)
    owes the 30.00 copay (99415 and 99416 owe no second one); the savings program pays the
    J0013 share down to 10.00 and the treatment-session rebate pays back the 30.00 copay.
    OOP met: visit 1 872.48 + 30 = 902.48; visit 2 the last 627.52 of the deductible +
    0.20 x 244.96 = 48.99, + 30 = 706.51 (1608.99); visits 3-18 16 x (174.50 + 30.00) =
    3272.00 (4880.99); visit 19's J0013 coinsurance takes the last 119.01 (the program pays
    109.01; the copay is then 0); visits 20-24 cost 0. The patient pays the clinic
    18 x 40.00 + 10.00 = 730.00, copays 18 x 30.00 = 540.00, all rebated: net 190.00."""
    body = client.post(ESTIMATE, json=acme()).json
    assert body["programs"] == [{"code": "spravato-savings",
                                 "name": "Spravato withMe Savings Program"},
                                {"code": "spravato-session-rebate",
                                 "name": "Spravato withMe treatment session rebate"}]
    assert body["totals"]["patient_pays"] == "730.00"
    assert body["totals"]["copay"] == "540.00"
    assert body["totals"]["net_patient_cost"] == "190.00"  # 730.00 - 540.00 rebated
    assert Decimal(body["totals"]["assistance_pays"]) > 0
    assert body["self_pay_total"] == "25200.00"
    codes = [w["code"] for w in body["warnings"]]
    assert "prior_authorization_required" in codes
    diagnosis = next(w for w in body["warnings"] if w["code"] == "diagnosis_required")
    assert "diagnosis codes" not in diagnosis["message"]  # the public form asks for none


def test_first_visit_and_the_cost_without_the_program(client):
    """Acme as above. First visit: J0013 872.48 all to the deductible, the program pays it
    down to 10.00, plus the 30.00 copay: 40.00, of which the session rebate pays back 30.00:
    net 10.00. Without the programs: deductible 1500.00 + 0.20 x (24 x 872.48 - 1500.00) =
    0.20 x 19439.52 = 3887.90, + 24 x 30.00 = 720.00 copays = 6107.90, over the OOP max:
    5000.00."""
    body = client.post(ESTIMATE, json=acme()).json
    assert body["totals"]["net_patient_cost"] == "190.00"
    assert body["first_visit"] == {"date": "2027-01-04", "patient_pays": "40.00",
                                   "net_patient_cost": "10.00"}
    assert body["without_programs"] == "5000.00"
    assert body["with_accumulator"] is None  # not asked
    # no program applied (Medicare): nothing to compare with
    assert client.post(ESTIMATE, json=medicare()).json["without_programs"] is None
    cash = client.post(ESTIMATE, json=self_pay()).json
    assert cash["without_programs"] is None and cash["with_accumulator"] is None
    assert cash["first_visit"] == {"date": "2027-01-04", "patient_pays": "1050.00",
                                   "net_patient_cost": "1050.00"}  # 700 + 250 + 70 + 30


def test_without_programs_with_no_deductible(client):
    """No deductible, 20 %, copay 30.00: each visit J0013 0.20 x 872.48 = 174.50 + 30.00.
    With the programs: the patient pays 10.00 + 30.00 = 40.00 a visit and gets the 30.00
    copay back (session rebate): net 10.00 a visit, 24 x 10.00 = 240.00 (the savings program
    pays 24 x 164.50 = 3948.00, under its 7150.00; the rebates 24 x 30.00 = 720.00, under
    2400.00). Without: 24 x 204.50 = 4908.00 (under the OOP max). An accumulator changes
    nothing here: no deductible to hold back, and OOP met (24 x 40.00 = 960.00; a rebate is
    never held back) never reaches 5000.00."""
    body = client.post(ESTIMATE, json=acme(deductible="0.00", copay_accumulator="unknown")).json
    assert body["totals"]["net_patient_cost"] == "240.00"
    assert body["totals"]["assistance_pays"] == "3948.00"
    assert body["without_programs"] == "4908.00"
    assert body["with_accumulator"] == "240.00"


def test_a_copay_accumulator_yes_no_or_unknown(client):
    """Acme with a copay accumulator: the plan does not credit the savings program's 862.48 a
    visit (872.48 - 10.00), so the deductible met grows by 10.00 a visit. The session rebate
    pays back the 30.00 copay every visit (24 x 30.00 = 720.00, under 2400.00); a rebate is
    never held back by the plan. Net cost a visit = what is paid less the 30.00 rebate.
    Visits 1-8: net 10.00 each = 80.00; the program pays 8 x 862.48 = 6899.84.
    Visit 9: the program has 7150.00 - 6899.84 = 250.16 left: 872.48 - 250.16 = 622.32;
    deductible met 80.00 + 872.48 - 250.16 = 702.32.
    Visit 10: the last 797.68 of the deductible + 0.20 x 74.80 = 14.96: 812.64.
    Visits 11-24: 14 x 0.20 x 872.48 = 14 x 174.50 = 2443.00 (OOP met stays under 5000.00).
    80.00 + 622.32 + 812.64 + 2443.00 = 3957.96."""
    yes = client.post(ESTIMATE, json=acme(copay_accumulator="yes")).json
    assert yes["totals"]["net_patient_cost"] == "3957.96"
    assert yes["totals"]["assistance_pays"] == "7150.00"
    assert yes["without_programs"] == "5000.00"  # the accumulator only matters with a program
    assert yes["with_accumulator"] is None
    no = client.post(ESTIMATE, json=acme(copay_accumulator="no")).json
    assert no["totals"]["net_patient_cost"] == "190.00"  # as without the question
    assert no["with_accumulator"] is None
    unknown = client.post(ESTIMATE, json=acme(copay_accumulator="unknown")).json
    assert unknown["totals"] == no["totals"]  # priced without it
    assert unknown["with_accumulator"] == "3957.96"  # and the possible higher cost beside
    assert unknown["without_programs"] == "5000.00"
    cash = client.post(ESTIMATE, json=self_pay(copay_accumulator="no"))
    assert cash.status_code == 422
    assert cash.json["errors"]["json"] == {"copay_accumulator": ["Only with insurance."]}
    bad = client.post(ESTIMATE, json=acme(copay_accumulator="maybe"))
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"copay_accumulator"}


@pytest.mark.parametrize("body", [acme(), self_pay(), medicare()], ids=["acme", "self", "medicare"])
def test_one_rules_load_per_public_estimate(client, monkeypatch, body):
    """The public request is built and priced from one load of its rules."""
    from costapi.services import estimate_rules, estimates, public

    loads = []

    def counted(request):
        loads.append(request["plan"])
        return estimate_rules.load_rules(request)

    monkeypatch.setattr(public, "load_rules", counted)
    monkeypatch.setattr(estimates, "load_rules", counted)
    assert client.post(ESTIMATE, json=body).status_code == 200
    assert loads == [body["plan"]]


def test_warnings_in_plain_words_for_reset_and_a_program_running_out(client):
    body = client.post(ESTIMATE, json=acme(plan="spravato-84-commercial",
                                           start_date="2027-09-06", deductible="3000.00",
                                           coinsurance="0.50", out_of_pocket_max="9000.00")).json
    warnings = {w["code"]: w for w in body["warnings"]}
    assert warnings["plan_year_reset"]["message"].startswith(
        "Your plan year starts again on January 1, 2028")
    assert warnings["assistance_exhausted"]["message"].startswith(
        "The Spravato withMe Savings Program reaches its yearly maximum of $7,150.00")
    assert [year["start"] for year in body["plan_years"]] == ["2027-01-01", "2028-01-01"]
    assert "policy_id" not in str(body["warnings"])


def test_out_of_network_uses_the_numbers_as_out_of_network_benefits(client):
    body = client.post(ESTIMATE, json=acme(network="out", copay=None)).json
    assert body["coverage"]["network"] == "out"
    assert body["programs"] == []  # programs never apply out of network
    codes = [w["code"] for w in body["warnings"]]
    assert "out_of_network" in codes
    assert Decimal(body["totals"]["expected_reimbursement"]) > 0


def test_an_insured_estimate_without_numbers_says_what_it_assumed(client):
    body = client.post(ESTIMATE, json={"plan": "spravato-56-commercial",
                                       "start_date": "2027-01-04", "coverage": "insurance",
                                       "payer": "acme-ppo"}).json
    assert "benefits_assumed" in [w["code"] for w in body["warnings"]]


@pytest.mark.parametrize("field, value", [
    ("patient", {"name": "Jane Doe", "date_of_birth": "1985-02-14"}),
    ("member_id", "W123456789"),
    ("name", "Jane Doe"),
    ("date_of_birth", "1985-02-14"),
    ("diagnosis_codes", ["F33.2"]),
])
def test_no_phi_field_is_accepted(client, field, value):
    response = client.post(ESTIMATE, json=acme(**{field: value}))
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {field: ["Unknown field."]}
    assert "Jane" not in response.get_data(as_text=True)


@pytest.mark.parametrize("body, field", [
    (acme(coinsurance="1.5"), "coinsurance"),
    (acme(coinsurance=0.2), "coinsurance"),
    (acme(deductible=1500), "deductible"),
    (acme(deductible="-1.00"), "deductible"),
    (acme(deductible_met="2000.00"), "deductible_met"),
    (acme(out_of_pocket_met="6000.00"), "out_of_pocket_met"),
    (acme(payer=None), "payer"),
    (acme(payer="nobody"), "payer"),
    (acme(plan="no-such-plan"), "plan"),
    (acme(network="sideways"), "network"),
    (acme(start_date="2027-02-30"), "start_date"),
    (self_pay(deductible="100.00"), "deductible"),
    (self_pay(coverage="medicaid"), "coverage"),
])
def test_errors_name_the_field(client, body, field):
    response = client.post(ESTIMATE, json={k: v for k, v in body.items()
                                           if v is not None or k != "payer"})
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]["json"]) == {field}
    assert response.json["message"]


def _rate_texts(payers):
    fixtures = yaml.safe_load((FIXTURES_DIR / "payers.yaml").read_text())
    rates = {Decimal(rate["allowed"]) for payer in fixtures if payer["code"] in payers
             for rate in payer["rates"]}
    return rates, {str(rate) for rate in rates} | {f"{rate:.2f}" for rate in rates}


def _assert_no_rate(document, payers):
    rates, texts = _rate_texts(payers)
    for path, key, _value in walk(document):
        assert key not in FORBIDDEN_KEYS, f"{path}.{key}"
    for text in strings(document):
        assert text not in texts, text
        assert not any(f"${rate:,.2f}" in text for rate in rates), text


def test_public_responses_carry_no_contracted_rate(client):
    every_payer = [payer["code"] for payer in client.get("/api/v1/public/payers").json]
    _assert_no_rate(client.get("/api/v1/public/plans").json, every_payer)
    _assert_no_rate(client.get("/api/v1/public/payers").json, every_payer)
    _assert_no_rate(client.post(ESTIMATE, json=acme()).json, ["acme-ppo"])
    _assert_no_rate(client.post(ESTIMATE, json=medicare()).json, ["medicare-b"])
    _assert_no_rate(client.post(ESTIMATE, json=acme(network="out")).json, ["acme-ppo"])


def test_no_key_is_needed_and_a_bad_key_is_401(client):
    assert client.post(ESTIMATE, json=self_pay()).status_code == 200
    bad = client.post(ESTIMATE, json=self_pay(), headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json["code"] == 401


def test_openapi_documents_the_public_routes(client):
    paths = client.get("/openapi.json").json["paths"]
    assert {"/api/v1/public/plans", "/api/v1/public/payers", "/api/v1/public/estimate"} <= set(
        paths)
    assert "429" in paths["/api/v1/public/estimate"]["post"]["responses"]


# ---- rate limits, proxies, CORS ----------------------------------------------------------

def test_429_with_retry_after_after_the_configured_limit(limited_app):
    client = limited_app(PUBLIC_RATE_LIMIT="3/minute").test_client()
    for _ in range(3):
        assert client.post(ESTIMATE, json={}).status_code == 422  # every call counts
    limited = client.get("/api/v1/public/plans")
    assert limited.status_code == 429
    assert limited.json["code"] == 429 and limited.json["message"]
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    other = client.get("/api/v1/public/plans", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200  # counted per client address
    assert "Retry-After" not in other.headers
    # the rest of the API is not limited by the public limit
    assert client.get("/health").status_code == 200


def test_the_client_address_comes_from_the_trusted_proxy(limited_app):
    client = limited_app(PUBLIC_RATE_LIMIT="2/minute", PROXY_COUNT=1).test_client()

    def call(forwarded):
        headers = {"X-Forwarded-For": forwarded}
        return client.get("/api/v1/public/plans", headers=headers).status_code

    assert [call("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert call("198.51.100.2") == 200
    # a client cannot pick its own address: only the proxy's last entry counts
    assert call("10.0.0.1, 198.51.100.1") == 429


def test_a_website_key_gets_the_higher_limit(limited_app, website):
    client = limited_app(PUBLIC_RATE_LIMIT="2/minute",
                         WEBSITE_RATE_LIMIT="5/minute").test_client()
    assert [client.get("/api/v1/public/plans", headers=website).status_code
            for _ in range(6)] == [200] * 5 + [429]
    assert [client.get("/api/v1/public/plans").status_code for _ in range(3)] == [200, 200, 429]


def test_cors_headers_only_for_allowed_origins(limited_app):
    client = limited_app(CORS_ORIGINS=["https://clinic.example"]).test_client()
    allowed = client.get("/api/v1/public/plans", headers={"Origin": "https://clinic.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://clinic.example"
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    preflight = client.options(ESTIMATE, headers={
        "Origin": "https://clinic.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://clinic.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    error = client.post(ESTIMATE, json={"patient": {}}, headers={"Origin": "https://clinic.example"})
    assert error.status_code == 422  # errors reach the page too
    assert error.headers["Access-Control-Allow-Origin"] == "https://clinic.example"

    other = client.get("/api/v1/public/plans", headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    private = client.get("/api/v1/plans", headers={"Origin": "https://clinic.example"})
    assert "Access-Control-Allow-Origin" not in private.headers


def test_no_cors_at_all_without_configured_origins(client):
    response = client.get("/api/v1/public/plans", headers={"Origin": "https://clinic.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


# ---- the page ----------------------------------------------------------------------------

def test_the_calculator_page_and_its_files_are_public(client):
    page = client.get("/calculator")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'id="estimate-form"' in html and "not a quote" in html
    assert "/api/v1/public/estimate" in html
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    script = client.get("/calculator/static/calculator.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert client.get("/calculator/static/calculator.css").mimetype == "text/css"
    assert client.get("/calculator/static/nothing.js").status_code == 404
