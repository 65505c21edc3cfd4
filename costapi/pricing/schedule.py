"""The treatment schedule: phases after overrides and session dates (domain.md 2)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .errors import PricingError
from .inputs import Phase, PhaseOverride, Plan, Service, VisitItem

MAX_DAYS = 365


@dataclass(frozen=True, slots=True)
class PlannedPhase:
    """A plan phase with the estimate's overrides applied.

    `shortest`/`longest` are the session counts of an open phase (one with
    sessions_min or sessions_max) for the range; None when the phase is closed.
    """

    name: str
    kind: str
    sessions: int
    interval_days: int | None
    per_week: int | None
    visit: tuple[VisitItem, ...]
    shortest: int | None
    longest: int | None


@dataclass(frozen=True, slots=True)
class ScheduledPhase:
    phase: PlannedPhase
    dates: tuple[date, ...]


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
    if override is not None:
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
    for item in phase.visit:
        if item.service not in services:
            raise PricingError(field, f"service {item.service!r} is not in the catalog")
    shortest = longest = None
    if phase.sessions_min is not None or phase.sessions_max is not None:
        low = sessions if phase.sessions_min is None else phase.sessions_min
        high = sessions if phase.sessions_max is None else phase.sessions_max
        shortest, longest = max(0, min(low, sessions)), max(high, sessions)
    return PlannedPhase(
        phase.name, phase.kind, sessions, interval_days, per_week, phase.visit, shortest, longest
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
    phases: tuple[PlannedPhase, ...], start_date: date, lengths: Mapping[str, int] | None = None
) -> tuple[ScheduledPhase, ...]:
    """Session dates of every phase; `lengths` replaces some phases' sessions."""
    start = start_date.toordinal()
    phase_start = start
    scheduled = []
    for phase in phases:
        sessions = phase.sessions if lengths is None else lengths.get(phase.name, phase.sessions)
        offsets, span = session_offsets(phase, sessions)
        dates = tuple(date.fromordinal(phase_start + offset) for offset in offsets)
        scheduled.append(ScheduledPhase(phase, dates))
        phase_start += span
    last = max((s.dates[-1] for s in scheduled if s.dates), default=None)
    if last is not None and last.toordinal() > start + MAX_DAYS:
        raise PricingError(
            "phases",
            f"the last session ({last.isoformat()}) falls more than {MAX_DAYS} days"
            f" after the start date ({start_date.isoformat()})",
        )
    return tuple(scheduled)


def range_lengths(phases: tuple[PlannedPhase, ...]) -> tuple[dict, dict] | None:
    """Session counts of the open phases at their shortest and longest, or None."""
    open_phases = [p for p in phases if p.shortest is not None]
    if not open_phases:
        return None
    return (
        {p.name: p.shortest for p in open_phases},
        {p.name: p.longest for p in open_phases},
    )
