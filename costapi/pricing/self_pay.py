"""Self-pay estimates (3.1): cash price per line, then the clinic's discounts."""

from .coverage import SELF_PAY
from .discounts import apply_discounts
from .inputs import EstimateInput, SelfPay
from .lines import VisitDraft, cash_line
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
        self.lines = self_pay_lines(phases, inp.services)

    def price(self, scheduled: tuple[ScheduledPhase, ...], notices: Notices) -> list[VisitDraft]:
        visits = []
        for part in scheduled:
            phase = part.phase.name
            items = self.lines[phase]
            for day in part.dates:
                lines = [cash_line(terms, SELF_PAY) for terms in items]
                visits.append(VisitDraft(day, phase, None, lines, items))
        if self.self_pay.discounts:
            apply_discounts(self.self_pay, self.plan_code, scheduled, visits, notices)
        return visits
