"""Plan years: anniversaries of plan_year_start (Feb 29 falls on Mar 1)."""

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def anniversary(plan_year_start: date, years: int) -> date:
    """plan_year_start + years; a Feb 29 anniversary in a common year is Mar 1."""
    year = plan_year_start.year + years
    try:
        return plan_year_start.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def plan_year_of(plan_year_start: date, day: date) -> int:
    """The k whose plan year [anniversary k, anniversary k+1) contains `day`."""
    years = day.year - plan_year_start.year
    if anniversary(plan_year_start, years) > day:
        years -= 1
    return years


def bounds(plan_year_start: date, years: int) -> tuple[date, date]:
    """First and last day of plan year k."""
    return (
        anniversary(plan_year_start, years),
        anniversary(plan_year_start, years + 1) - ONE_DAY,
    )
