"""plan_not_for_payer (3.2 step 8), program_available (3.6), package prices in
self_pay_total and discount_available (section 4): every amount worked by hand."""

from dataclasses import replace

from costapi.pricing import (
    EstimateInput,
    PackagePrice,
    Plan,
    Policy,
    Program,
    SelfPay,
    SlidingScale,
    Tier,
    estimate,
)
from tests.pricing.builders import (
    INFUSION,
    SERVICES,
    SPRAVATO,
    START,
    D,
    check,
    insured,
    payer,
    plan,
    run,
    weekly,
)


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
    result = run(for_kinds(plan(weekly(1, INFUSION)), "medicare"), SelfPay())
    check(result, {"warnings": []})


# ---- program_available (3.6) ------------------------------------------------------------
# Two weekly Spravato visits (J0013 x 56 + 99214), allowed at 80%: 448.00 + 160.00 = 608.00;
# a 5,000.00 deductible, nothing met: the patient pays all of it, 2 x 608.00 = 1,216.00.
# A copay card for J0013 (the patient pays 10.00 a visit): 448.00 - 10.00 = 438.00 a visit.

CARD = Program("copay-card", "Copay Card", services=("J0013",), payer_kinds=("commercial",),
               patient_pays_per_visit=D("10.00"), annual_max=D("1000.00"))


def spravato_plan():
    return plan(weekly(2, SPRAVATO), modality="esketamine_nasal")


def with_available(*programs, **kw):
    coverage = insured(deductible="5000.00", **kw)
    return replace(coverage, available_programs=tuple(programs))


def test_a_live_program_not_requested_that_would_pay_is_offered_with_the_saving():
    result = run(spravato_plan(), with_available(CARD))
    # the estimate itself is without it: 1,216.00; with it 1,216.00 - 2 x 438.00 = 340.00
    # (cash 2 x (448.00 + 150.00) = 1,196.00 is below 1,216.00: self_pay_cheaper too)
    check(result, {"totals.net_patient_cost": "1216.00",
                   "warnings": ["self_pay_cheaper", "program_available"],
                   "warning:program_available": {
                       "amount": "876.00",
                       "message": "The Copay Card (copay-card) could lower your cost by "
                                  "$876.00; ask the clinic about enrolling."}})


def test_the_saving_stops_at_the_programs_annual_maximum():
    small = replace(CARD, annual_max=D("500.00"))
    # visit 1: 438.00; visit 2: min(438.00, 500.00 - 438.00 = 62.00) = 62.00; 500.00 in all
    check(run(spravato_plan(), with_available(small)),
          {"warning:program_available": {"amount": "500.00"}})


def test_a_category_program_counts_too():
    by_category = replace(CARD, services=(), categories=("drug",))  # J0013 is a drug
    check(run(spravato_plan(), with_available(by_category)),
          {"warning:program_available": {"amount": "876.00"}})


def test_no_offer_when_requested_other_kind_other_services_out_of_network_or_no_saving():
    cases = [
        insured(deductible="5000.00", programs=(CARD,)),  # requested: no extra pass
        with_available(replace(CARD, payer_kinds=("medicare",))),  # the payer kind bars it
        with_available(replace(CARD, services=("G2082",))),  # pays for no line of the plan
        with_available(replace(CARD, patient_pays_per_visit=D("448.00"))),  # saves 0
        replace(with_available(CARD), network="out"),  # programs: in network only
    ]
    requested = run(spravato_plan(), cases[0])
    check(requested, {"totals.net_patient_cost": "340.00"})
    for coverage in cases:
        codes = [w.code for w in run(spravato_plan(), coverage).warnings]
        assert "program_available" not in codes, (coverage, codes)


def test_a_program_for_a_line_the_payer_does_not_cover_is_not_offered():
    excluded = payer(policies=(Policy(1, service="J0013", covered=False, reason="Excluded"),))
    result = run(spravato_plan(), replace(with_available(CARD), payer=excluded))
    assert "program_available" not in [w.code for w in result.warnings]


# ---- package prices: self_pay_total and discount_available (section 4, 3.9) --------------
# Three weekly infusions (96365 + J3490): cash 400.00 + 60.00 = 460.00 a visit, 1,380.00;
# allowed at 80%: 360.00 + 64.00 = 424.00 a visit.

PACKAGE = PackagePrice("series-pkg", "Series package", "plan", "series", 3, D("1200.00"))
DEARER = PackagePrice("series-dear", "Dearer package", "plan", "series", 3, D("1300.00"))
OTHER = (
    PackagePrice("four", "Four sessions", "plan", "series", 4, D("100.00")),  # count differs
    PackagePrice("elsewhere", "Other plan", "other-plan", "series", 3, D("100.00")),
    PackagePrice("phase", "Other phase", "plan", "boosters", 3, D("100.00")),
)


def priced(coverage, packages):
    return estimate(EstimateInput(plan(weekly(3)), SERVICES, START, coverage,
                                  packages=tuple(packages)))


def test_self_pay_total_takes_the_lowest_package_that_applies():
    result = priced(insured(), (DEARER, PACKAGE, *OTHER))
    assert result.self_pay_total == D("1200.00")  # min(1,380.00, 1,300.00, 1,200.00)
    assert priced(insured(), OTHER).self_pay_total == D("1380.00")  # none applies: cash


def test_self_pay_cheaper_fires_when_the_package_is_below_the_insured_cost():
    # deductible 5,000.00: the patient pays 3 x 424.00 = 1,272.00, below the cash 1,380.00
    coverage = insured(deductible="5000.00")
    check(priced(coverage, ()), {"totals.net_patient_cost": "1272.00", "warnings": []})
    # with the package 1,200.00 < 1,272.00
    check(priced(coverage, (PACKAGE,)), {"self_pay_total": "1200.00",
                                         "warning:self_pay_cheaper": {"amount": "1200.00"}})


def test_a_self_pay_estimate_is_told_of_the_package_it_did_not_request():
    result = priced(SelfPay(), (DEARER, PACKAGE, *OTHER))
    # the lowest that applies: 1,380.00 - 1,200.00 = 180.00; the estimate stays at cash
    check(result, {"totals.patient_pays": "1380.00", "self_pay_total": "1380.00",
                   "warnings": ["discount_available"],
                   "warning:discount_available": {
                       "amount": "180.00",
                       "message": 'The clinic\'s package price "Series package" applies to '
                                  "this plan and would save you $180.00; ask the clinic for "
                                  "it."}})


def test_the_saving_is_before_any_sliding_scale():
    scale = SlidingScale("scale", "Scale", D("10000"), D("0"), (Tier(400, D("0.50")),))
    result = priced(SelfPay(D("10000"), 1, (scale,)), (PACKAGE,))
    # 1,380.00 at 50% off: 690.00; the package's saving alone stays 180.00
    check(result, {"totals.patient_pays": "690.00",
                   "warning:discount_available": {"amount": "180.00"}})


def test_a_requested_package_gets_no_discount_available():
    result = priced(SelfPay(discounts=(PACKAGE,)), (PACKAGE, DEARER))
    check(result, {"totals.patient_pays": "1200.00", "warnings": []})
