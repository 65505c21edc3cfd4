"""plan_not_for_payer (3.2 step 8), program_available (3.6), package prices in
self_pay_total and discount_available (section 4): every amount worked by hand."""

from costapi.pricing import Plan
from tests.pricing.builders import INFUSION, check, insured, payer, plan, run, weekly


def for_kinds(the_plan: Plan, *kinds: str) -> Plan:
    return Plan(the_plan.code, the_plan.modality, the_plan.phases, payer_kinds=kinds)


def test_a_payer_kind_the_plan_does_not_list_gets_plan_not_for_payer():
    split_billing = for_kinds(plan(weekly(2)), "commercial", "other")
    result = run(split_billing, insured(payer_=payer(kind="medicare")))
    check(result, {"warning:plan_not_for_payer": {
        "message": "This treatment plan is billed the way commercial insurance plans and other "
                   "insurance plans are billed; ask the clinic for the plan that fits your "
                   "insurance.",
        "amount": None}})
    # priced as the rules say all the same: 2 x (360 + 64) allowed, nothing met, no coinsurance
    check(result, {"totals.allowed": "848.00"})


def test_a_listed_kind_or_a_plan_without_kinds_gets_no_warning():
    for the_plan in (for_kinds(plan(weekly(2)), "medicare"), plan(weekly(2))):
        result = run(the_plan, insured(payer_=payer(kind="medicare")))
        check(result, {"warnings": []})


def test_self_pay_never_gets_plan_not_for_payer():
    from costapi.pricing import SelfPay

    result = run(for_kinds(plan(weekly(1, INFUSION)), "medicare"), SelfPay())
    check(result, {"warnings": []})
