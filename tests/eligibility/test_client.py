"""The clearinghouse client with requests-mock: retries, waits, timeouts, bad answers."""
import pytest
import requests

from costapi.eligibility.client import (
    Clearinghouse,
    ClearinghouseError,
    RateLimited,
    Rejected,
    Settings,
    TimedOut,
    retry_after,
)
from tests.eligibility.answers import URL, aaa, example

BODY = {"controlNumber": "000000001", "subscriber": {"memberId": "W123456789"}}


@pytest.fixture
def waits():
    return []


@pytest.fixture
def make(waits):
    def make(**changes):
        settings = Settings(url=URL, api_key="secret-key", backoff=0.5, **changes)
        return Clearinghouse(settings, sleep=waits.append)
    return make


def test_a_good_answer(requests_mock, make):
    requests_mock.post(URL, json=example())
    assert make(read_timeout=12.0).check(BODY)["planStatus"][0]["planDetails"] == "GOLD PPO"
    sent = requests_mock.last_request
    assert sent.json() == BODY
    assert sent.headers["Authorization"] == "secret-key"
    assert sent.timeout == (3.05, 12.0)


def test_aaa_75_is_not_retried(requests_mock, make, waits):
    requests_mock.post(URL, json=aaa("75", "Subscriber/Insured Not Found"))
    with pytest.raises(Rejected) as raised:
        make().check(BODY)
    assert raised.value.code == "75"
    assert "Subscriber/Insured Not Found" in raised.value.reason
    assert requests_mock.call_count == 1 and waits == []


def test_aaa_42_then_an_answer_is_retried_with_backoff(requests_mock, make, waits):
    requests_mock.post(URL, [{"json": aaa("42", "Unable to Respond at Current Time")},
                             {"json": example()}])
    assert make().check(BODY)["benefitsInformation"]
    assert requests_mock.call_count == 2
    assert len(waits) == 1 and 0.25 <= waits[0] <= 0.5  # 0.5 s base, half of it jittered


def test_aaa_42_to_the_end_is_a_rejection(requests_mock, make, waits):
    requests_mock.post(URL, json=aaa("42", "Unable to Respond at Current Time"))
    with pytest.raises(Rejected) as raised:
        make(max_retries=3).check(BODY)
    assert raised.value.code == "42" and requests_mock.call_count == 4
    assert 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0 and 1.0 <= waits[2] <= 2.0


def test_a_final_aaa_code_wins_over_a_retryable_one(requests_mock, make):
    requests_mock.post(URL, json={"errors": [{"code": "42"}, {"code": "72",
                                                              "description": "Invalid Member ID"}]})
    with pytest.raises(Rejected) as raised:
        make().check(BODY)
    assert raised.value.code == "72" and requests_mock.call_count == 1


def test_429_honours_retry_after(requests_mock, make, waits):
    requests_mock.post(URL, [{"status_code": 429, "headers": {"Retry-After": "2"}},
                             {"json": example()}])
    make().check(BODY)
    assert waits == [2.0] and requests_mock.call_count == 2


def test_429_with_a_long_retry_after_ends_at_once(requests_mock, make, waits):
    requests_mock.post(URL, status_code=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as raised:
        make().check(BODY)
    assert raised.value.retry_after == 120.0
    assert requests_mock.call_count == 1 and waits == []


def test_503_three_times_is_a_bad_gateway(requests_mock, make, waits):
    requests_mock.post(URL, status_code=503, json={"message": "Service Unavailable"})
    with pytest.raises(ClearinghouseError) as raised:
        make().check(BODY)
    assert type(raised.value) is ClearinghouseError
    assert raised.value.reason == "HTTP 503: Service Unavailable"
    assert requests_mock.call_count == 3 and len(waits) == 2


def test_a_504_is_a_timeout_after_the_retries(requests_mock, make):
    requests_mock.post(URL, status_code=504)
    with pytest.raises(TimedOut):
        make().check(BODY)
    assert requests_mock.call_count == 3


def test_a_read_timeout_is_not_retried(requests_mock, make, waits):
    requests_mock.post(URL, exc=requests.ReadTimeout)
    with pytest.raises(TimedOut) as raised:
        make(read_timeout=20.0).check(BODY)
    assert "20 s" in raised.value.reason
    assert requests_mock.call_count == 1 and waits == []


def test_a_connect_timeout_is_retried(requests_mock, make):
    requests_mock.post(URL, [{"exc": requests.ConnectTimeout}, {"json": example()}])
    assert make().check(BODY)
    requests_mock.post(URL, exc=requests.ConnectionError)
    with pytest.raises(ClearinghouseError, match="could not be reached"):
        make().check(BODY)


def test_no_retry_past_the_total_time(requests_mock, make, waits):
    requests_mock.post(URL, status_code=503)
    with pytest.raises(ClearinghouseError):
        make(total_timeout=0.0).check(BODY)
    assert requests_mock.call_count == 1 and waits == []
    assert requests_mock.last_request.timeout == (3.05, 1.0)


def test_a_body_that_is_not_json(requests_mock, make):
    requests_mock.post(URL, text="<html>Bad Gateway</html>")
    with pytest.raises(ClearinghouseError, match="not JSON"):
        make().check(BODY)
    assert requests_mock.call_count == 1


@pytest.mark.parametrize(("status", "payload", "message"), [
    (400, {"message": "tradingPartnerServiceId is required"}, "HTTP 400: tradingPartner"),
    (401, {"message": "Unauthorized"}, "ELIGIBILITY_API_KEY"),
    (200, ["not", "an", "object"], "not a 271 object"),
], ids=["400", "401", "200-list"])
def test_other_refusals_are_not_retried(requests_mock, make, status, payload, message):
    requests_mock.post(URL, status_code=status, json=payload)
    with pytest.raises(ClearinghouseError) as raised:
        make().check(BODY)
    assert type(raised.value) is ClearinghouseError and message in raised.value.reason
    assert requests_mock.call_count == 1


def test_a_400_with_aaa_errors_is_a_rejection(requests_mock, make):
    requests_mock.post(URL, status_code=400, json=aaa("73", "Invalid/Missing Subscriber Name"))
    with pytest.raises(Rejected) as raised:
        make().check(BODY)
    assert raised.value.code == "73"


def test_retry_after_values():
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past
    assert retry_after("soon") is None and retry_after(None) is None
    assert retry_after("nan") is None and retry_after("-4") == 0.0
