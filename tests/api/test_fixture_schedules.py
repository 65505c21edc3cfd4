"""The fixtures' plans scheduled on the fixtures' clinic calendar (Monday-Friday, US federal
holidays closed): no session on a weekend or holiday, IV boosters weeks after the series."""
from datetime import date

import pytest

pytestmark = pytest.mark.usefixtures("seeded")


def preview(client, billing, plan, start="2027-01-04"):
    response = client.post("/api/v1/estimates/preview", headers=billing, json={
        "plan": plan, "start_date": start, "coverage": {"type": "self_pay"}})
    assert response.status_code == 200, response.json
    return response.json


def test_iv_boosters_start_weeks_after_the_series_and_skip_holidays(client, billing):
    """ketamine-iv-6 from Monday 2027-01-04:
    intake 1 session, span 7 -> Jan 4; induction 3 a week from Jan 11, offsets 0 2 4 7 9 11:
    Jan 11, 13, 15, 18 -> 19 (Jan 18 is MLK Day), 20, 22; its span ends Jan 11 + 14 = Jan 25;
    the boosters start 21 days later, Feb 15 -> 16 (Presidents' Day), 25 days after the last
    infusion, then every 28 days from
    the formula date Feb 15: Mar 15, Apr 12, May 10, Jun 7, Jul 5 -> 6 (Independence Day
    observed, July 4 is a Sunday). Before, the first booster came on Jan 25, three days after
    the last infusion."""
    body = preview(client, billing, "ketamine-iv-6")
    dates = {phase: [v["date"] for v in body["visits"] if v["phase"] == phase]
             for phase in ("intake", "induction", "maintenance")}
    assert dates["intake"] == ["2027-01-04"]
    assert dates["induction"] == ["2027-01-11", "2027-01-13", "2027-01-15", "2027-01-19",
                                  "2027-01-20", "2027-01-22"]
    assert dates["maintenance"] == ["2027-02-16", "2027-03-15", "2027-04-12", "2027-05-10",
                                    "2027-06-07", "2027-07-06"]


@pytest.mark.parametrize("plan", ["spravato-56-commercial", "ketamine-iv-6", "kap-im"])
def test_no_fixture_session_falls_on_a_weekend(client, billing, plan):
    body = preview(client, billing, plan, start="2026-11-23")
    assert body["visits"] and all(
        date.fromisoformat(v["date"]).weekday() < 5 for v in body["visits"])
    assert "2026-11-26" not in [v["date"] for v in body["visits"]]  # Thanksgiving
