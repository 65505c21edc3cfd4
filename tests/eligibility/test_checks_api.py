"""POST/GET /api/v1/eligibility/checks through the Flask test client; the clearinghouse is
requests-mock."""
import logging
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from costapi.db import session
from costapi.models import EligibilityCheck, Payer
from tests.eligibility.answers import (
    CHECKS,
    URL,
    aaa,
    example,
    example_x12,
    reply,
    request_body,
)

pytestmark = pytest.mark.usefixtures("seeded")
PHI = ("W123456789", "Jane", "Doe", "1985-02-14", "19850214")


def post(client, headers, **changes):
    return client.post(CHECKS, json=request_body(**changes), headers=headers)


def test_a_check_is_stored_and_returned(client, billing, clearinghouse, caplog, form):
    clearinghouse.post(URL, **reply(form))
    with caplog.at_level(logging.DEBUG):
        response = post(client, billing)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["payer"], body["status"], body["plan_name"]) == ("acme-ppo", "active", "GOLD PPO")
    assert (body["reused"], body["confidence"], body["service_type"]) == (False, "low", "MH")
    assert body["benefits"]["deductible"] == "1500.00"
    assert body["benefits"]["copays"] == {"evaluation": "30.00", "office_visit": "30.00"}
    assert body["benefits"]["coinsurance"] == "0.20"
    assert body["prior_authorization_required"] == ["A7"]
    assert {w["code"] for w in body["warnings"]} >= {"eligibility_low_confidence"}
    assert body["created_at"] and body["plan_begin"] == "2025-01-01"

    sent = clearinghouse.last_request
    assert sent.headers["Authorization"] == "test-clearinghouse-key"
    stored = session.get(EligibilityCheck, body["id"])
    if form == "x12":
        assert sent.headers["Content-Type"] == "application/edi-x12"
        text = sent.body.decode()
        assert text.startswith("ISA*") and "ST*270*" in text and "EQ*MH^30~" in text
        assert "NM1*IL*1*DOE*JANE****MI*W123456789~" in text and "DMG*D8*19850214~" in text
        assert stored.raw_answer["x12"] == example_x12()  # the 271 as received
    else:
        assert stored.raw_answer == example()
    assert stored.member_id == "W123456789"
    assert client.get(f"{CHECKS}/{body['id']}", headers=billing).json == body
    for value in PHI:
        assert value not in caplog.text
        assert value not in response.get_data(as_text=True)
    if form == "json":
        assert_json_request(sent)


def assert_json_request(sent):
    assert sent.json() == {
        "controlNumber": sent.json()["controlNumber"], "tradingPartnerServiceId": "60054",
        "provider": {"organizationName": "Example Ketamine Clinic", "npi": "1999999984"},
        "subscriber": {"memberId": "W123456789", "firstName": "Jane", "lastName": "Doe",
                       "dateOfBirth": "19850214"},
        "encounter": {"serviceTypeCodes": ["MH", "30"]}}
    assert len(sent.json()["controlNumber"]) == 9


def test_a_fresh_check_is_reused(app, client, billing, clearinghouse, monkeypatch):
    clearinghouse.post(URL, json=example())
    first = post(client, billing).json
    again = post(client, billing, member_id="w123456789", first_name="JANE ")
    assert again.status_code == 200 and again.json["reused"] is True
    assert again.json["id"] == first["id"] and clearinghouse.call_count == 1

    assert post(client, billing, service_type="A6").status_code == 201  # another service type
    assert post(client, billing, network="out").status_code == 201
    assert post(client, billing, first_name="Janet").status_code == 201  # another member
    assert post(client, billing, refresh=True).status_code == 201
    assert clearinghouse.call_count == 5

    for row in session.scalars(select(EligibilityCheck)):
        row.created_at -= timedelta(days=2)  # outside the 24 h window
    session.commit()
    assert post(client, billing).status_code == 201
    monkeypatch.setitem(app.config, "ELIGIBILITY_REUSE_MINUTES", 0)
    assert post(client, billing).status_code == 201
    assert clearinghouse.call_count == 7


def test_unknown_check_is_404(client, billing):
    response = client.get(f"{CHECKS}/no-such-check", headers=billing)
    assert response.status_code == 404 and response.json["code"] == 404
    assert response.json["error"] == "not_found"


@pytest.mark.parametrize(("changes", "field"), [
    ({"payer": "nobody"}, "payer"),
    ({"member_id": "W1 23"}, "member_id"),
    ({"date_of_birth": "14/02/1985"}, "date_of_birth"),
    ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
    ({"first_name": "  "}, "first_name"),
    ({"last_name": "Doe*"}, "last_name"),
    ({"service_type": "ZZ"}, "service_type"),
    ({"network": "both"}, "network"),
    ({"ssn": "123-45-6789"}, "ssn"),
], ids=lambda value: value if isinstance(value, str) else None)
def test_invalid_requests_are_422(client, billing, clearinghouse, changes, field):
    response = post(client, billing, **changes)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert clearinghouse.call_count == 0
    for value in PHI:
        assert value not in response.get_data(as_text=True)


def test_a_birth_date_before_1900_or_after_today_is_implausible(client, billing, clearinghouse):
    for born in ("1899-12-31", "2999-01-01"):
        response = post(client, billing, date_of_birth=born)
        assert response.json["errors"] == {"json": {"date_of_birth": [
            "Not a plausible date of birth."]}}, born
    assert clearinghouse.call_count == 0


def test_a_payer_without_an_eligibility_payer_id_is_422(client, billing, clearinghouse):
    session.add(Payer(code="cash-friendly", name="No EDI", kind="other"))
    session.commit()
    response = post(client, billing, payer="cash-friendly")
    assert response.status_code == 422
    assert "eligibility_payer_id" in response.json["errors"]["json"]["payer"][0]


def test_not_configured_is_503(client, billing):
    response = post(client, billing)
    assert response.status_code == 503
    assert "ELIGIBILITY_API_URL" in response.json["message"]


def test_only_billing_and_admin_may_check(client, website, admin, clearinghouse):
    clearinghouse.post(URL, json=example())
    assert post(client, website).status_code == 403
    assert post(client, {}).status_code == 401
    assert post(client, admin).status_code == 201


@pytest.mark.parametrize(("code", "fields"), [
    ("75", ["member_id"]), ("72", ["member_id"]), ("73", ["first_name", "last_name"]),
    ("71", ["date_of_birth"]),
])
def test_aaa_rejections_the_user_corrects_are_422(client, billing, clearinghouse, sleeps,
                                                  code, fields, form):
    clearinghouse.post(URL, **reply(form, code=code,
                                    description="Subscriber W123456789 DOE not found"))
    response = post(client, billing)
    assert response.status_code == 422
    assert sorted(response.json["errors"]["json"]) == fields
    assert f"AAA {code}" in response.json["message"]
    assert "W123456789" not in response.get_data(as_text=True)  # the echo is redacted
    assert "DOE" not in response.json["message"]
    assert clearinghouse.call_count == 1 and sleeps == []  # never retried


def test_aaa_42_then_success_is_retried(client, billing, clearinghouse, sleeps, form):
    clearinghouse.post(URL, [reply(form, code="42"), reply(form)])
    assert post(client, billing).status_code == 201
    assert clearinghouse.call_count == 2 and sleeps == [0.0]  # no backoff in tests


@pytest.mark.parametrize("code", ["42", "41", "43", "79"])
def test_aaa_the_user_cannot_correct_are_502(client, billing, clearinghouse, sleeps, code,
                                             form):
    clearinghouse.post(URL, **reply(form, code=code,
                                    description="Authorization/Access Restrictions"))
    response = post(client, billing)
    assert response.status_code == 502 and f"AAA {code}" in response.json["message"]
    assert clearinghouse.call_count == (3 if code == "42" else 1)


def test_429_is_passed_on_with_retry_after(client, billing, clearinghouse, sleeps):
    clearinghouse.post(URL, status_code=429, headers={"Retry-After": "3"})
    response = post(client, billing)
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    assert response.json["code"] == 429 and response.json["status"] == "Too Many Requests"
    assert clearinghouse.call_count == 3 and sleeps == [3.0, 3.0]


def test_503_three_times_is_502(client, billing, clearinghouse, sleeps):
    clearinghouse.post(URL, status_code=503)
    response = post(client, billing)
    assert response.status_code == 502 and "HTTP 503" in response.json["message"]
    assert clearinghouse.call_count == 3


def test_a_read_timeout_is_504(client, billing, clearinghouse):
    clearinghouse.post(URL, exc=requests.ReadTimeout)
    response = post(client, billing)
    assert response.status_code == 504 and "by hand" in response.json["message"]
    assert clearinghouse.call_count == 1


def test_a_body_that_is_not_json_is_502(client, billing, clearinghouse):
    clearinghouse.post(URL, text="<html>oops</html>", headers={"Content-Type": "text/html"})
    response = post(client, billing)
    assert response.status_code == 502 and "not JSON" in response.json["message"]


def test_http_200_with_errors_stores_nothing(client, billing, clearinghouse):
    clearinghouse.post(URL, status_code=200, json=aaa("75", "Subscriber/Insured Not Found"))
    assert post(client, billing).status_code == 422
    assert session.scalars(select(EligibilityCheck)).first() is None


def test_inactive_coverage_is_a_stored_check(client, billing, clearinghouse, form):
    clearinghouse.post(URL, **reply(form, "inactive"))
    response = post(client, billing)
    assert response.status_code == 201
    assert response.json["status"] == "inactive" and response.json["benefits"] == {}


def test_purge_forgets_old_raw_answers_and_keeps_benefits(app, client, billing, clearinghouse,
                                                         form):
    clearinghouse.post(URL, **reply(form))
    old = post(client, billing).json["id"]
    recent = post(client, billing, refresh=True).json["id"]
    session.get(EligibilityCheck, old).created_at -= timedelta(days=31)
    session.commit()
    result = app.test_cli_runner().invoke(args=["eligibility", "purge"])
    assert result.exit_code == 0 and "purged 1 raw answers older than 30 days" in result.output
    session.expire_all()
    purged, kept = session.get(EligibilityCheck, old), session.get(EligibilityCheck, recent)
    assert purged.raw_answer is None and purged.raw_purged_at is not None
    assert kept.raw_answer is not None
    assert client.get(f"{CHECKS}/{old}", headers=billing).json["benefits"]["deductible"] == (
        "1500.00")
    assert "purged 1 " in app.test_cli_runner().invoke(
        args=["eligibility", "purge", "--days", "0"]).output


@pytest.mark.parametrize(("body", "words"), [
    ("ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*117151744      *251122*1200*^*"
     "00501*000000123*0*P*:~TA1*000000123*251122*1200*R*006~IEA*0*000000123~", "rejected the 270"),
    ("ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*117151744      *251122*1200*^*"
     "00501*000000123*0*P*:~GS*FA*A*B*20251122*1200*1*X*005010X231A1~ST*999*0001*005010X231A1~"
     "AK1*HS*1*005010X279A1~AK9*R*1*1*0~SE*4*0001~GE*1*1~IEA*1*000000123~", "rejected the 270"),
    (example_x12().replace("SE*31*0001", "SE*31*0002"), "SE at segment"),
    (example_x12().replace("EB*C*IND*30***23*1500", "EB*C*IND*30***23*15X0"), "EB at segment"),
    ("<html>W123456789</html>", "not an X12 271"),
])
def test_an_x12_answer_that_is_no_271_is_502(app, client, billing, clearinghouse, sleeps,
                                             monkeypatch, body, words):
    monkeypatch.setitem(app.config, "ELIGIBILITY_FORMAT", "x12")
    clearinghouse.post(URL, text=body)
    response = post(client, billing)
    assert response.status_code == 502 and words in response.json["message"], response.json
    assert "W123456789" not in response.get_data(as_text=True)
    assert clearinghouse.call_count == 1
