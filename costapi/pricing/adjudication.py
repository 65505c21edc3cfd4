"""Insured estimates: each line in date order through 3.2 to 3.6."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from .accumulators import Accumulators
from .assistance import (
    ProgramLedger,
    apply_programs,
    payer_kinds,
    state_refuses,
    usable_programs,
)
from .benefit_years import BenefitYears, YearClock
from .cost_sharing import YearCostSharing
from .coverage import AUTHORIZATION_DENIED, DIAGNOSIS, EXCLUSION, VISIT_LIMIT, count_visit
from .inputs import EstimateInput, Insurance
from .liability import clinic_reasons
from .lines import LineDraft, VisitDraft, cash_line, covered_line
from .money import UNLIMITED, ZERO, optional_cents
from .notices import Notices
from .pharmacy import PharmacyYear, spread
from .results import Balances
from .rollups import net_patient_cost
from .schedule import PlannedPhase, ScheduledPhase
from .secondary import secondary_terms
from .strategy import Pricing
from .terms import (
    CONTRACTED,
    NONE,
    PHARMACY,
    PHARMACY_RATE,
    LineTerms,
    insured_lines,
    pharmacy_items,
)

NO_OUT_OF_NETWORK_PAYERS = ("medicare", "medicaid")
OUT_OF_NETWORK_MAPS = ("coinsurance_by_category",)  # no copays out of network (3.5)
REFUSAL_NOTICES = {
    EXCLUSION: "not_covered",
    DIAGNOSIS: "diagnosis_not_covered",
    AUTHORIZATION_DENIED: "prior_authorization_denied",
    VISIT_LIMIT: "visit_limit",
}


class InsuredPricing(Pricing):
    """Everything fixed for one insured estimate; each price() is one Adjudication pass."""

    causal = True

    def __init__(self, inp: EstimateInput, phases: tuple[PlannedPhase, ...]):
        insurance: Insurance = inp.coverage
        benefits = insurance.benefits
        kind = insurance.payer.kind
        self.start_date = inp.start_date
        self.plan_code = inp.plan.code
        self.packages = inp.packages
        self.plan_year_start = benefits.plan_year_start or date(inp.start_date.year, 1, 1)
        self.in_network = insurance.network != "out"
        self.accumulator_program = benefits.accumulator_program
        self.visits_used = {pid: int(n) for pid, n in benefits.visits_used.items()}
        self.setup = Notices()
        if self.in_network:
            self.network_benefits = benefits
            self.reimburses = False
            self.years = BenefitYears(benefits, insurance.payer.standard_benefits,
                                      self.plan_year_start, inp.start_date)  # fmt: skip
            self.years.check_met("coverage.benefits")
        else:
            self.network_benefits = benefits.out_of_network
            self.reimburses = (
                self.network_benefits is not None and kind not in NO_OUT_OF_NETWORK_PAYERS
            )
            self.years = BenefitYears(self.network_benefits, (), self.plan_year_start,
                                      inp.start_date, maps=OUT_OF_NETWORK_MAPS)  # fmt: skip
            self.setup.add("out_of_network")
            if not self.reimburses:
                cause = kind if kind in NO_OUT_OF_NETWORK_PAYERS else "no_benefits"
                self.setup.add("out_of_network_no_reimbursement", detail=cause)
            else:
                self.years.check_met("coverage.benefits.out_of_network")
        plan_kinds = inp.plan.payer_kinds
        if plan_kinds and kind not in plan_kinds:  # 3.2 step 8
            self.setup.add("plan_not_for_payer", detail=plan_kinds)
        self.clinic_reasons = clinic_reasons(insurance)  # 3.2 step 7
        self.denial_is_clinics = AUTHORIZATION_DENIED in self.clinic_reasons
        self.qmb = insurance.qmb
        self.authorization = insurance.prior_authorization
        self.has_rates = bool(insurance.payer.rates)
        self.secondary = secondary_terms(insurance, inp.plan.modality, self.plan_year_start,
                                         inp.start_date)  # fmt: skip
        dispensed = pharmacy_items(phases, inp.services)
        self.programs = usable_programs(insurance, self.setup, dispensed)
        usable = {program.code: index for index, program in enumerate(self.programs)}
        self.program_balances = tuple(
            (program.code, usable.get(program.code),
             optional_cents(program.annual_max, UNLIMITED)
             - optional_cents(insurance.programs_used.get(program.code), ZERO))
            for program in insurance.programs
        )  # fmt: skip
        self.lines, self.changes = insured_lines(phases, inp.services, inp.plan.modality,
                                                 insurance, self.programs)  # fmt: skip
        # 3.8: a fill spans the month's visits, so a visit depends on later ones too
        self.causal = not dispensed
        self.pharmacy_years = None  # the in-network plan years fills are priced in
        if dispensed:
            self.pharmacy_years = self.years if self.in_network else BenefitYears(
                benefits, insurance.payer.standard_benefits, self.plan_year_start,
                inp.start_date)  # fmt: skip
        self.last_pass = None  # (drafts, Adjudication) of the latest price(), for extend()
        self.inp, self.phases = inp, phases
        self.candidates = ()
        if self.in_network and insurance.available_programs:
            requested = {program.code for program in insurance.programs}
            kinds = payer_kinds(insurance)
            self.candidates = tuple(
                program for program in insurance.available_programs
                if program.code not in requested
                and (not program.payer_kinds or kinds <= set(program.payer_kinds))
                and not state_refuses(program, insurance.patient_state)
            )  # fmt: skip

    def price(self, scheduled: tuple[ScheduledPhase, ...], notices: Notices) -> list[VisitDraft]:
        """Adjudicate every visit of a schedule in date order."""
        notices.extend(self.setup)
        run = Adjudication(self, notices)
        if self.pharmacy_years is not None:  # fills look ahead over the month's visits
            run.plan = self._visit_plan(scheduled)
            drafts = [run.visit(day, phase) for day, phase, _terms in run.plan]
        else:
            drafts = [run.visit(day, part.phase.name) for part in scheduled for day in part.dates]
        self.last_pass = (drafts, run)
        return drafts

    def _visit_plan(self, scheduled) -> list[tuple[date, str, tuple[LineTerms, ...]]]:
        """(date, phase, line terms) of every visit of a schedule, sessions numbered (2)."""
        return [
            (day, part.phase.name, self.session_lines(part.phase.name, session))
            for part in scheduled
            for session, day in enumerate(part.dates, 1)
        ]

    def extend(
        self, drafts: list[VisitDraft], visits: list[tuple[date, str]], notices: Notices
    ) -> list[VisitDraft] | None:
        last, self.last_pass = self.last_pass, None
        if last is None or last[0] is not drafts:
            return None
        run = last[1]
        run.notices = notices
        return [run.visit(day, phase) for day, phase in visits]


    def offers(self, scheduled, drafts, net, notices) -> None:
        """program_available (3.6): per live program not requested that the payer's kind
        allows and that pays for a service or category of a covered line, one more pass on
        this schedule with it appended; warn when the net cost is lower (amount: by how much)."""
        if not self.candidates:
            return
        covered = set()
        for draft in drafts:
            for line, terms in zip(draft.lines, draft.terms, strict=True):
                if line.covered:
                    covered.add(terms.code)
                    covered.add(terms.category)
        for program in self.candidates:
            if covered.isdisjoint(program.services) and covered.isdisjoint(program.categories):
                continue
            insurance = replace(self.inp.coverage, programs=(*self.inp.coverage.programs, program),
                                available_programs=())
            pricing = InsuredPricing(replace(self.inp, coverage=insurance), self.phases)
            saving = net - net_patient_cost(pricing.price(scheduled, Notices()))
            if saving > 0:
                notices.add("program_available", program.code, amount=saving,
                            detail=f"{program.name} ({program.code})")


class Fill(NamedTuple):
    """A pharmacy fill adjudicated on its first visit (3.8): its lines (on that and later
    visits of the month), their terms, its deductible part and its number of sessions."""

    lines: list[LineDraft]
    terms: list[LineTerms]
    deductible: Decimal
    sessions: int


class Adjudication:
    """One pass over an insured schedule: accumulators, visit counts, program balances."""

    def __init__(self, pricing: InsuredPricing, notices: Notices):
        self.pricing = pricing
        self.notices = notices
        self.shares_cost = pricing.in_network or pricing.reimburses
        self.accumulators = None
        self.ledger = ProgramLedger(pricing.programs, pricing.start_date)
        self.clock = YearClock(pricing.years)
        self.year = None  # the plan year index of the current visit
        self.terms = None  # its YearTerms
        self.visit_counts: dict[int, int] = {}
        self.secondary = None if pricing.secondary is None else pricing.secondary.start()
        self.sessions: dict[str, int] = {}  # sessions so far per phase with visit changes
        # the pharmacy benefit (3.8): set by price() for plans with pharmacy lines
        self.plan = None  # (date, phase, line terms) of every visit of the schedule
        self.count = 0  # visits priced so far
        self.index = None  # the current visit's index in `plan`
        self.pharmacy = None  # the plan year's PharmacyYear
        self.medical = None  # the in-network Accumulators that integrated fills share
        self.filled: set[tuple[int, int, int]] = set()  # (plan year, year, month) of fills
        self.pending: dict[tuple[int, int], LineDraft] = {}  # (visit, line) -> a fill's line

    def visit(self, day: date, phase: str) -> VisitDraft:
        clock = self.clock
        if clock.next_start is None or day >= clock.next_start:  # a new plan year
            self.terms, first = clock.turn(day, self.notices)
            self.year = clock.index
            met = self.pricing.network_benefits if first else None
            if self.shares_cost:
                self.accumulators = Accumulators(self.terms, met)
            self.visit_counts = dict(self.pricing.visits_used) if first else {}
            self.cost_sharing = YearCostSharing(self.terms)
            if self.plan is not None:
                self._pharmacy_year(first)
        pricing = self.pricing
        fill = None
        if self.plan is not None:
            self.index = self.count
            self.count += 1
            terms = self.plan[self.index][2]
            if (self.year, day.year, day.month) not in self.filled:
                fill = self._fill(day, terms)
        elif phase in pricing.changes:  # the session's own visit (2)
            session = self.sessions[phase] = self.sessions.get(phase, 0) + 1
            terms = pricing.session_lines(phase, session)
        else:
            terms = pricing.lines[phase]
        lines = self._lines(day, terms)
        paid, items = lines, terms  # what this visit's payments apply to
        if self.plan is not None:  # a fill's lines are paid for on the fill's first visit
            paid, items = (list(fill.lines), list(fill.terms)) if fill else ([], [])
            for line, item in zip(lines, terms, strict=True):
                if not (line.covered and item.benefit == PHARMACY):
                    paid.append(line)
                    items.append(item)
        if self.secondary is not None:
            self.secondary.pay(day, paid, items, self.notices)
        if pricing.qmb and pricing.in_network:
            # Medicare cost sharing a QMB still owes is not billed (3.2 step 7); out of
            # network Medicare processes nothing, so there is no cost sharing to write off.
            # A pharmacy fill is not Part B cost sharing.
            for line in paid:
                if line.covered and line.patient_pays and line.benefit != PHARMACY:
                    line.clinic_write_off += line.patient_pays
                    line.patient_pays = ZERO
        if self.ledger.programs:
            in_fill = frozenset(map(id, fill.lines)) if fill else frozenset()
            share, paid_for = apply_programs(paid, items, self.ledger, day, self.notices,
                                             (in_fill, fill.sessions if fill else 0))  # fmt: skip
            if share and pricing.accumulator_program:
                self._take_back(share, paid_for, fill)
        draft = VisitDraft(day, phase, self.year, lines, terms)
        if self.accumulators is not None:
            draft.balances = self._balances(day)
        return draft

    def _balances(self, day: date) -> Balances:
        """The primary's remaining deductible and OOP after the visit, and each requested
        program's remaining yearly maximum (section 4)."""
        accumulators = self.accumulators
        left = accumulators.out_of_pocket_left
        programs = ()
        if self.pricing.program_balances:
            ledger, year = self.ledger, day.year
            remaining = (
                (code, fixed if index is None else ledger.remaining(index, year))
                for code, index, fixed in self.pricing.program_balances
            )
            programs = tuple((code, None if amount.is_infinite() else max(amount, ZERO))
                             for code, amount in remaining)  # fmt: skip
        return Balances(
            accumulators.deductible_remaining(),
            None if left.is_infinite() else max(left, ZERO),
            programs,
            None if self.pharmacy is None else self.pharmacy.deductible_remaining(),
        )

    def _pharmacy_year(self, first: bool) -> None:
        """Enter a plan year's pharmacy terms (3.8): `next_plan_year.pharmacy` or the first
        year's, met 0 after the first year; integrated amounts share the in-network medical
        accumulators (out of network: accumulators of their own)."""
        pricing = self.pricing
        year = pricing.pharmacy_years.year(self.clock.index)
        self.pharmacy = PharmacyYear(year.get("pharmacy"), first)
        if pricing.in_network:
            self.medical = self.accumulators
        else:
            self.medical = Accumulators(year, pricing.inp.coverage.benefits if first else None)

    def _fill(self, day: date, terms: tuple[LineTerms, ...]) -> "Fill | None":
        """The fill of this visit's month when its first covered pharmacy line is on this
        visit: its lines (on this and the month's later visits of the plan year, their
        coverage decided ahead as their own visits will decide it), adjudicated now."""
        if all(item.benefit != PHARMACY for item in terms):
            return None
        plan, index, end = self.plan, self.index, self.clock.next_start
        counts = dict(self.visit_counts)
        members = []  # (visit index, line index, terms, policy, authorization, date)
        for ahead in range(index, len(plan)):
            when, _phase, items = plan[ahead]
            if when >= end or when.month != day.month or when.year != day.year:
                break
            counted: set[int] = set()
            for position, item in enumerate(items):
                policy, authorization, reason = self._decide(when, item, counts, counted)
                if reason is None and item.benefit == PHARMACY:
                    members.append((ahead, position, item, policy, authorization, when))
        if not members or members[0][0] != index:
            return None  # no covered pharmacy line on this visit: the fill starts later
        self.filled.add((self.year, day.year, day.month))
        priced = []
        for *_where, item, _policy, _authorization, when in members:
            allowed, rate_id, basis = item.default_allowed, None, item.default_basis
            for rate in item.rates:
                if rate.starts <= when <= rate.ends:
                    allowed, rate_id, basis = rate.allowed, rate.id, PHARMACY_RATE
                    break
            priced.append((allowed, rate_id, basis))
        allowed = [amount for amount, _id, _basis in priced]
        if self.pharmacy.benefits is None:
            self.notices.add("pharmacy_benefits_missing", day=day)
        parts = self.pharmacy.parts(sum(allowed, ZERO), self.medical)
        lines = []
        for member, (amount, rate_id, basis), (share, deductible, copay, coinsurance) in zip(
            members, priced, spread(parts, allowed), strict=True
        ):
            ahead, position, item, policy, authorization, _when = member
            line = covered_line(
                item,
                allowed=amount,
                allowed_basis=basis,
                insurance_pays=amount - share,
                patient_pays=share,
                deductible=deductible,
                copay=copay,
                coinsurance=coinsurance,
                policy_id=None if policy is None else policy.id,
                rate_id=rate_id,
                prior_authorization=authorization,
            )
            self.pending[(ahead, position)] = line
            lines.append(line)
        return Fill(lines, [member[2] for member in members], parts[0],
                    len({member[0] for member in members}))

    def _take_back(self, share: Decimal, paid_for: list[LineDraft], fill) -> None:
        """A copay accumulator (3.6): the plan does not credit what point-of-sale programs
        paid: the deductible met falls by at most the deductible parts of the programs'
        lines, OOP met by the whole share; a fill's part in its own accumulators (3.8)."""
        in_fill = fill.lines if fill else ()
        fill_share = sum([line.assistance_pays for line in in_fill], ZERO)
        medical_share = share - fill_share
        if medical_share and self.accumulators is not None:
            deductible_parts = sum([line.deductible for line in paid_for
                                    if all(line is not own for own in in_fill)], ZERO)
            self.accumulators.add(-min(medical_share, deductible_parts), -medical_share)
        if fill_share:
            self.pharmacy.add(-min(fill_share, fill.deductible), -fill_share, self.medical)

    def _decide(self, day: date, terms: LineTerms, counts: dict, counted: set):
        """Steps 1-5 of 3.2 for one line: (the policy in effect or None, the authorization
        status that applies or None, the reason it is not covered or None). Counts the
        visit toward the policy's yearly limit in `counts` (once per visit: `counted`)."""
        for policy in terms.policies:  # step 1: the most specific in effect
            if policy.starts <= day <= policy.ends:
                break
        else:
            return None, None, None
        authorization = None
        if policy.policy.prior_authorization:
            authorization = self.pricing.authorization
            if authorization == "approved" and day.toordinal() > policy.authorized_through:
                authorization = "expired"
        reason = policy.refusal  # steps 2-4
        if reason is None and policy.max_visits is not None:
            reason = count_visit(policy, counts, counted)  # step 5
        return policy, authorization, reason

    def _lines(self, day: date, items: tuple[LineTerms, ...]) -> list[LineDraft]:
        """Adjudicate one visit's lines in the order the visit lists them."""
        pricing = self.pricing
        notices = self.notices
        accumulators = self.accumulators
        cost_sharing = self.cost_sharing
        in_network = pricing.in_network
        ordinal = day.toordinal()
        counted: set[int] = set()
        copay_owed: dict[str, Decimal] = {}
        lines = []
        for position, terms in enumerate(items):
            policy, authorization, reason = self._decide(day, terms, self.visit_counts, counted)
            policy_id = None
            if policy is not None:
                policy_id = policy.id
                if reason is not None:  # steps 6-7
                    lines.append(self._not_covered(terms, policy, reason, day, authorization))
                    continue
                if policy.needs_diagnosis:
                    notices.add("diagnosis_required", policy_id, policy_id=policy_id)
                if ordinal > policy.authorized_through:
                    clinic = pricing.denial_is_clinics
                    notices.tally("prior_authorization_required", policy_id,
                                  ZERO if clinic else terms.cash, day=day, policy_id=policy_id,
                                  clinic_amount=terms.cash if clinic else ZERO)  # fmt: skip
            elif terms.policies:  # 3.2 step 8: policies for the line, none in effect
                notices.add("no_policy_in_effect", day=day)
            if terms.benefit == PHARMACY:  # priced with its fill (3.8), in any network
                lines.append(self.pending.pop((self.index, position)))
                continue
            category = terms.category
            if in_network:  # 3.3 allowed: the rate in effect, else the default; 3.4
                allowed, rate_id, basis = terms.default_allowed, None, terms.default_basis
                for rate in terms.rates:
                    if rate.starts <= day <= rate.ends:
                        allowed, rate_id, basis = rate.allowed, rate.id, CONTRACTED
                        break
                if rate_id is None and pricing.has_rates:
                    notices.tally("no_contracted_rate", terms.code, allowed, day=day,
                                  detail=terms.code)  # fmt: skip
                deductible, copay, share = cost_sharing.parts(allowed, category, copay_owed,
                                                              accumulators)  # fmt: skip
                paid = deductible + copay + share
                line = covered_line(
                    terms,
                    allowed=allowed,
                    allowed_basis=basis,
                    insurance_pays=allowed - paid,
                    patient_pays=paid,
                    deductible=deductible,
                    copay=copay,
                    coinsurance=share,
                    policy_id=policy_id,
                    rate_id=rate_id,
                    prior_authorization=authorization,
                )
            elif accumulators is not None:  # 3.5 out of network, reimbursed
                allowed = terms.out_of_network_allowed  # no copays out of network
                deductible, _copay, share = cost_sharing.parts(allowed, category, copay_owed,
                                                               accumulators)  # fmt: skip
                line = covered_line(
                    terms,
                    allowed=allowed,
                    allowed_basis=terms.out_of_network_basis,
                    insurance_pays=ZERO,
                    patient_pays=terms.charge,
                    deductible=deductible,
                    coinsurance=share,
                    expected_reimbursement=allowed - deductible - share,
                    policy_id=policy_id,
                    prior_authorization=authorization,
                )
            else:  # out of network, no reimbursement: the payer processes nothing
                line = covered_line(
                    terms,
                    allowed=ZERO,
                    allowed_basis=NONE,
                    insurance_pays=ZERO,
                    patient_pays=terms.charge,
                    policy_id=policy_id,
                    prior_authorization=authorization,
                )
            lines.append(line)
        return lines

    def _not_covered(self, terms, policy, reason: str, day: date, authorization) -> LineDraft:
        """Steps 6-7: the patient pays the cash price, or the clinic writes it off; nothing
        counts toward the accumulators."""
        detail = policy.policy.reason if reason == EXCLUSION else None
        clinic = reason in self.pricing.clinic_reasons
        if clinic:
            self.notices.tally("clinic_liability", reason, terms.cash, day=day, detail=reason)
        else:
            subject = (policy.id, self.year) if reason == VISIT_LIMIT else policy.id
            self.notices.tally(REFUSAL_NOTICES[reason], subject, terms.cash, day=day,
                               policy_id=policy.id, detail=detail)  # fmt: skip
        return cash_line(terms, reason, reason_detail=detail, policy_id=policy.id,
                         clinic=clinic, prior_authorization=authorization)  # fmt: skip
