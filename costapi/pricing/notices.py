"""Warnings: one per code and subject, worded for patients."""

from .results import Notice
from .vocabulary import PAYER_KIND_NAMES
from .wording import dollars, long_date


class _Draft:
    __slots__ = ("code", "amount", "date", "month", "policy_id", "detail", "payer",
                 "clinic_amount")

    def __init__(self, code, amount, day, month, policy_id, detail, payer=None,
                 clinic_amount=None):
        self.code = code
        self.amount = amount
        self.date = day
        self.month = month
        self.policy_id = policy_id
        self.detail = detail
        self.payer = payer
        self.clinic_amount = clinic_amount


class Notices:
    """Collects warnings in the order they first occur, one per code and subject."""

    __slots__ = ("_drafts",)

    def __init__(self):
        self._drafts: dict[tuple, _Draft] = {}

    def add(
        self, code, subject=None, *, amount=None, day=None, month=None, policy_id=None,
        detail=None, payer=None, clinic_amount=None,
    ):
        """Warn once per code and subject; a repeat is ignored. `payer`: the secondary payer
        (its code) a warning is about."""
        key = (code, subject)
        if key not in self._drafts:
            self._drafts[key] = _Draft(code, amount, day, month, policy_id, detail, payer,
                                       clinic_amount)

    def tally(self, code, subject, amount, *, day=None, policy_id=None, detail=None, payer=None,
              clinic_amount=None):
        """Like add(), but a repeat adds its amount (and clinic_amount) to the first one's."""
        draft = self._drafts.get((code, subject))
        if draft is None:
            self._drafts[(code, subject)] = _Draft(code, amount, day, None, policy_id, detail,
                                                   payer, clinic_amount)
        else:
            draft.amount += amount
            if clinic_amount is not None:
                draft.clinic_amount += clinic_amount

    def extend(self, other: "Notices") -> None:
        for (code, subject), d in other._drafts.items():
            self.add(
                code,
                subject,
                amount=d.amount,
                day=d.date,
                month=d.month,
                policy_id=d.policy_id,
                detail=d.detail,
                payer=d.payer,
                clinic_amount=d.clinic_amount,
            )

    def freeze(self) -> tuple[Notice, ...]:
        return tuple(
            Notice(
                code=d.code,
                message=MESSAGES[d.code](d),
                amount=d.amount,
                date=d.date,
                month=d.month,
                policy_id=d.policy_id,
                payer=d.payer,
                clinic_amount=d.clinic_amount,
            )
            for d in self._drafts.values()
        )


def _authorization_required(d: _Draft) -> str:
    start = (f"Your plan needs prior authorization for some of these services from "
             f"{long_date(d.date)}.")
    if d.clinic_amount and not d.amount:
        return (f"{start} If it is denied, the clinic may not bill you for them (their cash "
                f"price is {dollars(d.clinic_amount)}) unless you sign a waiver before the visit.")
    return f"{start} If it is denied, you would pay the cash price of {dollars(d.amount)} for them."


CLINIC_REASON_WORDS = {
    "policy_exclusion": "your plan does not cover them",
    "diagnosis": "your plan does not cover them for the diagnosis given",
    "prior_authorization_denied": "prior authorization was denied",
    "visit_limit": "they are over your plan's visit limit",
}


def _clinic_liability(d: _Draft) -> str:
    return (
        f"Some of these services are not paid by your plan ({CLINIC_REASON_WORDS[d.detail]}), "
        f"but the clinic may not bill you for them: it writes off their cash price of "
        f"{dollars(d.amount)}. If you sign a waiver (for Medicare, an ABN) before the visit, "
        "you could be billed that cash price instead."
    )


def _state_unverified(d: _Draft) -> str:
    name, states = d.detail
    return (
        f"The {name} is not available in {_in_words(list(states))}; this estimate applies it "
        "because your state was not given."
    )


def _pharmacy_missing(d: _Draft) -> str:
    return (
        "Your medication is dispensed by a specialty pharmacy under your plan's pharmacy "
        "benefit, and your pharmacy copay or coinsurance was not given: this estimate "
        "counts $0 for it. Ask your plan (or the pharmacy) what a monthly fill costs you."
    )


def _no_policy_in_effect(d: _Draft) -> str:
    return (
        f"The clinic has no coverage rule of your plan in effect on {long_date(d.date)} for "
        "some of these services; this estimate assumes they are covered."
    )


def _no_contracted_rate(d: _Draft) -> str:
    return (
        f"The clinic has no contracted rate with your plan for {d.detail}; this estimate "
        f"prices it from the clinic's charge ({dollars(d.amount)} allowed in all)."
    )


def _diagnosis_required(d: _Draft) -> str:
    return (
        "Your plan covers some of these services only for certain diagnoses. "
        "Add your diagnosis codes to confirm the estimate."
    )


def _not_covered(d: _Draft) -> str:
    why = f" ({d.detail})" if d.detail else ""
    return (
        f"Your plan does not cover some of these services{why}. "
        f"You would pay the cash price of {dollars(d.amount)} for them."
    )


def _diagnosis_not_covered(d: _Draft) -> str:
    return (
        "Your plan does not cover some of these services for the diagnosis given. "
        f"You would pay the cash price of {dollars(d.amount)} for them."
    )


def _authorization_denied(d: _Draft) -> str:
    return (
        "Prior authorization was denied, so your plan does not cover some of these "
        f"services. You would pay the cash price of {dollars(d.amount)} for them."
    )


def _visit_limit(d: _Draft) -> str:
    return (
        "Your plan covers only a limited number of these visits each plan year. "
        f"Visits from {long_date(d.date)} are over the limit; you would pay the cash "
        f"price of {dollars(d.amount)} for them."
    )


def _out_of_network(d: _Draft) -> str:
    return (
        "This clinic is out of network for your plan: you pay the full charge at each "
        "visit and can send the claims to your plan. Any reimbursement shown is "
        "an expectation, not a guarantee."
    )


def _no_reimbursement(d: _Draft) -> str:
    if d.detail in ("medicare", "medicaid"):
        plan = "Medicare" if d.detail == "medicare" else "Medicaid"
        return (
            f"{plan} does not pay for care from out-of-network providers, so no "
            "reimbursement is expected."
        )
    return "No out-of-network benefits were given for your plan, so no reimbursement is expected."


def _explained(d: _Draft) -> str:
    return d.detail


def _assistance_exhausted(d: _Draft) -> str:
    return (
        f"The {d.detail} reaches its yearly maximum of {dollars(d.amount)} on "
        f"{long_date(d.date)}; from then on you pay your full share."
    )


def _plan_year_reset(d: _Draft) -> str:
    if d.payer:  # a secondary's year
        return (
            f"The benefit year of your {d.detail} starts again on {long_date(d.date)}: what "
            "it has counted toward its limits starts over from zero."
        )
    return (
        f"Your plan year starts again on {long_date(d.date)}: your deductible and "
        "out-of-pocket maximum start over from zero."
    )


AMOUNT_WORDS = {
    "deductible": "the deductible",
    "out_of_pocket_max": "the out-of-pocket maximum",
    "coinsurance": "the coinsurance",
    "family": "the family amounts",
    "pharmacy": "your pharmacy benefit",
    "pays_part_b_deductible": "whether it pays the Part B deductible",
    "coinsurance_share": "the share of coinsurance it pays",
    "office_visit_copay": "the office-visit copay",
}
MAP_WORDS = {"copays": "copay", "coinsurance_by_category": "coinsurance"}


def _amount_words(name: str) -> str:
    """deductible -> the deductible; copays.office_visit -> the office visit copay."""
    if "." in name:
        kind, category = name.split(".", 1)
        return f"the {category.replace('_', ' ')} {MAP_WORDS[kind]}"
    return AMOUNT_WORDS.get(name, name.replace("_", " "))


def _next_year_assumed(d: _Draft) -> str:
    name, carried = d.detail
    whose = f"your {name}" if d.payer else "your plan"
    return (
        f"The benefits of {whose} for the year starting {long_date(d.date)} are not known "
        f"yet: this estimate assumes {_in_words([_amount_words(n) for n in carried])} will "
        "not change."
    )


def _medicaid_crossover(d: _Draft) -> str:
    return (
        f"{d.detail} is expected to pay {dollars(d.amount)} of the cost sharing your primary "
        "plan leaves to you. Many states pay such claims at their own, lower rate; the "
        "clinic then writes off the difference, and what you pay stays the same."
    )


def _secondary_may_cover(d: _Draft) -> str:
    return (
        f"Your primary plan does not cover some of these services ({dollars(d.amount)} at "
        f"cash prices), but your {d.detail} may; ask the clinic to bill it. This estimate "
        "does not count on it."
    )


def _self_pay_cheaper(d: _Draft) -> str:
    return (
        f"Paying the clinic's cash prices ({dollars(d.amount)}) would cost you less "
        "than this estimate with your insurance."
    )


PLAN_KIND_NAMES = {"other": "other insurance plans"}


def _in_words(names: list[str]) -> str:
    """a, a and b, a, b and c."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _plan_not_for_payer(d: _Draft) -> str:
    kinds = [PLAN_KIND_NAMES.get(k) or PAYER_KIND_NAMES.get(k, k) for k in d.detail]
    return (
        f"This treatment plan is billed the way {_in_words(kinds)} are billed; ask the "
        "clinic for the plan that fits your insurance."
    )


def _program_available(d: _Draft) -> str:
    return (
        f"The {d.detail} could lower your cost by {dollars(d.amount)}; ask the clinic "
        "about enrolling."
    )


def _discount_available(d: _Draft) -> str:
    return (
        f'The clinic\'s package price "{d.detail}" applies to this plan and would save you '
        f"{dollars(d.amount)}; ask the clinic for it."
    )


def _start_moved(d: _Draft) -> str:
    return (
        "The clinic is closed on your start date, so your first visit is planned for "
        f"{long_date(d.date)}, the next day it is open."
    )


MESSAGES = {
    "start_moved": _start_moved,
    "prior_authorization_required": _authorization_required,
    "diagnosis_required": _diagnosis_required,
    "not_covered": _not_covered,
    "diagnosis_not_covered": _diagnosis_not_covered,
    "prior_authorization_denied": _authorization_denied,
    "visit_limit": _visit_limit,
    "out_of_network": _out_of_network,
    "out_of_network_no_reimbursement": _no_reimbursement,
    "assistance_not_applicable": _explained,
    "assistance_exhausted": _assistance_exhausted,
    "plan_year_reset": _plan_year_reset,
    "self_pay_cheaper": _self_pay_cheaper,
    "discount_not_applicable": _explained,
    "plan_not_for_payer": _plan_not_for_payer,
    "program_available": _program_available,
    "discount_available": _discount_available,
    "next_year_benefits_assumed": _next_year_assumed,
    "clinic_liability": _clinic_liability,
    "assistance_state_unverified": _state_unverified,
    "no_policy_in_effect": _no_policy_in_effect,
    "no_contracted_rate": _no_contracted_rate,
    "medicaid_crossover": _medicaid_crossover,
    "secondary_may_cover": _secondary_may_cover,
    "pharmacy_benefits_missing": _pharmacy_missing,
}
