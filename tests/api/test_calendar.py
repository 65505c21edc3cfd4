"""The clinic calendar through HTTP: rule data (GET/PUT, ETag, history, 422s) and estimates.

Weekdays used: 2027-01-02 is a Saturday, 2027-01-04 and 2027-03-01 Mondays.
"""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from costapi.db import session
from costapi.fixtures import load_fixtures
from costapi.models import Estimate
from costapi.models.calendar import CLINIC_CALENDAR, Calendar
from costapi.services import calendar as clinic_calendar
from tests.api import samples

URL = "/api/v1/calendar"
MON_FRI = ["mon", "tue", "wed", "thu", "fri"]


def body(open_days=None, closed_dates=None):
    return {"open_days": MON_FRI if open_days is None else open_days,
            "closed_dates": [] if closed_dates is None else closed_dates}


def rows():
    return session.scalars(select(Calendar).where(Calendar.code == CLINIC_CALENDAR)
                           .order_by(Calendar.version)).all()


def test_without_a_stored_calendar_get_returns_the_default_with_an_etag(client, billing):
    response = client.get(URL, headers=billing)
    assert response.status_code == 200
    assert response.json == {"open_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                             "closed_dates": []}
    assert response.headers["ETag"]


def test_put_needs_if_match_creates_then_replaces_and_keeps_history(client, admin, billing):
    default = client.get(URL, headers=billing)
    assert client.put(URL, json=body(), headers=admin).status_code == 428
    created = client.put(URL, json=body(closed_dates=["2027-12-24", "2027-01-18"]),
                         headers={**admin, "If-Match": default.headers["ETag"]})
    assert created.status_code == 200, created.json
    assert created.json == {"open_days": MON_FRI, "closed_dates": ["2027-01-18", "2027-12-24"]}
    assert created.headers["ETag"] != default.headers["ETag"]
    read = client.get(URL, headers=billing)
    assert read.json == created.json and read.headers["ETag"] == created.headers["ETag"]

    # the default's ETag is stale once a calendar is stored
    stale = client.put(URL, json=body(), headers={**admin, "If-Match": default.headers["ETag"]})
    assert stale.status_code == 412
    # days given out of order are stored in week order
    replaced = client.put(URL, json=body(open_days=["sat", "mon"]),
                          headers={**admin, "If-Match": read.headers["ETag"]})
    assert replaced.status_code == 200
    assert replaced.json == {"open_days": ["mon", "sat"], "closed_dates": []}
    star = client.put(URL, json=body(), headers={**admin, "If-Match": "*"})
    assert star.status_code == 200

    history = rows()
    assert [row.version for row in history] == [1, 2, 3]
    assert [row.superseded_at is None for row in history] == [False, False, True]
    assert history[0].closed_dates == ["2027-01-18", "2027-12-24"]


def test_if_match_star_creates_the_first_calendar(client, admin):
    assert client.put(URL, json=body(), headers={**admin, "If-Match": "*"}).status_code == 200
    assert len(rows()) == 1


def test_billing_may_read_but_not_write(client, billing):
    response = client.put(URL, json=body(), headers={**billing, "If-Match": "*"})
    assert response.status_code == 403


@pytest.mark.parametrize(("data", "field"), [
    (body(open_days=[]), "open_days"),
    (body(open_days=["mon", "mon"]), "open_days"),
    (body(open_days=["monday"]), "open_days"),
    ({"closed_dates": []}, "open_days"),
    (body(closed_dates=["2027-02-30"]), "closed_dates"),
    (body(closed_dates=["2027-01-18", "2027-01-18"]), "closed_dates"),
    (body(closed_dates=[(date(2026, 1, 1) + timedelta(days=i)).isoformat()
                        for i in range(1001)]), "closed_dates"),
    ({"open_days": MON_FRI}, "closed_dates"),
], ids=["no open day", "duplicate day", "not a weekday", "no open_days", "not a date",
        "duplicate date", "over 1000 dates", "no closed_dates"])
def test_an_invalid_calendar_is_422_naming_the_field_and_writes_nothing(client, admin, data,
                                                                        field):
    response = client.put(URL, json=data, headers={**admin, "If-Match": "*"})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"], response.json
    assert rows() == []


def test_a_thousand_distinct_closed_dates_are_accepted(client, admin):
    many = [(date(2026, 1, 1) + timedelta(days=i)).isoformat() for i in range(1000)]
    response = client.put(URL, json=body(closed_dates=many), headers={**admin, "If-Match": "*"})
    assert response.status_code == 200 and len(response.json["closed_dates"]) == 1000


def test_the_fixture_calendar_closes_the_observed_federal_holidays(app, client, billing):
    # by hand: Jul 4 2026 is a Saturday -> Fri Jul 3; Thanksgiving 2026 is the 4th Thursday
    # of November (Nov 1 is a Sunday: Thursdays 5, 12, 19, 26); Dec 25 2027 is a Saturday
    # -> Fri Dec 24; MLK Day 2028 is the 3rd Monday of January (Jan 1 2028 is a Saturday:
    # Mondays 3, 10, 17); Jan 1 2028 (Saturday) is observed on Fri 2027-12-31; Nov 11 2029
    # is a Sunday -> Mon Nov 12.
    with app.app_context():
        assert load_fixtures()["created"] > 0
        again = load_fixtures()
    assert again["created"] == again["updated"] == 0  # the calendar too is left alone
    calendar = client.get(URL, headers=billing).json
    assert calendar["open_days"] == MON_FRI
    closed = set(calendar["closed_dates"])
    assert {"2026-07-03", "2026-11-26", "2027-12-24", "2028-01-17", "2027-12-31",
            "2029-11-12"} <= closed
    assert not {"2026-07-04", "2027-12-25", "2029-11-11"} & closed
    assert len(closed) == 44  # 11 holidays x 4 years


@pytest.fixture
def seeded(app):
    with app.app_context():
        load_fixtures()


def preview(client, billing, **request):
    return client.post("/api/v1/estimates/preview", headers=billing, json={
        "plan": "spravato-56-commercial", "start_date": "2027-01-04",
        "coverage": {"type": "self_pay"}, **request})


def dates(response):
    return [visit["date"] for visit in response.json["visits"]]


@pytest.mark.usefixtures("seeded")
def test_an_estimate_records_the_calendar_and_uses_final_dates(client, billing):
    response = preview(client, billing)
    assert response.status_code == 200, response.json
    assert response.json["data_versions"]["calendar"] == clinic_calendar.current().id
    # induction-1, twice a week from Mon 01-04 (offsets 0 3 7 10 ...): 01-04 01-07 01-11
    # 01-14, then 01-18 (MLK Day) -> Tue 01-19, 01-21 01-25 01-28; induction-2 weekly from
    # 02-01: 02-01 02-08, 02-15 (Presidents' Day) -> Tue 02-16, 02-22.
    assert dates(response)[:12] == [
        "2027-01-04", "2027-01-07", "2027-01-11", "2027-01-14", "2027-01-19", "2027-01-21",
        "2027-01-25", "2027-01-28", "2027-02-01", "2027-02-08", "2027-02-16", "2027-02-22"]
    assert "start_moved" not in [w["code"] for w in response.json["warnings"]]


@pytest.mark.usefixtures("seeded")
def test_a_stored_estimate_records_the_calendar_version_it_used(client, billing):
    created = client.post("/api/v1/estimates", headers=billing, json={
        "plan": "spravato-56-commercial", "start_date": "2027-01-04",
        "coverage": {"type": "self_pay"}})
    assert created.status_code == 201, created.json
    row = session.get(Estimate, created.json["id"])
    assert row.rule_versions["calendar"] == clinic_calendar.current().id
    assert created.json["data_versions"]["calendar"] == clinic_calendar.current().id


def test_without_a_stored_calendar_data_versions_calendar_is_null(client, billing, admin):
    assert client.post("/api/v1/services", json=samples.service(), headers=admin).status_code == 201
    assert client.post("/api/v1/plans", json=samples.plan(), headers=admin).status_code == 201
    response = client.post("/api/v1/estimates/preview", headers=billing, json={
        "plan": "iv-series", "start_date": "2027-01-02", "coverage": {"type": "self_pay"}})
    assert response.status_code == 200, response.json
    assert response.json["data_versions"]["calendar"] is None
    assert response.json["visits"][0]["date"] == "2027-01-02"  # a Saturday: every day open


@pytest.mark.usefixtures("seeded")
def test_a_closed_start_date_warns_start_moved(client, billing):
    # Sat 2027-01-02: the first session's formula date -> Mon 01-04; its second (offset 3,
    # Tue 01-05) is after it and open.
    response = preview(client, billing, start_date="2027-01-02")
    assert dates(response)[:2] == ["2027-01-04", "2027-01-05"]
    moved = [w for w in response.json["warnings"] if w["code"] == "start_moved"]
    assert len(moved) == 1 and moved[0]["date"] == "2027-01-04", response.json["warnings"]
    assert "closed" in moved[0]["message"]


@pytest.mark.usefixtures("seeded")
def test_a_calendar_change_reaches_the_next_estimate(client, admin, billing):
    etag = client.get(URL, headers=billing).headers["ETag"]
    assert client.put(URL, json=body(open_days=["tue", "wed", "thu", "fri"]),
                      headers={**admin, "If-Match": etag}).status_code == 200
    # Mondays closed now: Mon 01-04 -> Tue 01-05; the formula date is start_date: warned
    response = preview(client, billing)
    assert dates(response)[0] == "2027-01-05"
    assert "start_moved" in [w["code"] for w in response.json["warnings"]]


GAP_PLAN = {
    "code": "gap-plan", "name": "Gap", "modality": "ketamine_iv", "phases": [
        {"name": "induction", "kind": "induction", "sessions": 2, "interval_days": 7,
         "visit": [{"service": "96365", "units": 1}]},
        {"name": "booster", "kind": "maintenance", "sessions": 2, "interval_days": 14,
         "starts_after_days": 14, "visit": [{"service": "96365", "units": 1}]},
    ]}


@pytest.mark.usefixtures("seeded")
def test_starts_after_days_on_the_plan_and_by_override(client, admin, billing):
    created = client.post("/api/v1/plans", json=GAP_PLAN, headers=admin)
    assert created.status_code == 201, created.json
    assert created.json["phases"][1]["starts_after_days"] == 14
    request = {"plan": "gap-plan", "start_date": "2027-03-01", "coverage": {"type": "self_pay"}}
    # induction 03-01, 03-08 (span 14: ends 03-15); booster 03-15 + 14 = 03-29, then 04-12
    response = client.post("/api/v1/estimates/preview", json=request, headers=billing)
    assert dates(response) == ["2027-03-01", "2027-03-08", "2027-03-29", "2027-04-12"]
    # override 21: 03-15 + 21 = 04-05, then 04-19
    request["phases"] = {"booster": {"starts_after_days": 21}}
    response = client.post("/api/v1/estimates/preview", json=request, headers=billing)
    assert dates(response)[2:] == ["2027-04-05", "2027-04-19"]
    request["phases"] = {"booster": {"starts_after_days": 181}}
    response = client.post("/api/v1/estimates/preview", json=request, headers=billing)
    assert response.status_code == 422
    assert "starts_after_days" in response.json["errors"]["json"]["phases"]["booster"]


@pytest.mark.usefixtures("seeded")
def test_a_daily_schedule_pushed_past_365_days_is_422_naming_phases(client, admin, billing):
    daily = {"code": "daily-plan", "name": "Daily", "modality": "ketamine_iv", "phases": [
        {"name": "daily", "kind": "induction", "sessions": 10, "interval_days": 1,
         "visit": [{"service": "96365", "units": 1}]}]}
    assert client.post("/api/v1/plans", json=daily, headers=admin).status_code == 201
    request = {"plan": "daily-plan", "start_date": "2027-01-04",
               "coverage": {"type": "self_pay"}}
    # Mon 2027-01-04 .. Sun 2028-01-02: 260 weekdays, 11 closed, so 249 open; Mon 01-03
    # and Tue 01-04 2028 (= start + 365) open: 251 sessions fit, the 252nd does not.
    request["phases"] = {"daily": {"sessions": 251}}
    response = client.post("/api/v1/estimates/preview", json=request, headers=billing)
    assert response.status_code == 200, response.json
    assert dates(response)[-1] == "2028-01-04"
    request["phases"] = {"daily": {"sessions": 252}}
    response = client.post("/api/v1/estimates/preview", json=request, headers=billing)
    assert response.status_code == 422
    assert "phases" in response.json["errors"]["json"], response.json


@pytest.mark.usefixtures("seeded")
def test_only_the_sessions_max_schedule_failing_is_422_naming_phases(client, admin, billing):
    # storable: with every day open, day 252 is 2027-09-12, within 365 days (the plan check
    # uses no calendar); on the clinic calendar 252 sessions end after 2028-01-04 (above).
    daily = {"code": "daily-open", "name": "Daily", "modality": "ketamine_iv", "phases": [
        {"name": "daily", "kind": "induction", "sessions": 10, "sessions_max": 252,
         "interval_days": 1, "visit": [{"service": "96365", "units": 1}]}]}
    assert client.post("/api/v1/plans", json=daily, headers=admin).status_code == 201
    response = client.post("/api/v1/estimates/preview", headers=billing, json={
        "plan": "daily-open", "start_date": "2027-01-04", "coverage": {"type": "self_pay"}})
    assert response.status_code == 422
    assert "phases" in response.json["errors"]["json"], response.json
