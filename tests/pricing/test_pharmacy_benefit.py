"""The pharmacy benefit (domain 3.8), worked by hand.

Visit: Spravato 56 mg dispensed by a specialty pharmacy (J0013 x 56, benefit pharmacy) and
an office visit (99214, unit charge 200.00, allowed 80 % = 160.00). The payer's pharmacy
rate for J0013 is 9.00 per mg, so a session's drug is allowed 56 x 9 = 504.00; its charge
is 0 (the clinic bills nothing) and its cash price 56 x 8.00 = 448.00.
One calendar month's covered pharmacy lines within one plan year are one fill, adjudicated
on its first visit, before that visit's medical lines; its parts are spread over its lines
(money.allocate: equal lines get equal shares, the last takes the remainder).
"""
from dataclasses import replace
from datetime import date

from costapi.pricing import (
    NetworkBenefits,
    PharmacyBenefits,
    Policy,
    Program,
    Rate,
    SelfPay,
    VisitItem,
    YearAmounts,
    as_dict,
)

from .builders import D, check, insured, payer, phase, plan, run
from .secondary_builders import cob, medicare, medigap, with_secondary

DISPENSED = (VisitItem("J0013", 56, "pharmacy"), VisitItem("99214"))
PHARMACY_RATE = Rate(1, "J0013", D("9.00"), benefit="pharmacy")
MEDICAL_RATE = Rate(2, "J0013", D("11.00"))  # never used for a pharmacy line
PAYER = payer(rates=[PHARMACY_RATE, MEDICAL_RATE])
MEDICATION = Program("medication", "Medication program", services=("J0013",),
                     payer_kinds=("commercial",), patient_pays_per_visit=D("10.00"),
                     annual_max=D("15000.00"))


def weekly_plan(sessions):
    return plan(phase("series", sessions, DISPENSED, every=7), modality="esketamine_nasal")


def pharmacy(**amounts):
    return PharmacyBenefits(**{k: D(v) if isinstance(v, str) else v
                               for k, v in amounts.items()})


def coverage(pharmacy_=None, *, payer_=PAYER, **benefits):
    return insured(payer_=payer_, pharmacy=pharmacy_, **benefits)


def test_a_copay_per_fill_is_owed_once_a_month_and_spread_over_its_sessions():
    # Mondays Jan 18, 25, Feb 1, 8, 15, 22 (2027): a January fill of 2 sessions (allowed
    # 2 x 504 = 1008) and a February fill of 4 (2016). Copay 50.00 per fill: 25.00 a line in
    # January, 12.50 in February. 99214: coinsurance 0.20 x 160 = 32.00 every visit.
    result = run(weekly_plan(6), coverage(pharmacy(copay_per_fill="50.00"), coinsurance="0.20"),
                 start=date(2027, 1, 18))
    check(result, {
        "visits.0.lines.0.benefit": "pharmacy",
        "visits.0.lines.0.charge": "0.00",
        "visits.0.lines.0.cash": "448.00",
        "visits.0.lines.0.allowed": "504.00",
        "visits.0.lines.0.allowed_basis": "pharmacy_rate",
        "visits.0.lines.0.rate_id": 1,
        "visits.0.lines.0.copay": "25.00",
        "visits.0.lines.0.insurance_pays": "479.00",  # 504 - 25
        "visits.1.lines.0.copay": "25.00",
        "visits.2.lines.0.copay": "12.50",
        "visits.5.lines.0.copay": "12.50",
        "visits.0.lines.1.benefit": "medical",
        "visits.0.lines.1.coinsurance": "32.00",
        "months.0.patient_pays": "114.00",  # 2 x (25 + 32)
        "months.1.patient_pays": "178.00",  # 4 x (12.50 + 32)
        "totals.copay": "100.00",  # two fills
        "totals.charges": "1200.00",  # 6 x 200: the drug is not the clinic's to bill
        "totals.patient_pays": "292.00",  # 100 + 6 x 32
        "self_pay_total": "3588.00",  # cash 6 x (448 + 150)
    })


def test_coinsurance_is_capped_per_fill_and_by_the_integrated_out_of_pocket_maximum():
    # OOP max 500, met 300: 200 left, shared by fills (integrated, the default).
    # Jan 4, 11, 18, 25 and Feb 1 (2027). January fill: allowed 4 x 504 = 2016; coinsurance
    # 0.25 x 2016 = 504.00, capped per fill at 150.00 (OOP left 200): 150, 37.50 a line;
    # OOP left 50. It comes before Jan 4's 99214: 0.20 x 160 = 32.00 (left 18), then Jan
    # 11's 99214 18.00 (left 0); nothing after. February's fill: 0.
    result = run(weekly_plan(5), coverage(
        pharmacy(coinsurance="0.25", coinsurance_max_per_fill="150.00"),
        coinsurance="0.20", out_of_pocket_max="500", out_of_pocket_met="300"))
    check(result, {
        "visits.0.lines.0.coinsurance": "37.50",
        "visits.3.lines.0.coinsurance": "37.50",
        "visits.0.lines.1.coinsurance": "32.00",
        "visits.0.balances.out_of_pocket_remaining": "18.00",  # 200 - 150 - 32
        "visits.1.lines.1.coinsurance": "18.00",
        "visits.1.balances.out_of_pocket_remaining": "0.00",
        "visits.2.lines.1.patient_pays": "0.00",
        "visits.4.lines.0.patient_pays": "0.00",  # February's fill, OOP met
        "visits.4.lines.0.insurance_pays": "504.00",
        "totals.patient_pays": "200.00",  # exactly the OOP left
    })


def test_a_separate_out_of_pocket_limit_leaves_the_medical_one_alone():
    # Pharmacy OOP 100 of its own (not integrated); medical OOP 500 untouched by fills.
    # January fill (Jan 4, 11): coinsurance 0.25 x 1008 = 252.00 -> capped by 100 left:
    # 100.00, 50.00 a line. 99214 32.00 twice: medical OOP 500 - 64 = 436.
    result = run(weekly_plan(2), coverage(
        pharmacy(coinsurance="0.25", integrated_out_of_pocket=False, out_of_pocket_max="100"),
        coinsurance="0.20", out_of_pocket_max="500"))
    check(result, {
        "visits.0.lines.0.coinsurance": "50.00",
        "visits.1.lines.0.coinsurance": "50.00",
        "visits.1.balances.out_of_pocket_remaining": "436.00",
        "totals.patient_pays": "164.00",  # 100 + 64
    })


def test_a_fill_splits_at_a_plan_year_anniversary_inside_the_month():
    # Plan year from July 15. Thursdays Jul 1, 8 | Jul 15, 22, 29 (2027): two July fills.
    # Separate pharmacy deductible 600, met 400 in the first year; coinsurance 0.10.
    # Fill 1 (Jul 1, 8): allowed 1008; deductible min(1008, 200) = 200; 0.10 x 808 = 80.80;
    #   280.80 = 140.40 a line (deductible 100.00 + coinsurance 40.40).
    # Fill 2 (Jul 15-29, a new plan year, met 0): allowed 1512; deductible 600;
    #   0.10 x 912 = 91.20; 691.20 = 230.40 a line (deductible 200.00 + coinsurance 30.40).
    # Medical: no deductible, 0.20 x 160 = 32.00 a visit.
    result = run(weekly_plan(5), coverage(
        pharmacy(deductible="600", deductible_met="400", coinsurance="0.10"),
        coinsurance="0.20", plan_year_start=date(2026, 7, 15)), start=date(2027, 7, 1))
    check(result, {
        "visits.0.lines.0.patient_pays": "140.40",
        "visits.0.lines.0.deductible": "100.00",
        "visits.0.lines.0.coinsurance": "40.40",
        "visits.1.lines.0.patient_pays": "140.40",
        "visits.0.balances.pharmacy_deductible_remaining": "0.00",  # the whole fill's 200
        "visits.2.lines.0.patient_pays": "230.40",
        "visits.2.lines.0.deductible": "200.00",
        "visits.2.lines.0.coinsurance": "30.40",
        "visits.4.lines.0.patient_pays": "230.40",
        "visits.2.balances.pharmacy_deductible_remaining": "0.00",  # 600 met at once
        "plan_years.0.deductible": "200.00",
        "plan_years.1.deductible": "600.00",
        "months.0.patient_pays": "1132.00",  # 280.80 + 691.20 + 5 x 32 = 972 + 160
        "totals.patient_pays": "1132.00",
        "warning:plan_year_reset": {"date": "2027-07-15"},
        "warning:next_year_benefits_assumed": {"date": "2027-07-15"},
    })
    [assumed] = [w for w in as_dict(result)["warnings"]
                 if w["code"] == "next_year_benefits_assumed"]
    assert "your pharmacy benefit" in assumed["message"]


def test_next_plan_year_pharmacy_replaces_the_whole_object():
    # As above, but the second year's pharmacy benefit is a 40.00 copay per fill with no
    # deductible: fill 2 costs 40.00, 13.33 + 13.33 + 13.34 (allocate: the last takes the
    # remainder). Fill 1 as above: 280.80.
    result = run(weekly_plan(5), coverage(
        pharmacy(deductible="600", deductible_met="400", coinsurance="0.10"),
        coinsurance="0.20", plan_year_start=date(2026, 7, 15),
        next_plan_year=YearAmounts(coinsurance=D("0.20"),
                                   pharmacy=pharmacy(copay_per_fill="40.00"))),
        start=date(2027, 7, 1))
    check(result, {
        "visits.2.lines.0.copay": "13.33",
        "visits.3.lines.0.copay": "13.33",
        "visits.4.lines.0.copay": "13.34",
        "visits.2.lines.0.deductible": "0.00",
        "totals.patient_pays": "480.80",  # 280.80 + 40 + 5 x 32
        "warnings": ["no_contracted_rate", "plan_year_reset"],  # nothing carried
    })
    assert "pharmacy_deductible_remaining" not in as_dict(result)["visits"][2]["balances"]


def test_an_integrated_deductible_is_met_by_the_fill_before_the_visit_lines():
    # HSA-qualified plan: one deductible of 1000 for both benefits. Jan 4 and 11: the fill
    # (allowed 1008) pays deductible 1000 first, then 0.10 x 8 = 0.80: 1000.80 = 500.40 a
    # line (deductible 500.00 + coinsurance 0.40). Jan 4's 99214 then has no deductible
    # left: 0.20 x 160 = 32.00.
    result = run(weekly_plan(2), coverage(
        pharmacy(integrated_deductible=True, coinsurance="0.10"),
        deductible="1000", coinsurance="0.20"))
    check(result, {
        "visits.0.lines.0.deductible": "500.00",
        "visits.0.lines.0.coinsurance": "0.40",
        "visits.0.lines.1.deductible": "0.00",
        "visits.0.lines.1.coinsurance": "32.00",
        "visits.0.balances.deductible_remaining": "0.00",
        "totals.patient_pays": "1064.80",  # 1000.80 + 2 x 32
    })
    assert "pharmacy_deductible_remaining" not in as_dict(result)["visits"][0]["balances"]


def test_the_medication_program_leaves_ten_dollars_per_session_of_a_fill():
    # Copay 100.00 per fill, Jan 4-25 (4 sessions): 25.00 a line. The program pays
    # 100 - 4 x 10.00 = 60.00 on the fill's first visit, off the fill's lines in order:
    # 25, 25, 10. The patient pays 0, 0, 15, 25 for the drug; 99214 32.00 each.
    result = run(weekly_plan(4), replace(coverage(pharmacy(copay_per_fill="100.00"),
                                                  coinsurance="0.20"), programs=(MEDICATION,)))
    check(result, {
        "visits.0.lines.0.assistance_pays": "25.00",
        "visits.1.lines.0.assistance_pays": "25.00",
        "visits.2.lines.0.assistance_pays": "10.00",
        "visits.2.lines.0.patient_pays": "15.00",
        "visits.3.lines.0.assistance_pays": "0.00",
        "visits.3.lines.0.patient_pays": "25.00",
        "totals.assistance_pays": "60.00",
        "totals.patient_pays": "168.00",  # 40 + 4 x 32
        "visits.0.balances.programs_remaining.medication": "14940.00",  # 15000 - 60
    })


def test_a_copay_accumulator_takes_a_fill_program_share_back_off_the_pharmacy_deductible():
    # Separate pharmacy deductible 300; coinsurance 0.10. Jan 4, 11: fill allowed 1008,
    # deductible 300, 0.10 x 708 = 70.80: 370.80. The program pays 370.80 - 2 x 10 =
    # 350.80; with an accumulator the plan takes back min(350.80, 300) off the pharmacy
    # deductible met: remaining 0 + 300 = 300.00.
    result = run(weekly_plan(2), replace(coverage(
        pharmacy(deductible="300", coinsurance="0.10"), coinsurance="0.20",
        accumulator_program=True), programs=(MEDICATION,)))
    check(result, {
        "totals.assistance_pays": "350.80",
        "visits.0.balances.pharmacy_deductible_remaining": "300.00",
        "totals.patient_pays": "84.00",  # 20 + 2 x 32
    })


def test_without_pharmacy_benefits_the_fill_costs_nothing_and_says_so():
    result = run(weekly_plan(2), coverage(coinsurance="0.20"))
    check(result, {
        "visits.0.lines.0.patient_pays": "0.00",
        "visits.0.lines.0.insurance_pays": "504.00",
        "totals.patient_pays": "64.00",  # 2 x 32
        "warning:pharmacy_benefits_missing": {"date": "2027-01-04"},
    })


def test_without_a_pharmacy_rate_the_list_price_is_allowed():
    # Only the medical J0013 rate: the pharmacy line is allowed the list price, 56 x 10.00
    # = 560.00. Copay 30.00 for the one-session fill.
    result = run(weekly_plan(1), coverage(pharmacy(copay_per_fill="30"), coinsurance="0.20",
                                          payer_=payer(rates=[MEDICAL_RATE])))
    check(result, {
        "visits.0.lines.0.allowed": "560.00",
        "visits.0.lines.0.allowed_basis": "list_price",
        "visits.0.lines.0.rate_id": None,
        "visits.0.lines.0.insurance_pays": "530.00",
        "warning:no_contracted_rate": {"amount": "160.00"},  # the 99214 line only
    })


def test_a_pharmacy_line_the_plan_excludes_costs_its_cash_price():
    excluded = Policy(5, service="J0013", covered=False, reason="Not on formulary")
    result = run(weekly_plan(2), coverage(
        pharmacy(copay_per_fill="50"), coinsurance="0.20",
        payer_=payer(rates=[PHARMACY_RATE], policies=[excluded])))
    check(result, {
        "visits.0.lines.0.covered": False,
        "visits.0.lines.0.charge": "0.00",
        "visits.0.lines.0.patient_pays": "448.00",  # the cash price
        "visits.0.lines.0.benefit": "pharmacy",
        "totals.copay": "0.00",  # no covered line, no fill
        "totals.patient_pays": "960.00",  # 2 x (448 + 32)
    })


def test_a_month_whose_first_pharmacy_line_is_refused_starts_its_fill_later():
    # Step therapy: J0013 is excluded until Jan 10 and covered from Jan 11. Jan 4's drug
    # costs its cash price 448.00; the January fill is Jan 11 + 18 (2 x 504), adjudicated
    # on Jan 11: copay 50, 25.00 a line.
    refused = Policy(6, service="J0013", covered=False, reason="Step therapy first",
                     effective_to=date(2027, 1, 10))
    allowed = Policy(7, service="J0013", covered=True, effective_from=date(2027, 1, 11))
    result = run(weekly_plan(3), coverage(
        pharmacy(copay_per_fill="50"), coinsurance="0.20",
        payer_=payer(rates=[PHARMACY_RATE], policies=[refused, allowed])))
    check(result, {
        "visits.0.lines.0.covered": False,
        "visits.0.lines.0.patient_pays": "448.00",
        "visits.1.lines.0.copay": "25.00",
        "visits.2.lines.0.copay": "25.00",
        "totals.copay": "50.00",
    })


def test_self_pay_sells_the_drug_as_an_ordinary_line():
    result = run(weekly_plan(1), SelfPay())
    check(result, {
        "visits.0.lines.0.charge": "560.00",
        "visits.0.lines.0.patient_pays": "448.00",
        "visits.0.lines.0.benefit": "medical",
        "totals.patient_pays": "598.00",  # 448 + 99214 cash 150
    })


def test_a_range_bound_forms_its_own_fills():
    # 2 to 4 sessions (open phase), copay 60 per fill: 2 sessions in January cost 60 + 64;
    # 4 sessions (Jan 4-25) cost 60 + 128: the fill is the same 60, spread wider.
    open_phase = plan(phase("series", 3, DISPENSED, every=7, sessions_min=2, sessions_max=4),
                      modality="esketamine_nasal")
    result = run(open_phase, coverage(pharmacy(copay_per_fill="60"), coinsurance="0.20"))
    check(result, {
        "totals.patient_pays": "156.00",  # 60 + 3 x 32
        "range.low": "124.00",
        "range.high": "188.00",
    })


def test_out_of_network_the_pharmacy_lines_follow_the_in_network_rules_and_programs_apply():
    # The clinic is out of network; the specialty pharmacy is in the payer's network.
    # Jan 4, 11: the fill (allowed 2 x 504) costs the copay 50; the medication program pays
    # 50 - 2 x 10 = 30 (25 off Jan 4's line, 5 off Jan 11's). 99214: the patient pays the
    # charge 200.00; out-of-network allowed 50 % = 100.00, all deductible (1000): no
    # reimbursement.
    coverage_ = replace(coverage(pharmacy(copay_per_fill="50"), coinsurance="0.20"),
                        network="out", programs=(MEDICATION,),
                        benefits=replace(coverage(pharmacy(copay_per_fill="50")).benefits,
                                         out_of_network=NetworkBenefits(
                                             deductible=D("1000"), coinsurance=D("0.40"))))
    result = run(weekly_plan(2), coverage_)
    check(result, {
        "visits.0.lines.0.allowed": "504.00",
        "visits.0.lines.0.insurance_pays": "479.00",
        "visits.0.lines.0.assistance_pays": "25.00",
        "visits.1.lines.0.assistance_pays": "5.00",
        "visits.1.lines.0.patient_pays": "20.00",
        "visits.0.lines.1.patient_pays": "200.00",
        "visits.0.lines.1.deductible": "100.00",
        "visits.0.lines.1.expected_reimbursement": "0.00",
        "totals.patient_pays": "420.00",  # 2 x 200 + 20
        "warnings": ["out_of_network"],  # the program applies: no assistance_not_applicable
    })


def test_a_supplement_pays_nothing_on_pharmacy_lines():
    # Medicare (80 % of the charge, 2027 Part B deductible 300.00, coinsurance 0.20) with a
    # Part D copay of 45.00 per fill; no pharmacy rate: allowed the list price 560.00.
    # Jan 4, 11: the fill costs 45.00 (22.50 a line), which Medigap does not pay.
    # 99214 allowed 160: Jan 4 all deductible (160.00, kept by Plan G); Jan 11 deductible
    # 140.00 + 0.20 x 20 = 4.00 coinsurance, which Plan G pays.
    primary = insured(payer_=medicare(), pharmacy=pharmacy(copay_per_fill="45"))
    result = run(weekly_plan(2), with_secondary(primary, medigap(coinsurance_share="1")))
    check(result, {
        "visits.0.lines.0.allowed_basis": "list_price",
        "visits.0.lines.0.patient_pays": "22.50",
        "visits.0.lines.0.secondary_pays": "0.00",
        "visits.1.lines.1.coinsurance": "4.00",
        "visits.1.lines.1.secondary_pays": "4.00",
        "totals.secondary_pays": "4.00",
        "totals.patient_pays": "345.00",  # 45 + 160 + 140
    })


def test_a_second_commercial_plan_treats_pharmacy_lines_like_other_lines():
    # Primary: fill copay 50 (25.00 a line), 99214 0.20 x 160 = 32.00. Second plan
    # (standard, coinsurance 0.10): on a pharmacy line N = 504 - 50.40 = 453.60 >= S = 25:
    # pays 25.00; on 99214 N = 160 - 16 = 144 >= 32: pays 32.00. The patient pays nothing.
    primary = coverage(pharmacy(copay_per_fill="50"), coinsurance="0.20")
    result = run(weekly_plan(2), with_secondary(primary, cob("standard", coinsurance="0.10")))
    check(result, {
        "visits.0.lines.0.secondary_pays": "25.00",
        "visits.1.lines.0.secondary_pays": "25.00",
        "visits.0.lines.1.secondary_pays": "32.00",
        "totals.secondary_pays": "114.00",  # 2 x 25 + 2 x 32
        "totals.patient_pays": "0.00",
    })
