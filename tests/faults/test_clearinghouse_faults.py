"""The clearinghouse hangs, refuses, answers garbage or redirects: on real sockets, through
the HTTP API (tests/eligibility covers the same failures with requests-mock).

Every failure is a bounded wait and a JSON 502/504 that names no patient, and estimates with
the benefits typed in keep working while a check waits.
"""
import json
import threading

import pytest

from tests.api.estimate_requests import spravato, with_patient
from tests.eligibility.answers import CHECKS, example, request_body
from tests.faults.conftest import Timer, app_on, bearer
from tests.faults.sockets import (
    FakeClearinghouse,
    answers_json,
    never_answers,
    not_http,
    redirects_to,
    trickles,
)

PHI = ("W123456789", "Jane", "Doe", "1985-02-14", "19850214")
READ_TIMEOUT = 0.5


@pytest.fixture
def configure(app, monkeypatch):
    def configure(url, **settings):
        monkeypatch.setitem(app.config, "ELIGIBILITY_API_URL", url)
        monkeypatch.setitem(app.config, "ELIGIBILITY_API_KEY", "faults-key")
        for name, value in {"READ_TIMEOUT": READ_TIMEOUT, "CONNECT_TIMEOUT": 0.5,
                            "TOTAL_TIMEOUT": 3.0, **settings}.items():
            monkeypatch.setitem(app.config, f"ELIGIBILITY_{name}", value)

    return configure


def check(client, billing, **changes):
    with Timer() as timer:
        response = client.post(CHECKS, json=request_body(**changes), headers=billing)
    return response, timer.seconds


def assert_failure(response, status, seconds, bound):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json and response.json["code"] == status
    assert "by hand" in response.json["message"]  # tells staff what to do meanwhile
    for value in PHI:
        assert value not in response.get_data(as_text=True)
    assert seconds < bound, seconds


@pytest.mark.usefixtures("seeded")
def test_a_clearinghouse_that_never_answers_is_504_after_the_read_timeout(
        client, billing, configure):
    with FakeClearinghouse(never_answers) as server:
        configure(server.url)
        response, seconds = check(client, billing)
    assert_failure(response, 504, seconds, READ_TIMEOUT + 1.0)
    assert seconds >= READ_TIMEOUT
    assert len(server.requests) == 1  # a read timeout is not retried (the payer may have it)
    assert b"W123456789" in server.requests[0]


@pytest.mark.usefixtures("seeded")
def test_a_clearinghouse_that_refuses_connections_is_502_after_bounded_retries(
        client, billing, configure):
    server = FakeClearinghouse(never_answers)
    server.close()  # nothing listens on its port any more: connection refused
    configure(server.url)
    response, seconds = check(client, billing)
    assert_failure(response, 502, seconds, 1.0)
    assert "could not be reached" in response.json["message"]


@pytest.mark.usefixtures("seeded")
def test_an_answer_that_is_not_http_is_502(client, billing, configure):
    with FakeClearinghouse(not_http) as server:
        configure(server.url)
        response, seconds = check(client, billing)
    assert_failure(response, 502, seconds, 1.5)
    assert len(server.requests) == 3  # a broken connection is retried: 1 + 2 retries


GARBAGE = {
    "a JSON array": [],
    "a JSON string": "ok",
    "an empty object": {},
    "entries that are not objects": {"benefitsInformation": [1, "x", None, [], True]},
    "numbers where text belongs": {**example(), "planStatus": 7, "planDateInformation": 5},
    "amounts that are not amounts": {"benefitsInformation": [
        {"code": "C", "benefitAmount": "1e999"}, {"code": "G", "benefitAmount": "NaN"},
        {"code": "A", "benefitPercent": -3}, {"code": "C", "benefitAmount": "-1500"}]},
}
NOT_STORABLE = {
    "NaN and Infinity (not JSON, but Python reads them)":
        json.dumps({**example(), "x": float("nan"), "y": float("inf")}).encode(),
    "a nul character in the plan name": {**example(), "benefitsInformation": [
        {"code": "1", "serviceTypeCodes": ["30"], "planCoverage": "GOLD\u0000PPO"}]},
}


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("payload", [
    *GARBAGE.values(),
    *NOT_STORABLE.values()],
    ids=[*GARBAGE, *NOT_STORABLE])
def test_garbage_json_is_a_502_or_a_low_confidence_check_never_a_500(
        client, billing, configure, payload):
    with FakeClearinghouse(answers_json(payload)) as server:
        configure(server.url)
        response, _ = check(client, billing)
    assert response.status_code in (201, 502), response.get_data(as_text=True)[:500]
    assert response.is_json
    if response.status_code == 201:
        assert response.json["status"] in ("active", "inactive")


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("field", ["inPlanNetworkIndicatorCode", "timeQualifierCode"])
def test_an_entry_with_a_list_for_a_code_is_not_a_500(client, billing, configure, field):
    answer = example()
    for entry in answer["benefitsInformation"]:
        entry[field] = []
    with FakeClearinghouse(answers_json(answer)) as server:
        configure(server.url)
        response, _ = check(client, billing)
    assert response.status_code in (201, 502), response.status_code


@pytest.mark.usefixtures("seeded")
def test_an_answer_trickled_a_byte_at_a_time_is_cut_at_the_total_timeout(
        client, billing, configure):
    with FakeClearinghouse(trickles(seconds=3.0)) as server:
        configure(server.url, TOTAL_TIMEOUT=1.0)
        response, seconds = check(client, billing)
    assert seconds < 1.0 + 1.0, f"the check took {seconds:.1f} s"
    assert response.status_code == 504


@pytest.mark.usefixtures("seeded")
def test_a_redirect_does_not_send_the_member_elsewhere(client, billing, configure):
    with FakeClearinghouse(answers_json(example())) as elsewhere, \
            FakeClearinghouse(redirects_to(elsewhere.url)) as server:
        configure(server.url)
        response, _ = check(client, billing)
    assert len(server.requests) >= 1
    assert elsewhere.requests == [], "the 270 with the member's identity went to the redirect"
    assert response.status_code == 502


@pytest.mark.no_db_transaction
def test_estimates_with_typed_in_benefits_work_while_a_check_hangs(scratch):
    """Two real connections: the waiting check holds no transaction (on SQLite it would block
    every writer) and no lock the estimate needs."""
    url, keys = scratch
    billing = bearer(keys["billing"])
    with FakeClearinghouse(never_answers) as server, \
            app_on(url, ELIGIBILITY_API_URL=server.url, ELIGIBILITY_READ_TIMEOUT=3.0,
                   ELIGIBILITY_TOTAL_TIMEOUT=5.0) as (app, _engine):
        outcome = {}

        def hanging_check():
            with Timer() as timer:
                response = app.test_client().post(CHECKS, json=request_body(), headers=billing)
            outcome.update(status=response.status_code, seconds=timer.seconds)

        waiting = threading.Thread(target=hanging_check)
        waiting.start()
        assert server.received.wait(5), "the check never reached the clearinghouse"
        client = app.test_client()
        with Timer() as timer:
            estimate = client.post("/api/v1/estimates", json=with_patient(spravato()),
                                   headers=billing)
        assert estimate.status_code == 201, estimate.json
        assert timer.seconds < 2.0 and "status" not in outcome  # the check still waits
        assert client.get(f"/api/v1/estimates/{estimate.json['id']}",
                          headers=billing).status_code == 200
        waiting.join(10)
    assert outcome["status"] == 504 and outcome["seconds"] < 4.0, outcome
    assert json.loads(server.requests[0])["subscriber"]["memberId"] == "W123456789"
