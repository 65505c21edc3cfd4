"""Bodies that cost more than they are worth are refused cheaply (bodies.py): numbers too long
for Python's int (a 500 before), a large body on the public routes, unknown fields and long
lists before any deep walk."""
import json
import statistics
import time

import pytest

from costapi.api.bodies import MAX_LIST_ITEMS, PUBLIC_BODY_LIMIT
from tests.api.estimate_requests import spravato, with_patient

PUBLIC = "/api/v1/public/estimate"
HUGE = "9" * 5000  # past Python's 4,300-digit limit on integer text
JSON = "application/json"


def post_text(client, path, text, headers=None):
    return client.post(path, data=text, content_type=JSON, headers=headers or {})


def median_seconds(send, times=5):
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        response = send()
        seconds.append(time.perf_counter() - started)
    return response, statistics.median(seconds)


def assert_json_error(response, *codes):
    assert response.status_code in codes, (response.status_code, response.data[:300])
    assert response.is_json and response.json["code"] == response.status_code


@pytest.mark.parametrize("path, role, body, field", [
    pytest.param(PUBLIC, None, {"plan": "spravato-56-commercial"}, "deductible", id="public"),
    pytest.param("/api/v1/estimates/preview", "billing", spravato(), "plan", id="preview"),
    pytest.param("/api/v1/estimates", "billing", with_patient(spravato()), "plan", id="create"),
    pytest.param("/api/v1/estimates/search", "billing", {}, "patient_reference", id="search"),
])
def test_a_huge_integer_is_a_422_naming_its_field(client, seeded, billing, path, role, body,
                                                  field):
    text = json.dumps({**body, field: "HERE"}).replace('"HERE"', HUGE)
    response = post_text(client, path, text, billing if role else None)
    assert_json_error(response, 422)
    assert "Number too long" in response.json["errors"]["json"][field][0]
    assert HUGE[:50] not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/estimates/compare", "/api/v1/payers",
                                  "/api/v1/estimates/preview"])
@pytest.mark.parametrize("text", [HUGE, f"[{HUGE}]", f'{{"a": {{"b": [1, -{HUGE}]}}}}',
                                  '{"x": 1.' + "5" * 5000 + "}", '{"x": 1e99999}'])
def test_a_number_too_long_anywhere_is_never_a_500(client, admin, path, text):
    response = post_text(client, path, text, admin)
    assert_json_error(response, 400, 403, 422)


def test_a_nested_huge_integer_is_named_where_it_is(client, billing):
    text = '{"options": [{}, {"plan": ' + HUGE + '}]}'
    response = post_text(client, "/api/v1/estimates/compare", text, billing)
    assert_json_error(response, 422)
    assert response.json["errors"]["json"]["options"]["1"]["plan"]


def test_a_big_public_body_is_a_413_from_its_content_length_in_well_under_20_ms(client):
    body = json.dumps({"plan": [[]] * 550_000})[: int(1.95 * 1024 * 1024)].encode()
    assert len(body) == int(1.95 * 1024 * 1024)
    response, seconds = median_seconds(lambda: post_text(client, PUBLIC, body))
    assert_json_error(response, 413)
    assert seconds < 0.020, seconds


def test_a_public_body_under_the_limit_still_works(client, seeded):
    body = {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
            "coverage": "self_pay"}
    assert len(json.dumps(body)) < PUBLIC_BODY_LIMIT
    assert client.post(PUBLIC, json=body).status_code == 200


@pytest.mark.parametrize("path, role, body", [
    pytest.param(PUBLIC, None, {f"field_{n}": n for n in range(900)}, id="public-unknown"),
    pytest.param(PUBLIC, None, {"plan": [0] * 5000}, id="public-list"),
    pytest.param("/api/v1/estimates/preview", "billing",
                 {f"field_{n}": [] for n in range(100_000)}, id="preview-unknown"),
    pytest.param("/api/v1/estimates/preview", "billing", {"visit": [[]] * 500_000},
                 id="preview-list"),
    pytest.param("/api/v1/estimates/compare", "billing",
                 {"options": [[[[]] * 99] * 99] * 50}, id="compare-wide"),
])
def test_unknown_fields_and_long_lists_are_a_quick_422(client, billing, path, role, body):
    text = json.dumps(body).encode()
    limit = PUBLIC_BODY_LIMIT if path == PUBLIC else 2 * 1024 * 1024
    assert len(text) <= limit, len(text)
    response, seconds = median_seconds(
        lambda: post_text(client, path, text, billing if role else None))
    assert_json_error(response, 422)
    errors = response.json["errors"]["json"]
    assert len(json.dumps(errors)) < 4096  # a short answer, not one line per value
    if path == PUBLIC:  # staff bodies up to 2 MiB cost their JSON decoding: bench, not here
        assert seconds < 0.020, seconds


def test_a_list_at_the_cap_reaches_the_schema(client, billing):
    response = post_text(client, "/api/v1/estimates/preview",
                         json.dumps({"programs": ["x"] * MAX_LIST_ITEMS}), billing)
    assert_json_error(response, 422)
    assert "Too many items" not in json.dumps(response.json)
