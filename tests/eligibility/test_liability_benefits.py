"""271 -> benefits (pure): copays after the deductible, coinsurance per category and QMB
status (domain 3.2 step 7, 3.4, section 6). Expectations derived by hand from the entries."""
from datetime import date
from decimal import Decimal

import pytest

from costapi.eligibility.benefits import from_json, select, to_json
from tests.eligibility.answers import answer, benefit, example

CHECKED = date(2026, 11, 22)


def chosen(data, service_type="MH", network="in"):
    return select(data, service_type, network, CHECKED)


def codes(selection):
    return [item["code"] for item in selection.warnings]


def copay(amount, *texts, types=("98",), **extra):
    """A co-payment entry (EB B) per visit, with free text (additionalInformation / MSG)."""
    info = {"additionalInformation": [{"description": text} for text in texts]} if texts else {}
    return benefit("B", amount, types=types, time="27", **info, **extra)


def rate(percent, types, network="Y"):
    return benefit("A", percent=percent, types=types, time="27", network=network)


AFTER_40 = {"amount": "40.00", "after_deductible": True}


@pytest.mark.parametrize("text", [
    "COPAY APPLIES AFTER DEDUCTIBLE", "Deductible applies", "AFTER DED", "SUBJECT TO DEDUCTIBLE",
    "COPAY ONCE DEDUCTIBLE IS MET", "DEDUCTIBLE MUST BE MET FIRST"])
def test_a_copay_the_deductible_comes_before(text):
    result = chosen(answer(benefit("C", "3000"), copay("40", text)))
    # 98 -> office_visit and evaluation; psychotherapy takes A6, MH, A4, A8, 30: none here
    assert to_json(result.benefits)["copays"] == {"evaluation": AFTER_40,
                                                  "office_visit": AFTER_40}
    assert result.confidence == "high" and result.warnings == ()


@pytest.mark.parametrize("text", [
    None, "SPECIALIST", "DEDUCTIBLE WAIVED", "DEDUCTIBLE DOES NOT APPLY",
    "NOT SUBJECT TO DEDUCTIBLE", "NO DEDUCTIBLE"])
def test_a_copay_without_that_text_stays_an_ordinary_copay(text):
    result = chosen(answer(copay("40", *filter(None, [text]))))
    assert to_json(result.benefits)["copays"] == {"evaluation": "40.00",
                                                  "office_visit": "40.00"}
    assert result.confidence == "high"


@pytest.mark.parametrize("other", [None, "PRIMARY CARE", "DEDUCTIBLE WAIVED"])
def test_entries_that_disagree_on_the_deductible_take_it_first_with_low_confidence(other):
    # the same 40.00 twice: one says the deductible applies first, the other says nothing
    # or the opposite: the costlier reading (after the deductible), flagged per category
    result = chosen(answer(copay("40", "DEDUCTIBLE APPLIES"),
                           copay("40", *filter(None, [other])),
                           copay("25", types=("A6",))))
    assert to_json(result.benefits)["copays"] == {
        "evaluation": AFTER_40, "office_visit": AFTER_40, "psychotherapy": "25.00"}
    assert result.confidence == "low"
    assert codes(result) == ["eligibility_conflicting_benefits",
                             "eligibility_conflicting_benefits", "eligibility_low_confidence"]
    assert [w["field"] for w in result.warnings[:2]] == ["copays.evaluation",
                                                         "copays.office_visit"]
    assert "deductible applies first" in result.warnings[1]["message"]


def test_an_amount_conflict_and_a_deductible_conflict_each_take_the_costlier():
    # 30.00 after the deductible vs 45.00 with nothing said: 45.00, after the deductible
    result = chosen(answer(copay("30", "AFTER DEDUCTIBLE"), copay("45", "SPECIALIST")))
    assert to_json(result.benefits)["copays"]["office_visit"] == {
        "amount": "45.00", "after_deductible": True}
    office = [w for w in result.warnings if w.get("field") == "copays.office_visit"]
    assert len(office) == 2 and "30.00 and 45.00" in office[0]["message"]
    assert result.confidence == "low"


def test_a_mental_health_copay_after_the_deductible_applies_to_each_copay_category():
    result = chosen(answer(copay("50", "DED APPLIES", types=("MH",))))
    after_50 = {"amount": "50.00", "after_deductible": True}
    assert to_json(result.benefits)["copays"] == {
        "evaluation": after_50, "office_visit": after_50, "psychotherapy": after_50}


def test_a_copay_after_the_deductible_survives_the_json_round_trip():
    result = chosen(answer(copay("40", "AFTER DEDUCTIBLE")))
    assert result.benefits["copays"]["office_visit"] == {"amount": Decimal("40.00"),
                                                         "after_deductible": True}
    assert from_json(to_json(result.benefits)) == result.benefits


def test_coinsurance_of_the_service_types_of_a_category():
    result = chosen(answer(
        rate("0.2", ("MH",)), rate("0.1", ("98",)), rate("0.3", ("A6",)),
        rate("0.4", ("MH",), network="N"), rate("0.5", ("98",), network="N"),
        benefit("C", "3000", network="N")))
    data = to_json(result.benefits)
    # the requested MH rate for every line; 98 -> office_visit and evaluation; A6 ->
    # psychotherapy
    assert data["coinsurance"] == "0.20"
    assert data["coinsurance_by_category"] == {
        "evaluation": "0.10", "office_visit": "0.10", "psychotherapy": "0.30"}
    # out of network: MH 0.40 for every line, 98 0.50; no A6 entry marked N
    assert data["out_of_network"]["coinsurance"] == "0.40"
    assert data["out_of_network"]["coinsurance_by_category"] == {
        "evaluation": "0.50", "office_visit": "0.50"}
    assert result.confidence == "high"


def test_no_category_rate_without_an_entry_of_its_own_service_type():
    result = chosen(answer(rate("0.2", ("MH",)), rate("0.15", ("30",))))
    assert "coinsurance_by_category" not in result.benefits
    shared = chosen(example())  # MH coinsurance only (in and out of network)
    assert "coinsurance_by_category" not in shared.benefits
    assert "coinsurance_by_category" not in shared.benefits["out_of_network"]


def test_conflicting_category_rates_take_the_higher_with_low_confidence():
    result = chosen(answer(rate("0.2", ("MH",)), rate("0.1", ("A6",)),
                           benefit("A", percent="0.25", types=("A6",), time="27",
                                   additionalInformation=[{"description": "TELEHEALTH"}])))
    assert to_json(result.benefits)["coinsurance_by_category"] == {"psychotherapy": "0.25"}
    assert result.confidence == "low"
    assert result.warnings[0]["field"] == "coinsurance_by_category.psychotherapy"
    assert "0.10 and 0.25" in result.warnings[0]["message"]


def test_a_category_rate_for_both_networks_applies_to_each_unless_one_is_specific():
    result = chosen(answer(rate("0.1", ("98",), network="W"), rate("0.6", ("98",), network="N"),
                           benefit("C", "3000", network="N")))
    assert result.benefits["coinsurance_by_category"]["office_visit"] == Decimal("0.1")
    assert result.benefits["out_of_network"]["coinsurance_by_category"][
        "office_visit"] == Decimal("0.6")


QMB_ACTIVE = benefit("1", level=None, time=None, network=None, insuranceTypeCode="QM")


@pytest.mark.parametrize(("entries", "qmb"), [
    ((QMB_ACTIVE,), True),
    # Medicare's usual answer: Part B (MB) active, and a QMB period entry
    ((benefit("1", level=None, time=None, network=None, insuranceTypeCode="MB"),
      benefit("C", "283", insuranceTypeCode="QM")), True),
    ((benefit("6", level=None, time=None, network=None, types=("MH",),
              insuranceTypeCode="QM"),), False),  # an inactive QMB period
    ((benefit("1", level=None, time=None, network=None, insuranceTypeCode="MB"),), False),
    ((benefit("1", level=None, time=None, network=None, insuranceTypeCode=["QM"]),), False),
    ((), False),
])
def test_qmb_from_the_insurance_type(entries, qmb):
    assert chosen(answer(*entries)).qmb is qmb


def test_the_shared_example_is_no_qmb():
    assert chosen(example()).qmb is False  # insurance type C1 (commercial)
