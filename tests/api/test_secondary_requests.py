"""Estimate requests with secondary coverage (domain 3.7) and per-year benefits (3.4): the
schema, the rules loaded, the engine's inputs, the secondary's eligibility check."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from costapi import pricing
from costapi.api.estimate_requests import load_request
from costapi.db import session
from costapi.models import EligibilityCheck, Estimate
from costapi.services.estimate_rules import engine_input, load_rules, rules_by_code
from costapi.services.payers import payers as payer_rows
from tests.api import samples
from tests.api.estimate_requests import medicare, spravato, with_secondary
from tests.eligibility.answers import CHECKS, URL, answer, benefit, request_body

pytestmark = pytest.mark.usefixtures("seeded", "payers")
CHECKED = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
MEDIGAP, SECOND_PPO, MEDICAID = "test-medigap-n", "second-ppo", "state-medicaid"
SUPPLEMENT_TERMS = {"pays_part_b_deductible": False, "coinsurance_share": "1",
                    "office_visit_copay": "20.00"}
SECOND_BENEFITS = {"deductible": "500.00", "deductible_met": "100.00",
                   "out_of_pocket_max": "3000.00", "coinsurance": "0.10"}


@pytest.fixture
def payers(client, admin):
    """A Medigap plan and a second commercial plan, each checkable (eligibility_payer_id)."""
    for body in (
        samples.payer(MEDIGAP, name="Test Medigap Plan N", kind="medicare_supplement",
                      eligibility_payer_id="MGN01", default_allowed_percent=None,
                      out_of_network_allowed_percent=None, rates=[], policies=[]),
        samples.payer(SECOND_PPO, name="Second PPO", eligibility_payer_id="SPPO1", rates=[],
                      policies=[]),
    ):
        response = client.post("/api/v1/payers", json=body, headers=admin)
        assert response.status_code == 201, response.json


@pytest.fixture
def clearinghouse(app, monkeypatch, requests_mock):
    """The app talks to URL, which requests-mock answers (no real network)."""
    monkeypatch.setitem(app.config, "ELIGIBILITY_API_URL", URL)
    monkeypatch.setitem(app.config, "ELIGIBILITY_API_KEY", "test-clearinghouse-key")
    return requests_mock


@pytest.fixture
def stored_check(client, billing, clearinghouse):
    """A check of `payer` answering `data` (default: active, deductible 1500 with 400 met,
    20 % coinsurance), made on CHECKED."""
    def make(payer, data=None):
        clearinghouse.post(URL, json=data or answer(
            benefit("C", "1500"), benefit("C", "400", time="24"), benefit("A", percent="0.2"),
            benefit("C", "4000", network="N")))
        response = client.post(CHECKS, json=request_body(payer=payer, refresh=True),
                               headers=billing)
        assert response.status_code == 201, response.json
        session.get(EligibilityCheck, response.json["id"]).created_at = CHECKED
        session.commit()
        return response.json
    return make


def stored_count():
    return session.scalar(select(func.count()).select_from(Estimate))


def supplement(**secondary):
    return with_secondary(medicare(), "supplement", MEDIGAP, **secondary)


def medicaid(**secondary):
    return with_secondary(medicare(), "medicaid", MEDICAID, **secondary)


def standard(method="standard", **secondary):
    secondary.setdefault("benefits", dict(SECOND_BENEFITS))
    return with_secondary(spravato(), method, SECOND_PPO, **secondary)


def errors_at(response, *path):
    assert response.status_code == 422, response.json
    node = response.json["errors"]["json"]
    for part in path:
        assert isinstance(node, dict) and part in node, (path, response.json["errors"])
        node = node[part]
    return node


def payer_input(code):
    return rules_by_code("payers", [code])[code].value


def inputs(body):
    """The engine's input for a request body, as POST /estimates would build it."""
    request = load_request(body)
    return engine_input(request, load_rules(request))


def create(client, billing, body):
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 201, response.json
    return response.json


def same_figures(a, b):
    ignored = ("id", "created_at", "warnings")
    assert {k: v for k, v in a.items() if k not in ignored} == {
        k: v for k, v in b.items() if k not in ignored}


def codes(result):
    return [warning["code"] for warning in result["warnings"]]


# -- the schema and the rules: every 422 names its field and stores nothing ----------------

def _secondary(body, **changes):
    body["coverage"]["secondary"].update(changes)
    return body


def _coverage(body, **changes):
    body["coverage"].update(changes)
    return body


def _without(body, name):
    del body["coverage"]["secondary"][name]
    return body


def _without_benefits(body):
    return _without(body, "benefits")


SECONDARY_INVALID = [
    (_secondary(supplement(), method=None), ("method",), None, "method null"),
    (_without(supplement(), "method"), ("method",), None, "method left out"),
    (_secondary(supplement(), method="coordination"), ("method",), None, "unknown method"),
    (supplement(benefits={"copay_per_visit": "5.00"}), ("benefits", "copay_per_visit"),
     "Not a term of method 'supplement' (but of medicaid).", "medicaid term in a supplement"),
    (supplement(benefits={"deductible": "100.00"}), ("benefits", "deductible"),
     "Not a term of method 'supplement' (but of non_duplication or standard).",
     "in-network term in a supplement"),
    (medicaid(benefits={"out_of_pocket_met": "5.00"}), ("benefits", "out_of_pocket_met"),
     "Not a term of method 'medicaid' (but of non_duplication, standard or supplement).",
     "met amount in medicaid"),
    (standard(benefits={"office_visit_copay": "20.00"}), ("benefits", "office_visit_copay"),
     "Not a term of method 'standard' (but of supplement).", "supplement term in standard"),
    (standard(benefits={"out_of_network": {}}), ("benefits", "out_of_network"),
     "Unknown field.", "out_of_network in a secondary"),
    (standard(benefits={"accumulator_program": True}), ("benefits", "accumulator_program"),
     "Unknown field.", "accumulator_program in a secondary"),
    (supplement(benefits={"next_plan_year": {"copays": {}}}),
     ("benefits", "next_plan_year", "copays"),
     "Not a term of method 'supplement' (but of non_duplication or standard).",
     "in-network next-year term in a supplement"),
    (supplement(benefits={"next_plan_year": {"out_of_pocket_met": "0.00"}}),
     ("benefits", "next_plan_year", "out_of_pocket_met"), "Unknown field.",
     "met amount in a supplement's next year"),
    (standard(benefits={"next_plan_year": {"deductible_met": "0.00"}}),
     ("benefits", "next_plan_year", "deductible_met"), "Unknown field.",
     "met amount in a secondary's next year"),
    (supplement(benefits={"pays_part_b_deductible": "yes"}),
     ("benefits", "pays_part_b_deductible"), None, "flag as text"),
    (supplement(benefits={"coinsurance_share": "1.5"}), ("benefits", "coinsurance_share"),
     None, "share above 1"),
    (medicaid(benefits={"copay_per_visit": 4}), ("benefits", "copay_per_visit"), None,
     "money as a JSON number"),
    (supplement(benefits={"out_of_pocket_max": "100.00", "out_of_pocket_met": "150.00"}),
     ("benefits", "out_of_pocket_met"), "out_of_pocket_met may not exceed out_of_pocket_max.",
     "supplement met above its total"),
    (standard(benefits={"deductible": "100.00", "deductible_met": "150.00"}),
     ("benefits", "deductible_met"), "deductible_met may not exceed deductible.",
     "standard met above its total"),
    (standard(benefits={"coinsurance_by_category": {"drug": "2"}}),
     ("benefits", "coinsurance_by_category", "drug"), None, "category coinsurance above 1"),
    (supplement(benefits=[]), ("benefits",), None, "benefits not an object"),
    (supplement(colour="blue"), ("colour",), "Unknown field.", "unknown secondary field"),
    (_coverage(supplement(), network="out"), (),
     "Secondary coverage is modelled in network only.", "out of network"),
    (with_secondary(medicare(), "medicaid", "medicare-b"), ("payer",),
     "The secondary payer must be another payer than the primary.", "same payer"),
    (with_secondary(medicare(), "medicaid"), ("payer",), None, "no payer and no check"),
    (_secondary(supplement(), payer="no-such-payer"), ("payer",), "Unknown payer 'no-such-payer'.",
     "unknown secondary payer"),
    (_without_benefits(standard()), ("benefits",), "Give benefits or an eligibility_check.",
     "standard without benefits, its payer without standard_benefits"),
    (with_secondary(spravato(), "supplement", MEDIGAP), ("method",), None,
     "supplement after a commercial primary (the engine)"),
    (with_secondary(medicare(), "medicaid", SECOND_PPO), ("method",), None,
     "medicaid method, commercial secondary (the engine)"),
    (with_secondary(medicare(), "standard", MEDICAID, benefits={}), ("method",), None,
     "standard method, medicaid secondary (the engine)"),
]


@pytest.mark.parametrize(("body", "path", "message", "case"), SECONDARY_INVALID,
                         ids=[case[-1] for case in SECONDARY_INVALID])
def test_an_invalid_secondary_is_a_422_naming_its_field(client, billing, body, path, message,
                                                        case):
    before = stored_count()
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    found = errors_at(response, "coverage", "secondary", *path)
    if message is not None:
        assert found == [message]
    assert stored_count() == before


BENEFITS_INVALID = [
    ({"next_plan_year": {"deductible_met": "0.00"}}, ("next_plan_year", "deductible_met"),
     "no met amounts in a later year"),
    ({"next_plan_year": {"family": {"out_of_pocket_met": "0.00"}}},
     ("next_plan_year", "family", "out_of_pocket_met"), "no family met in a later year"),
    ({"next_plan_year": {"coinsurance": "1.2"}}, ("next_plan_year", "coinsurance"),
     "next year's coinsurance above 1"),
    ({"next_plan_year": {"copays": {"massage": "10.00"}}},
     ("next_plan_year", "copays", "massage"), "next year's unknown category"),
    ({"coinsurance_by_category": {"massage": "0.10"}}, ("coinsurance_by_category", "massage"),
     "unknown category"),
    ({"coinsurance_by_category": {"drug": 0.1}}, ("coinsurance_by_category", "drug"),
     "fraction as a JSON number"),
    ({"out_of_network": {"next_plan_year": {"copays": {}}}},
     ("out_of_network", "next_plan_year", "copays"), "no copays out of network"),
    ({"out_of_network": {"coinsurance_by_category": {"drug": "1.01"}}},
     ("out_of_network", "coinsurance_by_category", "drug"),
     "out-of-network category coinsurance above 1"),
]


@pytest.mark.parametrize(("changes", "path", "case"), BENEFITS_INVALID,
                         ids=[case[-1] for case in BENEFITS_INVALID])
def test_invalid_per_year_benefits_are_a_422_naming_the_field(client, billing, changes, path,
                                                               case):
    body = spravato()
    body["coverage"]["benefits"].update(changes)
    before = stored_count()
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert errors_at(response, "coverage", "benefits", *path)
    assert stored_count() == before


def test_a_secondary_is_for_insurance_only(client, billing):
    body = {"plan": "ketamine-iv-6", "start_date": "2027-01-04",
            "coverage": {"type": "self_pay", "secondary": {"payer": MEDICAID,
                                                           "method": "medicaid"}}}
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert errors_at(response, "coverage", "secondary") == ["Only for insurance coverage."]


# -- valid requests -----------------------------------------------------------------------

def test_a_supplement_pays_all_but_the_part_b_deductible_and_the_plan_n_copay(client,
                                                                              billing):
    result = create(client, billing, supplement(benefits=SUPPLEMENT_TERMS))
    totals = result["totals"]
    # 24 visits: the 283.00 Part B deductible, then 20.00 a visit (Plan N)
    assert totals["patient_pays"] == "763.00"
    assert Decimal(totals["secondary_pays"]) == (
        Decimal(totals["deductible"]) + Decimal(totals["coinsurance"]) - Decimal("763.00"))
    row = session.get(Estimate, result["id"])
    payer = payer_rows.current(MEDIGAP)
    assert row.rule_versions["secondary_payer"] == {
        "code": MEDIGAP, "id": payer.id, "version": payer.version}


def test_medicaid_after_medicare_leaves_the_copay_per_visit(client, billing):
    result = create(client, billing, medicaid(benefits={"copay_per_visit": "4.00"}))
    assert result["totals"]["patient_pays"] == "96.00"  # 24 visits x 4.00
    assert "medicaid_crossover" in codes(result)
    assert session.get(Estimate, result["id"]).rule_versions["secondary_payer"]["code"] == (
        MEDICAID)


@pytest.mark.parametrize("method", ["standard", "non_duplication"])
def test_a_second_commercial_plan_pays_part_of_the_share(client, billing, method):
    alone = create(client, billing, spravato())
    result = create(client, billing, standard(method))
    assert Decimal(result["totals"]["secondary_pays"]) > 0
    assert Decimal(result["totals"]["patient_pays"]) == (
        Decimal(alone["totals"]["patient_pays"]) - Decimal(result["totals"]["secondary_pays"]))


def test_no_secondary_is_none_in_the_data_versions(client, billing):
    result = create(client, billing, spravato())
    assert session.get(Estimate, result["id"]).rule_versions["secondary_payer"] is None


def test_supplement_and_medicaid_terms_may_be_left_out(client, billing):
    """Their terms have defaults (share 1, no copay): all but the Part B deductible is paid."""
    assert create(client, billing, supplement())["totals"]["patient_pays"] == "283.00"
    assert create(client, billing, medicaid())["totals"]["patient_pays"] == "0.00"


def test_benefits_may_be_left_out_when_the_payer_has_standard_benefits(client, admin, billing):
    body = spravato()
    del body["coverage"]["benefits"]
    refused = client.post("/api/v1/estimates", json=body, headers=billing)
    assert errors_at(refused, "coverage", "benefits") == ["Give benefits or an eligibility_check."]
    for code in ("acme-ppo", SECOND_PPO):
        payer = client.get(f"/api/v1/payers/{code}", headers=admin)
        changed = {**payer.json, "standard_benefits": [
            {"effective_from": "2026-01-01", "deductible": "1000.00", "coinsurance": "0.25"}]}
        changed = {key: value for key, value in changed.items()
                   if key not in ("id", "version", "created_at", "updated_at")}
        saved = client.put(f"/api/v1/payers/{code}", json=changed,
                           headers={**admin, "If-Match": payer.headers["ETag"]})
        assert saved.status_code == 200, saved.json
    create(client, billing, body)
    create(client, billing, _without_benefits(standard()))


# -- the engine's inputs: what is not typed stays None ------------------------------------

def test_a_supplement_becomes_supplement_benefits(app):
    built = inputs(supplement(benefits={
        "coinsurance_share": "0.5", "out_of_pocket_max": "2000.00",
        "next_plan_year": {"out_of_pocket_max": "2100.00"}}))
    secondary = built.coverage.secondary
    assert (secondary.payer.code, secondary.payer.kind, secondary.method) == (
        MEDIGAP, "medicare_supplement", "supplement")
    assert secondary.benefits == pricing.SupplementBenefits(
        pays_part_b_deductible=None, coinsurance_share=Decimal("0.5"), office_visit_copay=None,
        out_of_pocket_max=Decimal("2000.00"), out_of_pocket_met=Decimal(0),
        next_plan_year=pricing.SupplementBenefits(out_of_pocket_max=Decimal("2100.00")))
    assert inputs(supplement()).coverage.secondary.benefits == pricing.SupplementBenefits()


def test_medicaid_becomes_medicaid_benefits(app):
    assert inputs(medicaid(benefits={"copay_per_visit": "4.00"})).coverage.secondary == (
        pricing.Secondary(payer=payer_input(MEDICAID), method="medicaid",
                          benefits=pricing.MedicaidBenefits(copay_per_visit=Decimal("4.00"))))
    assert inputs(medicaid()).coverage.secondary.benefits == pricing.MedicaidBenefits()


def test_a_coordinated_secondary_becomes_in_network_benefits(app):
    secondary = inputs(standard("non_duplication", benefits={
        "deductible": "500.00", "deductible_met": "100.00", "plan_year_start": "2026-07-01",
        "coinsurance_by_category": {"drug": "0.30"}, "copays": {"office_visit": "25.00"},
        "visits_used": {"7": 3}, "family": {"deductible": "1000.00"},
        "next_plan_year": {"deductible": "600.00", "family": {"out_of_pocket_max": "9000.00"}},
    })).coverage.secondary
    assert secondary.method == "non_duplication" and secondary.payer.code == SECOND_PPO
    assert secondary.benefits == pricing.Benefits(
        plan_year_start=date(2026, 7, 1), deductible=Decimal("500.00"),
        deductible_met=Decimal("100.00"), out_of_pocket_max=None, coinsurance=None,
        copays={"office_visit": Decimal("25.00")}, visits_used={7: 3},
        family=pricing.Amounts(deductible=Decimal("1000.00")),
        coinsurance_by_category={"drug": Decimal("0.30")},
        next_plan_year=pricing.YearAmounts(
            deductible=Decimal("600.00"),
            family=pricing.Amounts(out_of_pocket_max=Decimal("9000.00"))))


def test_per_year_benefits_become_year_amounts(app):
    body = spravato()
    body["coverage"]["benefits"].update({
        "coinsurance_by_category": {"drug": "0.10", "office_visit": "0.00"},
        "next_plan_year": {"deductible": "1750.00", "copays": {"office_visit": "35.00"},
                           "coinsurance_by_category": {"drug": "0.15"},
                           "family": {"deductible": "3500.00"}},
        "out_of_network": {"deductible": "3000.00", "coinsurance": "0.40",
                           "coinsurance_by_category": {"drug": "0.50"},
                           "next_plan_year": {"coinsurance": "0.45"}},
    })
    benefits = inputs(body).coverage.benefits
    assert benefits.coinsurance_by_category == {"drug": Decimal("0.10"),
                                                "office_visit": Decimal("0.00")}
    assert benefits.next_plan_year == pricing.YearAmounts(
        deductible=Decimal("1750.00"), out_of_pocket_max=None, coinsurance=None,
        coinsurance_by_category={"drug": Decimal("0.15")},
        copays={"office_visit": Decimal("35.00")},
        family=pricing.Amounts(deductible=Decimal("3500.00"), out_of_pocket_max=None))
    out = benefits.out_of_network
    assert out.coinsurance_by_category == {"drug": Decimal("0.50")}
    assert out.next_plan_year == pricing.YearAmounts(coinsurance=Decimal("0.45"))
    assert inputs(spravato()).coverage.benefits.next_plan_year is None
    assert inputs(spravato()).coverage.secondary is None


def test_an_untyped_out_of_pocket_max_stays_none_in_a_later_year(app):
    body = spravato()
    body["coverage"]["benefits"]["next_plan_year"] = {"out_of_pocket_max": None}
    assert inputs(body).coverage.benefits.next_plan_year == pricing.YearAmounts()


# -- the secondary's eligibility check ----------------------------------------------------

def in_network(benefits):
    return {key: value for key, value in benefits.items() if key != "out_of_network"}


def test_a_coordinated_secondary_takes_its_checks_benefits(client, billing, stored_check):
    check = stored_check(SECOND_PPO)
    assert check["benefits"]["out_of_network"]  # left out for the secondary
    start = {"start_date": "2026-12-07"}
    from_check = create(client, billing, standard(benefits={}, eligibility_check=check["id"])
                        | start)
    typed = create(client, billing, standard(benefits=in_network(check["benefits"])) | start)
    same_figures(from_check, typed)
    assert Decimal(from_check["totals"]["secondary_pays"]) > 0


def test_explicit_secondary_benefits_override_the_check(client, billing, stored_check):
    check = stored_check(SECOND_PPO)
    start = {"start_date": "2026-12-07"}
    explicit = {"coinsurance": "0.50", "copays": {"office_visit": "40.00"}}
    from_check = create(client, billing, standard(benefits=explicit,
                                                  eligibility_check=check["id"]) | start)
    typed = create(client, billing, standard(
        benefits=in_network(check["benefits"]) | explicit) | start)
    same_figures(from_check, typed)


def test_the_secondary_payer_may_be_the_checks(client, billing, stored_check):
    check = stored_check(SECOND_PPO)
    body = _without(standard(benefits={}, eligibility_check=check["id"]), "payer")
    result = create(client, billing, body)
    assert session.get(Estimate, result["id"]).rule_versions["secondary_payer"]["code"] == (
        SECOND_PPO)


def test_a_reset_between_the_check_and_the_start_restarts_the_secondarys_met(
        client, billing, stored_check):
    """The check (2026-11-22) knew 400.00 met; the secondary's plan year starts again on
    2027-01-01, before the start (2027-01-04)."""
    check = stored_check(SECOND_PPO)
    assert check["benefits"]["deductible_met"] == "400.00"
    from_check = create(client, billing, standard(benefits={}, eligibility_check=check["id"]))
    typed = create(client, billing, standard(benefits=in_network(check["benefits"]) | {
        "deductible_met": "0.00"}))
    same_figures(from_check, typed)
    reset = [warning for warning in from_check["warnings"]
             if warning["code"] == "eligibility_plan_year_reset"]
    assert reset == [{"code": "eligibility_plan_year_reset", "date": "2027-01-01",
                      "payer": SECOND_PPO, "message": reset[0]["message"]}]


def test_the_checks_warnings_name_the_secondary(client, billing, stored_check):
    check = stored_check(SECOND_PPO, answer(benefit("C", "1500"), benefit("C", "2000"),
                                            benefit("A", percent="0.2")))
    start = {"start_date": "2026-12-07"}
    result = create(client, billing, standard(benefits={}, eligibility_check=check["id"])
                    | start)
    found = [w for w in result["warnings"] if w["code"].startswith("eligibility_")]
    assert [w["code"] for w in found] == ["eligibility_conflicting_benefits",
                                          "eligibility_low_confidence"]
    assert {w.get("payer") for w in found} == {SECOND_PPO}
    quiet = create(client, billing, standard(benefits={"deductible": "1500.00"},
                                             eligibility_check=check["id"]) | start)
    assert not [w for w in quiet["warnings"] if w["code"].startswith("eligibility_")]


def test_a_met_above_the_checks_total_names_the_secondarys_field(client, billing,
                                                                  stored_check):
    check = stored_check(SECOND_PPO)
    response = client.post("/api/v1/estimates", headers=billing, json=standard(
        benefits={"deductible_met": "1600.00"}, eligibility_check=check["id"]) | {
            "start_date": "2026-12-07"})
    assert errors_at(response, "coverage", "secondary", "benefits", "deductible_met") == [
        "deductible_met may not exceed deductible (1500.00 from the eligibility check)."]


@pytest.mark.parametrize("method", ["supplement", "medicaid"])
def test_a_supplement_or_medicaid_check_only_confirms_the_coverage(client, billing,
                                                                    stored_check, method):
    payer = MEDIGAP if method == "supplement" else MEDICAID
    check = stored_check(payer, answer(benefit("C", "1500"), benefit("C", "2000"),
                                       benefit("A", percent="0.2")))
    terms = SUPPLEMENT_TERMS if method == "supplement" else {"copay_per_visit": "4.00"}
    build = supplement if method == "supplement" else medicaid
    typed = create(client, billing, build(benefits=terms))
    from_check = create(client, billing, build(benefits=terms, eligibility_check=check["id"]))
    same_figures(from_check, typed)
    assert codes(from_check) == codes(typed)  # the check's figures (and warnings) unused
    named = create(client, billing, _without(build(eligibility_check=check["id"]), "payer"))
    assert session.get(Estimate, named["id"]).rule_versions["secondary_payer"]["code"] == payer


@pytest.mark.parametrize("case", ["unknown", "other payer", "inactive", "primary's check"])
def test_secondary_checks_an_estimate_cannot_use_are_422(client, billing, stored_check, case):
    body = standard(benefits={}, eligibility_check="0" * 36)
    if case == "other payer":
        body["coverage"]["secondary"]["eligibility_check"] = stored_check(MEDIGAP)["id"]
    elif case == "inactive":
        body["coverage"]["secondary"]["eligibility_check"] = stored_check(
            SECOND_PPO, answer(benefit("C", "1500"), status="6"))["id"]
    elif case == "primary's check":
        body = _without(body, "payer")
        body["coverage"]["secondary"]["eligibility_check"] = stored_check("acme-ppo")["id"]
    before = stored_count()
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert errors_at(response, "coverage", "secondary", "eligibility_check")
    assert stored_count() == before
    if case == "unknown":  # also when the payer is left out (the check would name it)
        response = client.post("/api/v1/estimates", json=_without(body, "payer"),
                               headers=billing)
        assert errors_at(response, "coverage", "secondary", "eligibility_check") == [
            "Unknown eligibility check."]


def test_the_primarys_and_the_secondarys_checks_together(client, billing, stored_check):
    primary, second = stored_check("acme-ppo"), stored_check(SECOND_PPO)
    body = standard(benefits={}, eligibility_check=second["id"]) | {"start_date": "2026-12-07"}
    body["coverage"]["eligibility_check"] = primary["id"]
    del body["coverage"]["benefits"]
    result = create(client, billing, body)
    typed = standard(benefits=in_network(second["benefits"])) | {"start_date": "2026-12-07"}
    typed["coverage"]["benefits"] = primary["benefits"]
    same_figures(result, create(client, billing, typed))
