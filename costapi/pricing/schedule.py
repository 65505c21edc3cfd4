"""The treatment schedule: phases after overrides and session dates (domain.md 2, 2.1).

A session's formula date comes from its phase's start and cadence; its final date is the
first open day of the clinic calendar on or after the formula date and after the previous
session's final date. Phase starts and spans use formula dates only; everything after the
schedule (adjudication, plan years, roll-ups, the 365-day rule) sees final dates.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .errors import PricingError
from .inputs import Calendar, Phase, PhaseOverride, Plan, Service, VisitChange, VisitItem

MAX_DAYS = 365
MAX_GAP_DAYS = 180


@dataclass(frozen=True, slots=True)
class PlannedPhase:
    """A plan phase with the estimate's overrides applied.

    `shortest`/`longest` are the session counts of an open phase (one with
    sessions_min or sessions_max) for the range; None when the phase is closed.
    `visit_changes`: from which session (1-based) on another visit applies (2).
    """

    name: str
    kind: str
    sessions: int
    interval_days: int | None
    per_week: int | None
    visit: tuple[VisitItem, ...]
    shortest: int | None
    longest: int | None
    starts_after_days: int = 0
    visit_changes: tuple[VisitChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ScheduledPhase:
    """A phase's final session dates; `start` is its formula start (None: no sessions)."""

    phase: PlannedPhase
    dates: tuple[date, ...]
    start: date | None = None


class OpenDays:
    """A calendar as sets of ordinals and weekdays, built once per estimate."""

    __slots__ = ("weekdays", "closed", "all_open")

    def __init__(self, calendar: Calendar):
        self.weekdays = frozenset(calendar.open_weekdays)
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise PricingError("calendar", "the calendar needs at least one open weekday")
        self.closed = frozenset(day.toordinal() for day in calendar.closed_dates)
        self.all_open = len(self.weekdays) == 7 and not self.closed

    def next_open(self, ordinal: int) -> int:
        """The first open day on or after `ordinal` (date.fromordinal(1) is a Monday)."""
        weekdays, closed = self.weekdays, self.closed
        while (ordinal - 1) % 7 not in weekdays or ordinal in closed:
            ordinal += 1
        return ordinal


ALL_OPEN = OpenDays(Calendar())


def plan_phases(
    plan: Plan, overrides: Mapping[str, PhaseOverride], services: Mapping[str, Service]
) -> tuple[PlannedPhase, ...]:
    """Apply overrides by phase name and check what a client can get wrong."""
    names = set()
    for phase in plan.phases:
        if phase.name in names:
            raise PricingError(f"phases.{phase.name}", "phase names must be unique in a plan")
        names.add(phase.name)
    for name in sorted(overrides):
        if name not in names:
            raise PricingError(f"phases.{name}", f"the plan has no phase named {name!r}")
    return tuple(_planned(phase, overrides.get(phase.name), services) for phase in plan.phases)


def _planned(
    phase: Phase, override: PhaseOverride | None, services: Mapping[str, Service]
) -> PlannedPhase:
    field = f"phases.{phase.name}"
    sessions, interval_days, per_week = phase.sessions, phase.interval_days, phase.per_week
    starts_after_days = phase.starts_after_days
    visit, changes = phase.visit, phase.visit_changes
    visit_field = field  # where an unknown service of the plan's own visit is named
    if override is not None:
        if override.visit is not None:  # replaces the plan's visit and clears its changes
            visit, changes, visit_field = override.visit, (), f"{field}.visit"
        if override.visit_changes is not None:
            changes = override.visit_changes
        if override.starts_after_days is not None:
            starts_after_days = override.starts_after_days
        if override.interval_days is not None and override.per_week is not None:
            raise PricingError(field, "give either interval_days or per_week, not both")
        if override.sessions is not None:
            sessions = override.sessions
        if override.interval_days is not None:
            interval_days, per_week = override.interval_days, None
        elif override.per_week is not None:
            interval_days, per_week = None, override.per_week
    if sessions < 0:
        raise PricingError(field, "sessions must be 0 or more")
    if (interval_days is None) == (per_week is None):
        raise PricingError(field, "a phase needs exactly one of interval_days and per_week")
    if interval_days is not None and interval_days < 1:
        raise PricingError(field, "interval_days must be 1 or more")
    if per_week is not None and not 1 <= per_week <= 7:
        raise PricingError(field, "per_week must be from 1 to 7")
    if not 0 <= starts_after_days <= MAX_GAP_DAYS:
        raise PricingError(field, f"starts_after_days must be from 0 to {MAX_GAP_DAYS}")
    for j, item in enumerate(visit):
        if item.service not in services:
            where = visit_field if visit_field == field else f"{visit_field}.{j}.service"
            raise PricingError(where, f"service {item.service!r} is not in the catalog")
    _check_changes(field, changes, services)
    shortest = longest = None
    if phase.sessions_min is not None or phase.sessions_max is not None:
        low = sessions if phase.sessions_min is None else phase.sessions_min
        high = sessions if phase.sessions_max is None else phase.sessions_max
        shortest, longest = max(0, min(low, sessions)), max(high, sessions)
    return PlannedPhase(
        phase.name, phase.kind, sessions, interval_days, per_week, visit, shortest, longest,
        starts_after_days, tuple(changes),
    )


def _check_changes(
    field: str, changes: tuple[VisitChange, ...], services: Mapping[str, Service]
) -> None:
    """from_session is a whole number >= 2, strictly increasing; every service is known."""
    previous = 1
    for i, change in enumerate(changes):
        where = f"{field}.visit_changes.{i}"
        start = change.from_session
        if type(start) is not int or start < 2:
            raise PricingError(f"{where}.from_session", "from_session must be 2 or more")
        if start <= previous:
            raise PricingError(
                f"{where}.from_session",
                f"from_session must be above the previous change's ({previous})",
            )
        previous = start
        for j, item in enumerate(change.visit):
            if item.service not in services:
                raise PricingError(
                    f"{where}.visit.{j}.service", f"service {item.service!r} is not in the catalog"
                )


def session_offsets(phase: PlannedPhase, sessions: int) -> tuple[list[int], int]:
    """Day offsets of a phase's sessions from the phase start, and its span in days."""
    if phase.interval_days is not None:
        step = phase.interval_days
        return [i * step for i in range(sessions)], sessions * step
    n = phase.per_week
    offsets = [7 * (i // n) + (i % n) * 7 // n for i in range(sessions)]
    return offsets, 7 * -(-sessions // n)


def schedule(
    phases: tuple[PlannedPhase, ...],
    start_date: date,
    lengths: Mapping[str, int] | None = None,
    days: OpenDays = ALL_OPEN,
) -> tuple[ScheduledPhase, ...]:
    """Final session dates of every phase; `lengths` replaces some phases' sessions.

    A phase with 0 sessions contributes neither its gap nor a span. With every day open the
    formula dates are final: they strictly increase (a phase starts after the previous span).
    """
    start = start_date.toordinal()
    phase_start = start
    previous = start - 1  # the final date of the previous session
    scheduled = []
    for phase in phases:
        sessions = phase.sessions if lengths is None else lengths.get(phase.name, phase.sessions)
        if sessions <= 0:
            scheduled.append(ScheduledPhase(phase, ()))
            continue
        phase_start += phase.starts_after_days
        offsets, span = session_offsets(phase, sessions)
        if days.all_open:
            finals = [phase_start + offset for offset in offsets]
        else:
            finals = []
            for offset in offsets:
                day = phase_start + offset
                previous = days.next_open(day if day > previous else previous + 1)
                finals.append(previous)
        previous = finals[-1]
        dates = tuple(map(date.fromordinal, finals))
        scheduled.append(ScheduledPhase(phase, dates, date.fromordinal(phase_start)))
        phase_start += span
    last = max((s.dates[-1] for s in scheduled if s.dates), default=None)
    if last is not None and last.toordinal() > start + MAX_DAYS:
        raise PricingError(
            "phases",
            f"the last session ({last.isoformat()}) falls more than {MAX_DAYS} days"
            f" after the start date ({start_date.isoformat()})",
        )
    return tuple(scheduled)


def start_moved(scheduled: tuple[ScheduledPhase, ...], start_date: date) -> date | None:
    """The first session's final date when its formula date is start_date and it moved."""
    first = next((part for part in scheduled if part.dates), None)
    if first is None or first.start != start_date or first.dates[0] == start_date:
        return None
    return first.dates[0]


def range_lengths(phases: tuple[PlannedPhase, ...]) -> tuple[dict, dict] | None:
    """Session counts of the open phases at their shortest and longest, or None."""
    open_phases = [p for p in phases if p.shortest is not None]
    if not open_phases:
        return None
    return (
        {p.name: p.shortest for p in open_phases},
        {p.name: p.longest for p in open_phases},
    )
