"""The clinic calendar and phase gaps in the engine (domain.md 2 and 2.1), by hand.

Weekdays used below: 2026-12-14 and 2027-01-04 are Mondays, 2027-01-02 and 2027-12-18
Saturdays, 2027-12-17 a Friday.
"""

from datetime import date

import pytest

from costapi.pricing import (
    EstimateInput,
    PhaseOverride,
    PricingError,
    SelfPay,
    as_dict,
    estimate,
)
from costapi.pricing.inputs import Calendar

from .builders import INFUSION, SERVICES, START, D, insured, phase, plan, weekly

MON_FRI = frozenset(range(5))
HOLIDAYS = frozenset(date.fromisoformat(day) for day in (
    "2026-12-25", "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18",
    "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24",
    "2027-12-31", "2028-01-17",
))  # the fixtures' observed federal holidays of that stretch
CLINIC = Calendar(MON_FRI, HOLIDAYS, id=7)


def run(the_plan, start=START, calendar=None, overrides=None, coverage=None):
    inp = EstimateInput(the_plan, SERVICES, start, coverage or insured(coinsurance="0.20"),
                        overrides or {}, **({} if calendar is None else {"calendar": calendar}))
    return as_dict(estimate(inp))


def dates(result):
    return [visit["date"] for visit in result["visits"]]


def test_per_week_3_over_christmas_and_new_year_pushes_later_sessions():
    # formula (Mon, Wed, Fri; offsets 0 2 4 7 9 11 14 16 18 from Mon 2026-12-14):
    #   12-14 12-16 12-18 12-21 12-23 12-25 12-28 12-30 2027-01-01
    # 12-25 (Fri, Christmas) -> Sat, Sun closed -> Mon 12-28;
    # 12-28 is taken -> Tue 12-29; 12-30 stays; 01-01 (New Year) -> Mon 2027-01-04.
    series = phase("series", 9, INFUSION, per_week=3)
    result = run(plan(series), start=date(2026, 12, 14), calendar=CLINIC)
    assert dates(result) == ["2026-12-14", "2026-12-16", "2026-12-18", "2026-12-21",
                             "2026-12-23", "2026-12-28", "2026-12-29", "2026-12-30",
                             "2027-01-04"]
    assert result["phases"][0]["last_date"] == "2027-01-04"
    assert [(m["month"], m["visits"]) for m in result["months"]] == [
        ("2026-12", 8), ("2027-01", 1)]
    assert result["data_versions"]["calendar"] == 7
    # without a calendar every formula date is final
    assert dates(run(plan(series), start=date(2026, 12, 14)))[-1] == "2027-01-01"


def test_plan_years_follow_final_dates():
    # weekly from Fri 2027-12-17: formula 12-17, 12-24, 12-31, all in plan year 2027.
    # 12-24 and 12-31 are closed (observed Christmas, observed New Year 2028): Mon 12-27,
    # Mon 2028-01-03. The third visit is in plan year 2028: the deductible starts over.
    three = weekly(3)
    result = run(plan(three), start=date(2027, 12, 17), calendar=CLINIC,
                 coverage=insured(deductible="500.00", coinsurance="0.20"))
    assert dates(result) == ["2027-12-17", "2027-12-27", "2028-01-03"]
    # the typed deductible and coinsurance are carried into 2028 (no next_plan_year)
    assert [w["code"] for w in result["warnings"]] == ["plan_year_reset",
                                                       "next_year_benefits_assumed"]
    assert result["warnings"][0]["date"] == "2028-01-01"
    assert [y["start"] for y in result["plan_years"]] == ["2027-01-01", "2028-01-01"]
    # allowed 424 per visit (360 + 64): visit 1 pays 424, visit 2 the rest of the 500
    # deductible (76) + 20% of 348 = 69.60; visit 3 a new deductible: 424.
    assert result["visits"][2]["patient_pays"] == result["visits"][0]["patient_pays"]
    plain = run(plan(three), start=date(2027, 12, 17),
                coverage=insured(deductible="500.00", coinsurance="0.20"))
    assert plain["warnings"] == [] and len(plain["plan_years"]) == 1


def test_daily_on_mon_fri_is_pushed_back_until_the_365_day_rule_fails():
    # From Mon 2027-01-04 to Sun 2028-01-02 (52 weeks): 260 weekdays, 11 of them closed
    # (01-18 02-15 05-31 06-18 07-05 09-06 10-11 11-11 11-25 12-24 12-31): 249 open days;
    # then Mon 2028-01-03 and Tue 2028-01-04 (= start + 365) are open: 251 sessions fit.
    daily = phase("daily", 251, INFUSION, every=1)
    result = run(plan(daily), calendar=CLINIC)
    assert len(result["visits"]) == 251
    assert dates(result)[:6] == ["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07",
                                 "2027-01-08", "2027-01-11"]
    assert dates(result)[-1] == "2028-01-04"
    with pytest.raises(PricingError) as error:
        run(plan(daily), calendar=CLINIC, overrides={"daily": PhaseOverride(sessions=252)})
    assert error.value.field == "phases"


def test_only_the_sessions_max_schedule_failing_is_an_error_too():
    # 10 sessions fit; at sessions_max 252 the schedule ends after 2028-01-04 (see above)
    daily = phase("daily", 10, INFUSION, every=1, sessions_max=252)
    with pytest.raises(PricingError) as error:
        run(plan(daily), calendar=CLINIC)
    assert error.value.field == "phases"
    assert len(run(plan(daily))["visits"]) == 10  # every day open: day 251 is 2027-09-12


def test_a_closed_start_date_moves_the_first_session_with_a_warning():
    # Sat 2027-01-02: formula 01-02, 01-09, 01-16 (Saturdays) -> Mon 01-04, Mon 01-11, and
    # 01-16 -> Sun 01-17 -> Mon 01-18 (MLK Day) -> Tue 01-19.
    result = run(plan(weekly(3)), start=date(2027, 1, 2), calendar=CLINIC)
    assert dates(result) == ["2027-01-04", "2027-01-11", "2027-01-19"]
    moved = [w for w in result["warnings"] if w["code"] == "start_moved"]
    assert len(moved) == 1 and moved[0]["date"] == "2027-01-04"
    assert "January 4, 2027" in moved[0]["message"]


def test_no_start_moved_when_the_first_formula_date_is_not_the_start_date():
    # starts_after_days 7 from Fri 2027-12-17: formula 12-24 (closed) -> Mon 12-27; it moved,
    # but its formula date is not start_date (3.9), so no warning.
    gap = weekly(1, starts_after_days=7)
    result = run(plan(gap), start=date(2027, 12, 17), calendar=CLINIC)
    assert dates(result) == ["2027-12-27"]
    assert "start_moved" not in [w["code"] for w in result["warnings"]]
    # an open start date that stays: no warning either
    assert run(plan(weekly(1)), calendar=CLINIC)["warnings"] == []


def test_starts_after_days_gap_between_phases_and_by_override():
    # induction: 2 weekly from Mon 2027-01-04: 01-04, 01-11; span 14 -> ends 01-18.
    # maintenance starts 14 days later: 02-01; every 14 days: 02-01, 02-15.
    induction = weekly(2, name="induction")
    maintenance = phase("maintenance", 2, INFUSION, every=14, kind="maintenance",
                        starts_after_days=14)
    the_plan = plan(induction, maintenance)
    assert dates(run(the_plan)) == ["2027-01-04", "2027-01-11", "2027-02-01", "2027-02-15"]
    # override 21: 01-18 + 21 = 02-08; then 02-22
    longer = {"maintenance": PhaseOverride(starts_after_days=21)}
    assert dates(run(the_plan, overrides=longer))[2:] == ["2027-02-08", "2027-02-22"]
    # a gap before the first phase counts from start_date: 01-04 + 3 = Thu 01-07
    first = {"induction": PhaseOverride(starts_after_days=3)}
    assert dates(run(the_plan, overrides=first))[:2] == ["2027-01-07", "2027-01-14"]
    # on the clinic calendar, 02-15 (Presidents' Day) moves to Tue 02-16
    assert dates(run(the_plan, calendar=CLINIC))[3] == "2027-02-16"


def test_a_phase_with_no_sessions_contributes_no_gap():
    # booster: 0 sessions, starts_after_days 30: neither span nor gap, so maintenance starts
    # where induction's span ends (01-18): 01-18, 01-25.
    induction = weekly(2, name="induction")
    booster = phase("booster", 0, INFUSION, every=7, starts_after_days=30)
    maintenance = weekly(2, name="maintenance")
    result = run(plan(induction, booster, maintenance))
    assert dates(result) == ["2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25"]
    assert result["phases"][1]["first_date"] is None
    # with sessions (override 1): booster at 01-18 + 30 = 02-17, span 7 -> maintenance 02-24
    one = {"booster": PhaseOverride(sessions=1)}
    assert dates(run(plan(induction, booster, maintenance), overrides=one))[2:] == [
        "2027-02-17", "2027-02-24", "2027-03-03"]


def test_a_gap_out_of_range_is_named():
    with pytest.raises(PricingError) as error:
        run(plan(weekly(2)), overrides={"series": PhaseOverride(starts_after_days=181)})
    assert error.value.field == "phases.series"


def test_a_calendar_with_no_open_day_is_refused():
    with pytest.raises(PricingError) as error:
        run(plan(weekly(2)), calendar=Calendar(frozenset()))
    assert error.value.field == "calendar"


def test_range_schedules_use_the_calendar():
    # open maintenance 1..3 weekly after a 1-session induction from Mon 2027-01-11:
    # induction 01-11 (span 7); maintenance formula 01-18 (MLK) -> 01-19, 01-25, 02-01.
    # Self-pay cash 460 a visit: low = 2 visits (920.00), high = 4 visits (1840.00).
    induction = weekly(1, name="induction")
    maintenance = phase("maintenance", 2, INFUSION, every=7, kind="maintenance",
                        sessions_min=1, sessions_max=3)
    result = run(plan(induction, maintenance), start=date(2027, 1, 11), calendar=CLINIC,
                 coverage=SelfPay())
    assert dates(result) == ["2027-01-11", "2027-01-19", "2027-01-25"]
    assert result["range"] == {"low": D("920.00"), "high": D("1840.00")}
