"""Amounts, dates and cadences in words, as warnings, the GFE and the public lists say them."""

from datetime import date
from decimal import Decimal

from .money import CENT

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}


def _day(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def dollars(amount: Decimal | str) -> str:
    """$1,234.50; a unit price with more than cents keeps 4 places ($15.1234)."""
    value = Decimal(str(amount))
    sign = "-" if value < 0 else ""
    places = 2 if value == value.quantize(CENT) else 4
    return f"{sign}${abs(value):,.{places}f}"


def long_date(value: date | str) -> str:
    """January 4, 2027."""
    day = _day(value)
    return f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def short_date(value: date | str) -> str:
    """Jan 4, 2027."""
    day = _day(value)
    return f"{MONTH_NAMES[day.month - 1][:3]} {day.day}, {day.year}"


def month_of(day: date) -> str:
    """2027-01."""
    return f"{day.year:04d}-{day.month:02d}"


def month_name(month: str) -> str:
    """2027-01 -> January 2027."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def every(days: int) -> str:
    """An interval in words: every day, once a week, every 2 weeks, every 10 days."""
    if days == 1:
        return "every day"
    if days == 7:
        return "once a week"
    return f"every {days // 7} weeks" if days % 7 == 0 else f"every {days} days"


def per_week(times: int) -> str:
    """once a week, twice a week, 3 times a week."""
    return {1: "once a week", 2: "twice a week"}.get(times, f"{times} times a week")


def cadence(interval_days: int | None, times_a_week: int | None) -> str:
    """A phase's cadence in words (exactly one of the two is set)."""
    return per_week(times_a_week) if times_a_week else every(interval_days)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """1 session, 2 sessions."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
