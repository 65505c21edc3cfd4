"""Stored checks that say QMB (insurance type QM) or carry copays after the deductible, and
the estimates that use them (domain 3.2 step 7, 3.4, section 6). Figures by hand."""
from datetime import UTC, datetime

import pytest

from costapi.api.estimate_requests import load_request
from costapi.db import session
from costapi.models import EligibilityCheck
from costapi.services import eligibility
from costapi.services.estimate_rules import engine_input, load_rules
from tests.api.estimate_requests import medicare, spravato, with_secondary
from tests.eligibility.answers import CHECKS, URL, answer, benefit, request_body

pytestmark = pytest.mark.usefixtures("seeded")
CHECKED = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
START = "2026-12-07"  # in the checks' plan year (2026): their met amounts hold
QMB = benefit("1", level=None, time=None, network=None, insuranceTypeCode="QM")
PART_B = answer(benefit("C", "283"), benefit("A", percent="0.2"), QMB)
AFTER_DEDUCTIBLE = answer(
    benefit("C", "1500"), benefit("C", "1000", time="24"), benefit("A", percent="0.2"),
    benefit("B", "30", types=("98",), time="27",
            additionalInformation=[{"description": "COPAY APPLIES AFTER DEDUCTIBLE"}]))


@pytest.fixture
def stored_check(client, billing, clearinghouse):
    """A check of `payer` answering `data`, made on CHECKED."""
    def make(data, payer="acme-ppo"):
        clearinghouse.post(URL, json=data)
        response = client.post(CHECKS, json=request_body(payer=payer, refresh=True),
                               headers=billing)
        assert response.status_code == 201, response.json
        session.get(EligibilityCheck, response.json["id"]).created_at = CHECKED
        session.commit()
        return response.json
    return make


def from_check(body, check_id):
    body["start_date"] = START
    del body["coverage"]["benefits"]
    body["coverage"]["eligibility_check"] = check_id
    return body


def engine_qmb(body):
    """Whether the engine's input for `body` (built as POST /estimates builds it) is QMB."""
    request = load_request(body)
    return engine_input(request, load_rules(request)).coverage.qmb


def checked_benefits(request):
    """The benefits an estimate gets from its check, explicit fields merged over them."""
    return eligibility.estimate_benefits(request["coverage"], request["start_date"])


def create(client, billing, body):
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 201, response.json
    return response.json


def test_a_check_answers_qmb_beside_the_benefits(client, billing, stored_check):
    check = stored_check(PART_B, payer="medicare-b")
    assert check["qmb"] is True
    assert "qmb" not in check["benefits"]  # the benefits keep the estimate request's shape
    assert check["benefits"] == {"plan_year_start": "2026-01-01", "deductible": "283.00",
                                 "deductible_met": "0.00", "coinsurance": "0.20"}
    read = client.get(f"{CHECKS}/{check['id']}", headers=billing).json
    assert (read["qmb"], read["benefits"]) == (True, check["benefits"])
    plain = stored_check(answer(benefit("C", "283")), payer="medicare-b")
    assert plain["qmb"] is False


def test_a_check_stored_before_qmb_was_read_answers_false(client, billing, stored_check):
    check = stored_check(PART_B, payer="medicare-b")
    row = session.get(EligibilityCheck, check["id"])
    row.benefits = {key: value for key, value in row.benefits.items() if key != "qmb"}
    session.commit()
    assert client.get(f"{CHECKS}/{check['id']}", headers=billing).json["qmb"] is False
    assert engine_qmb(from_check(medicare(), check["id"])) is False


def test_the_checks_qmb_applies_unless_the_request_says(stored_check):
    check = stored_check(PART_B, payer="medicare-b")
    assert engine_qmb(from_check(medicare(), check["id"])) is True
    assert engine_qmb(from_check(medicare(qmb=False), check["id"])) is False
    other = stored_check(answer(benefit("C", "283")), payer="medicare-b")
    assert engine_qmb(from_check(medicare(), other["id"])) is False
    assert engine_qmb(from_check(medicare(qmb=True), other["id"])) is True


def test_a_medicaid_secondarys_check_saying_qmb_applies(stored_check):
    check = stored_check(answer(QMB), payer="state-medicaid")
    body = with_secondary(medicare(), "medicaid", eligibility_check=check["id"])
    assert engine_qmb(body) is True
    assert engine_qmb(with_secondary(medicare(qmb=False), "medicaid",
                                     eligibility_check=check["id"])) is False


def test_a_qmb_estimate_from_the_check_writes_off_the_medicare_cost_sharing(
        client, billing, stored_check):
    check = stored_check(PART_B, payer="medicare-b")
    # G2082 allowed 900.00: deductible 283.00, coinsurance (900.00 - 283.00) x 0.20 = 123.40,
    # 406.40 the patient would owe; a QMB owes none of it and no secondary pays it: the
    # clinic writes it off (3.2 step 7)
    line = create(client, billing, from_check(medicare(), check["id"]))["visits"][0]["lines"][0]
    assert (line["deductible"], line["coinsurance"], line["patient_pays"],
            line["clinic_write_off"]) == ("283.00", "123.40", "0.00", "406.40")
    typed = create(client, billing, from_check(medicare(qmb=False), check["id"]))
    line = typed["visits"][0]["lines"][0]
    assert (line["patient_pays"], line["clinic_write_off"]) == ("406.40", "0.00")


def test_a_commercial_payers_check_saying_qmb_warns_and_is_not_applied(
        client, billing, stored_check):
    check = stored_check(answer(benefit("C", "1500"), QMB))
    assert check["qmb"] is True
    assert [w["code"] for w in check["warnings"]] == ["eligibility_qmb_other_payer"]
    assert check["confidence"] == "high"
    body = from_check(spravato(), check["id"])
    assert engine_qmb(body) is False  # not a 422 about a coverage.qmb the request left out
    result = create(client, billing, body)
    assert "eligibility_qmb_other_payer" in [w["code"] for w in result["warnings"]]


def test_a_copay_after_the_deductible_from_the_check(client, billing, stored_check):
    check = stored_check(AFTER_DEDUCTIBLE)
    after = {"amount": "30.00", "after_deductible": True}
    assert check["benefits"]["copays"] == {"evaluation": after, "office_visit": after}
    assert check["confidence"] == "high"
    result = create(client, billing, from_check(spravato(), check["id"]))
    # deductible 1500.00, 1000.00 met: 500.00 left. J0013 56 x 15.58 = 872.48: deductible
    # 500.00, coinsurance (872.48 - 500.00) x 0.20 = 372.48 x 0.20 = 74.496 -> 74.50; then
    # the deductible is met: 99214 owes the 30.00 copay, 99415 and 99416 nothing (owed once
    # per visit and category)
    assert [(line["deductible"], line["copay"], line["coinsurance"])
            for line in result["visits"][0]["lines"]] == [
        ("500.00", "0.00", "74.50"), ("0.00", "30.00", "0.00"), ("0.00", "0.00", "0.00"),
        ("0.00", "0.00", "0.00")]
    typed = from_check(spravato(), check["id"])
    del typed["coverage"]["eligibility_check"]
    typed["coverage"]["benefits"] = check["benefits"]
    assert create(client, billing, typed)["totals"] == result["totals"]


def test_an_explicit_plain_copay_overrides_the_checks_copay_after_the_deductible(stored_check):
    check = stored_check(answer(
        benefit("C", "1500"),
        benefit("B", "30", types=("98",), time="27",
                additionalInformation=[{"description": "DEDUCTIBLE APPLIES"}])))
    body = from_check(spravato(), check["id"])
    body["coverage"]["benefits"] = {"copays": {"office_visit": "25.00"}}
    request = load_request(body)
    benefits, _ = checked_benefits(request)
    assert benefits["copays"]["office_visit"] == 25
    assert benefits["copays"]["evaluation"] == {"amount": 30, "after_deductible": True}
    body["coverage"]["benefits"] = {"copays": {"evaluation": {"amount": "20.00"}}}
    benefits, _ = checked_benefits(load_request(body))
    assert benefits["copays"]["evaluation"] == {"amount": 20, "after_deductible": False}
