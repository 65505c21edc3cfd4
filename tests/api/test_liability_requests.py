"""Estimate requests with signed waivers, QMB status (domain 3.2 step 7) and copays after the
deductible (3.4): the schema, the engine's inputs, and estimates over HTTP. Every figure
below is derived by hand from the seed data (fixtures/)."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from costapi import pricing
from costapi.api.estimate_requests import load_request
from costapi.db import session
from costapi.models import Estimate
from costapi.services.estimate_rules import engine_input, load_rules
from tests.api.estimate_requests import medicare, self_pay, spravato, with_secondary

pytestmark = pytest.mark.usefixtures("seeded")
AFTER = {"amount": "30.00", "after_deductible": True}
SECOND_PPO = "bluestate-hmo"  # a commercial payer other than acme-ppo, as a secondary


def stored_count():
    return session.scalar(select(func.count()).select_from(Estimate))


def errors_at(response, *path):
    assert response.status_code == 422, response.json
    node = response.json["errors"]["json"]
    for part in path:
        assert isinstance(node, dict) and part in node, (path, response.json["errors"])
        node = node[part]
    return node


def inputs(body):
    """The engine's input for a request body, as POST /estimates builds it."""
    request = load_request(body)
    return engine_input(request, load_rules(request))


def with_copays(copays, **benefits):
    body = spravato()
    body["coverage"]["benefits"].update(copays=copays, **benefits)
    return body


def _next_year_copays(copays):
    body = spravato()
    body["coverage"]["benefits"]["next_plan_year"] = {"copays": copays}
    return body


def _secondary_copays(copays):
    return with_secondary(spravato(), "standard", SECOND_PPO, benefits={
        "deductible": "500.00", "coinsurance": "0.10", "copays": copays})


def _out_of_network_copays(copays):
    body = spravato(network="out")
    body["coverage"]["benefits"]["out_of_network"] = {"deductible": "3000.00",
                                                      "copays": copays}
    return body


BENEFIT_COPAYS = ("coverage", "benefits", "copays", "office_visit")
INVALID = [
    (spravato(waiver_signed=["diagnosis", "lenience"]), ("coverage", "waiver_signed", "1"),
     ["Must be one of: policy_exclusion, diagnosis, prior_authorization_denied, "
      "visit_limit."], "unknown reason code"),
    (spravato(waiver_signed=["diagnosis", "diagnosis"]), ("coverage", "waiver_signed", "1"),
     ["'diagnosis' is listed twice."], "a reason twice"),
    (spravato(waiver_signed="yes"), ("coverage", "waiver_signed"),
     ["true, false, or a list of reason codes."], "waiver as text"),
    (spravato(waiver_signed=[1]), ("coverage", "waiver_signed", "0"), None, "code as a number"),
    (self_pay(waiver_signed=True), ("coverage", "waiver_signed"),
     ["Only for insurance coverage."], "waiver with self-pay"),
    (self_pay(waiver_signed=False), ("coverage", "waiver_signed"),
     ["Only for insurance coverage."], "waiver false with self-pay"),
    (self_pay(qmb=True), ("coverage", "qmb"), ["Only for insurance coverage."],
     "qmb with self-pay"),
    (medicare(qmb="true"), ("coverage", "qmb"), None, "qmb as text"),
    (medicare(qmb=1), ("coverage", "qmb"), None, "qmb as a number"),
    (with_copays({"office_visit": {"amount": "30.00", "colour": "red"}}),
     (*BENEFIT_COPAYS, "colour"), ["Unknown field."], "unknown key in a copay"),
    (with_copays({"office_visit": {"after_deductible": True}}), (*BENEFIT_COPAYS, "amount"),
     ["Missing data for required field."], "copay object without amount"),
    (with_copays({"office_visit": {"amount": 30, "after_deductible": True}}),
     (*BENEFIT_COPAYS, "amount"), None, "copay amount as a number"),
    (with_copays({"office_visit": {"amount": "30.00", "after_deductible": "yes"}}),
     (*BENEFIT_COPAYS, "after_deductible"), None, "after_deductible as text"),
    (with_copays({"office_visit": 30}), BENEFIT_COPAYS,
     ['A copay is an amount such as "30.00", or {"amount": "30.00", '
      '"after_deductible": true}.'], "copay as a number"),
    (with_copays({"office_visit": ["30.00"]}), BENEFIT_COPAYS, None, "copay as a list"),
    (with_copays({"office_visit": "-5.00"}), BENEFIT_COPAYS,
     ["The amount may not be negative."], "negative copay"),
    (with_copays({"massage": AFTER}), ("coverage", "benefits", "copays", "massage"), None,
     "copay object for an unknown category"),
    (_next_year_copays({"office_visit": {"amount": "30.00", "extra": 1}}),
     ("coverage", "benefits", "next_plan_year", "copays", "office_visit", "extra"),
     ["Unknown field."], "unknown key in next year's copay"),
    (_secondary_copays({"office_visit": {}}),
     ("coverage", "secondary", "benefits", "copays", "office_visit", "amount"),
     ["Missing data for required field."], "secondary copay object without amount"),
    (_out_of_network_copays({"office_visit": AFTER}),
     ("coverage", "benefits", "out_of_network", "copays"), ["Unknown field."],
     "no copays out of network"),
    (spravato(qmb=True), ("coverage", "qmb"), None, "qmb with a commercial primary (engine)"),
]


@pytest.mark.parametrize(("body", "path", "message", "case"), INVALID,
                         ids=[case[-1] for case in INVALID])
def test_an_invalid_field_is_a_422_naming_it_and_nothing_is_stored(client, billing, body, path,
                                                                  message, case):
    before = stored_count()
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    found = errors_at(response, *path)
    if message is not None:
        assert found == message
    assert stored_count() == before


# -- the engine's input -------------------------------------------------------------------

def test_copay_objects_become_pricing_copays():
    body = with_copays({"office_visit": AFTER, "evaluation": {"amount": "20.00"},
                        "psychotherapy": {"amount": "15.00", "after_deductible": False},
                        "drug": "5.00"})
    body["coverage"]["benefits"]["next_plan_year"] = {"copays": {"office_visit": {
        "amount": "35.00", "after_deductible": True}}}
    benefits = inputs(body).coverage.benefits
    assert benefits.copays == {
        "office_visit": pricing.Copay(Decimal("30.00"), after_deductible=True),
        # after_deductible left out or false: an ordinary copay, a plain amount
        "evaluation": Decimal("20.00"), "psychotherapy": Decimal("15.00"),
        "drug": Decimal("5.00")}
    assert benefits.next_plan_year.copays == {
        "office_visit": pricing.Copay(Decimal("35.00"), after_deductible=True)}


def test_a_standard_secondarys_copay_object_becomes_a_pricing_copay():
    secondary = inputs(_secondary_copays({"office_visit": AFTER})).coverage.secondary
    assert secondary.benefits.copays == {"office_visit": pricing.Copay(Decimal("30.00"))}


@pytest.mark.parametrize(("given", "expected"), [
    (None, False), (False, False), (True, True), ([], ()),
    (["diagnosis"], ("diagnosis",)),
    (["visit_limit", "policy_exclusion"], ("visit_limit", "policy_exclusion")),
])
def test_waiver_signed_reaches_the_engine(given, expected):
    body = medicare() if given is None else medicare(waiver_signed=given)
    assert inputs(body).coverage.waiver_signed == expected


@pytest.mark.parametrize(("given", "expected"), [(None, False), (False, False), (True, True)])
def test_qmb_reaches_the_engine(given, expected):
    body = medicare() if given is None else medicare(qmb=given)
    assert inputs(body).coverage.qmb is expected


# -- over HTTP ----------------------------------------------------------------------------

def create(client, billing, body):
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 201, response.json
    return response.json


def test_a_signed_waiver_makes_a_diagnosis_denial_the_patients(client, billing):
    # Original Medicare covers esketamine for F32.*/F33.* only: F41.1 is denied (diagnosis),
    # which is the clinic's without an ABN and the patient's with one (3.2 step 7).
    # G2082: cash price 1050.00 x 1 unit, every visit.
    waived = create(client, billing, medicare(diagnosis_codes=["F41.1"],
                                              waiver_signed=["diagnosis"]))
    line = waived["visits"][0]["lines"][0]
    assert (line["service"], line["covered"], line["reason"]) == ("G2082", False, "diagnosis")
    assert (line["liability"], line["patient_pays"], line["not_covered"],
            line["clinic_write_off"]) == ("patient", "1050.00", "1050.00", "0.00")
    unsigned = create(client, billing, medicare(diagnosis_codes=["F41.1"]))
    line = unsigned["visits"][0]["lines"][0]
    assert (line["liability"], line["patient_pays"], line["not_covered"],
            line["clinic_write_off"]) == ("clinic", "0.00", "0.00", "1050.00")
    # a waiver for another reason does not shift this one
    other = create(client, billing, medicare(diagnosis_codes=["F41.1"],
                                             waiver_signed=["visit_limit"]))
    assert other["visits"][0]["lines"][0]["liability"] == "clinic"


def test_a_copay_after_the_deductible(client, billing):
    # Acme PPO, spravato 56 mg: J0013 x 56 at 15.58 = 872.48 (drug, coinsurance 0.20),
    # 99214 154.58, 99415 23.60 and 99416 11.43 (office_visit, copay 30.00 after the
    # deductible); deductible 1500.00, none met.
    result = create(client, billing, with_copays({"office_visit": AFTER}))
    visits = [[(line["service"], line["deductible"], line["copay"], line["coinsurance"],
                line["patient_pays"]) for line in visit["lines"]]
              for visit in result["visits"][:3]]
    assert visits[0] == [
        ("J0013", "872.48", "0.00", "0.00", "872.48"),  # 627.52 of the deductible left
        ("99214", "154.58", "0.00", "0.00", "154.58"),  # 472.94 left: no copay yet
        ("99415", "23.60", "0.00", "0.00", "23.60"),    # 449.34 left
        ("99416", "11.43", "0.00", "0.00", "11.43"),    # 437.91 left
    ]
    assert visits[1] == [
        # 437.91 meets the deductible; (872.48 - 437.91) x 0.20 = 434.57 x 0.20 = 86.91
        ("J0013", "437.91", "0.00", "86.91", "524.82"),
        ("99214", "0.00", "30.00", "0.00", "30.00"),  # the deductible is met: the copay
        ("99415", "0.00", "0.00", "0.00", "0.00"),    # owed once per visit and category
        ("99416", "0.00", "0.00", "0.00", "0.00"),
    ]
    assert visits[2] == [
        ("J0013", "0.00", "0.00", "174.50", "174.50"),  # 872.48 x 0.20 = 174.496
        ("99214", "0.00", "30.00", "0.00", "30.00"),
        ("99415", "0.00", "0.00", "0.00", "0.00"),
        ("99416", "0.00", "0.00", "0.00", "0.00"),
    ]
    # the same copay as a plain amount is owed from the first visit, outside the deductible
    plain = create(client, billing, with_copays({"office_visit": {"amount": "30.00"}}))
    assert [line["patient_pays"] for line in plain["visits"][0]["lines"]] == [
        "872.48", "30.00", "0.00", "0.00"]
