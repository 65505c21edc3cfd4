"""Insured estimates: each line in date order through 3.2 to 3.6."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

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
from .results import Balances
from .rollups import net_patient_cost
from .schedule import PlannedPhase, ScheduledPhase
from .secondary import secondary_terms
from .strategy import Pricing
from .terms import CONTRACTED, NONE, LineTerms, insured_lines

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
        self.programs = usable_programs(insurance, self.setup)
        usable = {program.code: index for index, program in enumerate(self.programs)}
        self.program_balances = tuple(
            (program.code, usable.get(program.code),
             optional_cents(program.annual_max, UNLIMITED)
             - optional_cents(insurance.programs_used.get(program.code), ZERO))
            for program in insurance.programs
        )  # fmt: skip
        self.lines, self.changes = insured_lines(phases, inp.services, inp.plan.modality,
                                                 insurance, self.programs)  # fmt: skip
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
        drafts = [run.visit(day, part.phase.name) for part in scheduled for day in part.dates]
        self.last_pass = (drafts, run)
        return drafts

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
        pricing = self.pricing
        if phase in pricing.changes:  # the session's own visit (2)
            session = self.sessions[phase] = self.sessions.get(phase, 0) + 1
            terms = pricing.session_lines(phase, session)
        else:
            terms = pricing.lines[phase]
        lines = self._lines(day, terms)
        if self.secondary is not None:
            self.secondary.pay(day, lines, terms, self.notices)
        if pricing.qmb and pricing.in_network:
            # Medicare cost sharing a QMB still owes is not billed (3.2 step 7); out of
            # network Medicare processes nothing, so there is no cost sharing to write off
            for line in lines:
                if line.covered and line.patient_pays:
                    line.clinic_write_off += line.patient_pays
                    line.patient_pays = ZERO
        if self.ledger.programs:
            share, paid_for = apply_programs(lines, terms, self.ledger, day, self.notices)
            if share and pricing.accumulator_program:
                # a copay accumulator: the plan does not credit what the programs paid
                deductible_parts = sum([line.deductible for line in paid_for], ZERO)
                self.accumulators.add(-min(share, deductible_parts), -share)
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
        )

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
        for terms in items:
            policy = None
            for candidate in terms.policies:  # step 1: the most specific in effect
                if candidate.starts <= day <= candidate.ends:
                    policy = candidate
                    break
            policy_id = authorization = None
            if policy is not None:
                policy_id = policy.id
                if policy.policy.prior_authorization:
                    authorization = pricing.authorization
                    if authorization == "approved" and ordinal > policy.authorized_through:
                        authorization = "expired"
                reason = policy.refusal  # steps 2-4
                if reason is None and policy.max_visits is not None:
                    reason = count_visit(policy, self.visit_counts, counted)  # step 5
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
