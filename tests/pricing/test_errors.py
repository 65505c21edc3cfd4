"""Requests the engine refuses: PricingError(field, message), field as in domain.md 2."""

from datetime import timedelta

import pytest

from costapi.pricing import PhaseOverride, PricingError, SelfPay, VisitItem

from .builders import INFUSION, START, phase, plan, run, weekly


def daily(sessions, **extra):
    return phase("daily", sessions, INFUSION, every=1, kind="maintenance", **extra)


@pytest.mark.parametrize(
    "the_plan, overrides, field",
    [
        # daily from 2027-01-04: session 367 falls on start + 366 days
        pytest.param(plan(daily(367)), None, "phases", id="past-365-days"),
        # 10 weekly sessions fit, but sessions_max 60 reaches start + 413 days
        pytest.param(plan(weekly(10, sessions_max=60)), None, "phases", id="max-past-365-days"),
        pytest.param(
            plan(weekly(10)),
            {"series": PhaseOverride(sessions=60)},
            "phases",
            id="override-past-365-days",
        ),
        pytest.param(
            plan(weekly(2)),
            {"series": PhaseOverride(interval_days=3, per_week=2)},
            "phases.series",
            id="both-cadence-keys",
        ),
        pytest.param(
            plan(weekly(2)), {"nope": PhaseOverride(sessions=1)}, "phases.nope", id="unknown-phase"
        ),
        pytest.param(plan(weekly(2), weekly(3)), None, "phases.series", id="duplicate-names"),
        pytest.param(
            plan(weekly(2, (VisitItem("XXXXX"),))), None, "phases.series", id="unknown-service"
        ),
        pytest.param(
            plan(weekly(2)),
            {"series": PhaseOverride(sessions=-1)},
            "phases.series",
            id="negative-sessions",
        ),
        pytest.param(
            plan(phase("series", 2, INFUSION, per_week=8)), None, "phases.series", id="per-week-8"
        ),
        pytest.param(plan(phase("series", 2, INFUSION)), None, "phases.series", id="no-cadence"),
    ],
)
def test_refused(the_plan, overrides, field):
    with pytest.raises(PricingError) as caught:
        run(the_plan, SelfPay(), overrides=overrides)
    assert caught.value.field == field
    assert caught.value.message


def test_366_daily_sessions_fit_exactly():
    result = run(plan(daily(366)), SelfPay())
    assert len(result.visits) == 366
    assert result.visits[-1].date == START + timedelta(days=365)


def test_range_at_max_must_fit_even_when_the_estimate_does():
    # 52 weekly sessions end on day 357; with sessions_max 53 the longest ends on day 364
    assert run(plan(weekly(52, sessions_max=53)), SelfPay()).range is not None
    with pytest.raises(PricingError):
        run(plan(weekly(52, sessions_max=54)), SelfPay())  # day 371
