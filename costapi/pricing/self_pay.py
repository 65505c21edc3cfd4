"""Self-pay estimates (3.1): cash price per line, then the clinic's discounts."""

from decimal import Decimal

from .coverage import SELF_PAY
from .discounts import apply_discounts, package_applies, package_or_cash
from .inputs import EstimateInput, PackagePrice, SelfPay
from .lines import VisitDraft, cash_line
from .money import ZERO
from .notices import Notices
from .schedule import PlannedPhase, ScheduledPhase
from .strategy import Pricing
from .terms import self_pay_lines


class SelfPayPricing(Pricing):
    """Everything fixed for one self-pay estimate; not causal (a package price depends on
    the whole phase), no plan years, no programs."""

    def __init__(self, inp: EstimateInput, phases: tuple[PlannedPhase, ...]):
        self.self_pay: SelfPay = inp.coverage
        self.plan_code = inp.plan.code
        self.lines, self.changes = self_pay_lines(phases, inp.services)
        requested = {discount.code for discount in self.self_pay.discounts}
        self.offered = tuple(p for p in inp.packages if p.code not in requested)

    def self_pay_total(self, scheduled: tuple[ScheduledPhase, ...]) -> Decimal:
        """The cash price of the schedule, without discounts (requested or not)."""
        return sum((self.phase_cash(part) for part in scheduled), ZERO)

    def price(self, scheduled: tuple[ScheduledPhase, ...], notices: Notices) -> list[VisitDraft]:
        if self.offered:
            self._offer_packages(scheduled, notices)
        visits = []
        for part in scheduled:
            phase = part.phase.name
            items = self.lines[phase]
            changes = phase in self.changes
            for session, day in enumerate(part.dates, 1):
                if changes:  # each session at its own visit (2)
                    items = self.session_lines(phase, session)
                lines = [cash_line(terms, SELF_PAY) for terms in items]
                visits.append(VisitDraft(day, phase, None, lines, items))
        if self.self_pay.discounts:
            apply_discounts(self.self_pay, self.plan_code, scheduled, visits, notices)
        return visits

    def _offer_packages(self, scheduled: tuple[ScheduledPhase, ...], notices: Notices) -> None:
        """discount_available (section 4): per phase no requested package applies to, the
        lowest unrequested package price that does; amount = cash price - package price,
        before any sliding scale."""
        packaged = {
            part.phase.name
            for part in scheduled
            for discount in self.self_pay.discounts
            if isinstance(discount, PackagePrice)
            and package_applies(discount, self.plan_code, part)
        }
        for part in scheduled:
            if part.phase.name in packaged:
                continue
            cash = self.phase_cash(part)
            price, package = package_or_cash(self.offered, self.plan_code, part, cash)
            if package is not None:
                notices.add(
                    "discount_available", package.code, amount=cash - price, detail=package.name
                )
