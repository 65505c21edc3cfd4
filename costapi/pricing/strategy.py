"""What engine.estimate asks of a coverage type: one interface, two strategies."""

from datetime import date
from decimal import Decimal

from .assistance import ProgramTerms
from .discounts import package_or_cash
from .inputs import PackagePrice
from .lines import VisitDraft
from .money import ZERO
from .notices import Notices
from .schedule import ScheduledPhase
from .terms import Changes, LineTerms, session_lines


class Pricing:
    """Everything fixed for one estimate of one coverage type: adjudication.InsuredPricing
    or self_pay.SelfPayPricing. engine.estimate sees nothing else.

    `lines`: the terms of each phase's visit lines, by phase name; `changes`: those of its
    visit changes, for phases that have any (session_lines). `plan_year_start`: where
    plan years count from (None: no plan years). `programs`: the assistance programs that
    can pay, in request order. `causal`: a visit's result depends only on the visits before
    it, so a shorter schedule costs a prefix sum and a longer one continues a pass.
    """

    causal = False
    plan_year_start: date | None = None
    programs: tuple[ProgramTerms, ...] = ()
    plan_code: str = ""
    packages: tuple[PackagePrice, ...] = ()  # the live package prices, any plan
    lines: dict[str, tuple[LineTerms, ...]]
    changes: Changes = {}  # noqa: RUF012 (read only)

    def session_lines(self, phase: str, session: int) -> tuple[LineTerms, ...]:
        """The line terms of a phase's session (1-based), after its visit changes (2)."""
        if phase in self.changes:
            return session_lines(self.lines, self.changes, phase, session)
        return self.lines[phase]

    def price(self, scheduled: tuple[ScheduledPhase, ...], notices: Notices) -> list[VisitDraft]:
        """Every visit of a schedule in date order, in a pass of its own."""
        raise NotImplementedError

    def extend(
        self, drafts: list[VisitDraft], visits: list[tuple[date, str]], notices: Notices
    ) -> list[VisitDraft] | None:
        """(date, phase) visits after `drafts`, continuing the pass that priced them; None
        unless that pass was the latest price() call and is not yet extended (causal only)."""
        return None

    def self_pay_total(self, scheduled: tuple[ScheduledPhase, ...]) -> Decimal:
        """The cash price of a schedule, each phase at the lowest package price that applies
        to it (section 4; none: its cash price), without other discounts."""
        return sum(
            (
                package_or_cash(self.packages, self.plan_code, part, self.phase_cash(part))[0]
                for part in scheduled
            ),
            ZERO,
        )

    def phase_cash(self, part: ScheduledPhase) -> Decimal:
        """The cash price of a scheduled phase, each session at its own visit (2)."""
        name, count = part.phase.name, len(part.dates)
        lines, start = self.lines[name], 1
        total = ZERO
        for first, changed in self.changes.get(name, ()):
            if first > count:
                break
            total += _cash(lines) * (first - start)
            lines, start = changed, first
        return total + _cash(lines) * (count - start + 1)

    def offers(
        self, scheduled: tuple[ScheduledPhase, ...], drafts: list[VisitDraft], net: Decimal,
        notices: Notices,
    ) -> None:
        """Warnings about what the patient could ask for (program_available, 3.6)."""


def _cash(lines: tuple[LineTerms, ...]) -> Decimal:
    return sum((line.cash for line in lines), ZERO)
