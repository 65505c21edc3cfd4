"""271 -> benefits (pure): the shared example and hand-written variants."""
from datetime import date

import pytest

from costapi.eligibility.benefits import from_json, select, to_json
from costapi.x12.eligibility_answer import read_271
from tests.eligibility.answers import answer, benefit, example, example_x12

FORMS = {"json": example, "x12": lambda: read_271(example_x12())}

CHECKED = date(2026, 11, 22)


def chosen(data, service_type="MH", network="in"):
    return select(data, service_type, network, CHECKED)


def codes(selection):
    return [item["code"] for item in selection.warnings]


@pytest.mark.parametrize("form", FORMS)
def test_the_shared_example(form):
    result = chosen(FORMS[form]())
    assert (result.status, result.plan_name) == ("active", "GOLD PPO")
    assert (result.plan_begin, result.plan_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert to_json(result.benefits) == {
        # calendar-year (23) totals, plan dates 20250101-20251231
        "plan_year_start": "2025-01-01",
        # IND, in network, 30: total 1500, remaining (29) 500 -> met 1000 (= year to date 1000)
        "deductible": "1500.00", "deductible_met": "1000.00",
        # IND, in network: total 5000, remaining 3200 -> met 1800
        "out_of_pocket_max": "5000.00", "out_of_pocket_met": "1800.00",
        # MH, in network, place of service 11 (office)
        "coinsurance": "0.20",
        "family": {
            # FAM: total 3000, remaining 2000 -> met 1000
            "deductible": "3000.00", "deductible_met": "1000.00",
            # FAM: only "remaining 8200": the total for this plan year, nothing met
            "out_of_pocket_max": "8200.00", "out_of_pocket_met": "0.00",
        },
        # 98: 30 (SPECIALIST) and 20 (PRIMARY CARE) conflict -> 30, the costlier
        "copays": {"evaluation": "30.00", "office_visit": "30.00"},
        # N entries: deductible 3000 (nothing met reported), MH coinsurance 0.4
        "out_of_network": {"deductible": "3000.00", "deductible_met": "0.00",
                           "coinsurance": "0.40"},
    }
    assert result.confidence == "low"
    assert codes(result) == ["eligibility_total_missing", "eligibility_conflicting_benefits",
                             "eligibility_conflicting_benefits", "eligibility_low_confidence"]
    conflict = result.warnings[2]
    assert conflict["field"] == "copays.office_visit"
    assert "20.00 and 30.00" in conflict["message"] and "uses 30.00" in conflict["message"]
    # A7 (psychiatric inpatient) needs authorization; not a service the clinic provides
    assert result.prior_authorization == ("A7",)


def test_json_round_trip():
    result = chosen(example())
    assert from_json(to_json(result.benefits)) == result.benefits


def test_no_remaining_entries_use_total_minus_year_to_date():
    result = chosen(answer(
        benefit("C", "2000"), benefit("C", "750.5", time="24"),
        benefit("G", "6000"), benefit("G", "900", time="24"),
        benefit("A", percent="0.25", types=("MH",), time="27")))
    assert to_json(result.benefits) == {
        "plan_year_start": "2026-01-01", "deductible": "2000.00", "deductible_met": "750.50",
        "out_of_pocket_max": "6000.00", "out_of_pocket_met": "900.00", "coinsurance": "0.25"}
    assert result.confidence == "high" and result.warnings == ()


def test_family_only_amounts():
    result = chosen(answer(
        benefit("C", "4000", level="FAM"), benefit("C", "3100", level="FAM", time="29"),
        benefit("G", "12000", level="FAM"), benefit("G", "1000", level="FAM", time="24")))
    assert to_json(result.benefits) == {
        "plan_year_start": "2026-01-01",
        "family": {"deductible": "4000.00", "deductible_met": "900.00",
                   "out_of_pocket_max": "12000.00", "out_of_pocket_met": "1000.00"}}
    assert "deductible" not in result.benefits  # the family amount alone applies (3.4)


def test_inactive_coverage():
    result = chosen(answer(benefit("C", "1500"), status="6"))
    assert result.status == "inactive"
    assert result.benefits == {}
    assert codes(result) == ["eligibility_inactive"]


def test_active_plan_but_the_requested_service_type_inactive():
    result = chosen(answer(benefit("6", types=("MH",), level=None, time=None, network=None)))
    assert result.status == "inactive"


def test_out_of_network_request_with_a_network_hint():
    data = answer(
        benefit("C", "1000"), benefit("C", "4000", network="N"),
        benefit("C", "500", network="N", time="24"),
        benefit("G", "9000", network="N"),
        benefit("A", percent="0.5", types=("MH",), network="N", time="27",
                additionalInformation=[{"description": "PROVIDER IS OUT NETWORK FOR MEMBER"}]))
    result = chosen(data, network="out")
    assert to_json(result.benefits["out_of_network"]) == {
        "deductible": "4000.00", "deductible_met": "500.00",
        "out_of_pocket_max": "9000.00", "out_of_pocket_met": "0.00", "coinsurance": "0.50"}
    assert result.benefits["deductible"] == 1000  # in network stays available
    hint = next(w for w in result.warnings if w["code"] == "eligibility_network_hint")
    assert "PROVIDER IS OUT NETWORK FOR MEMBER" in hint["message"]
    assert "out-network" in hint["message"]
    assert result.confidence == "high"  # the network stays an input


def test_out_of_network_request_without_out_of_network_benefits():
    result = chosen(answer(benefit("C", "1000")), network="out")
    assert "out_of_network" not in result.benefits
    assert "eligibility_no_out_of_network_benefits" in codes(result)


def test_entries_for_both_networks_apply_to_each_unless_one_is_specific():
    result = chosen(answer(benefit("C", "800", network="W"), benefit("C", "2500", network="N"),
                           benefit("A", percent="0.3", types=("MH",), network=None)))
    assert result.benefits["deductible"] == 800
    assert result.benefits["out_of_network"]["deductible"] == 2500
    assert result.benefits["coinsurance"] == result.benefits["out_of_network"]["coinsurance"]


def test_conflicting_coinsurance_takes_the_costlier_with_low_confidence():
    result = chosen(answer(
        benefit("A", percent="0.2", types=("MH",), time="27"),
        benefit("A", percent="0.3", types=("MH",), time="27",
                additionalInformation=[{"description": "TELEHEALTH"}])))
    assert str(result.benefits["coinsurance"]) == "0.3000"
    assert result.confidence == "low"
    assert codes(result) == ["eligibility_conflicting_benefits", "eligibility_low_confidence"]
    assert result.warnings[0]["field"] == "coinsurance"


def test_remaining_and_year_to_date_that_disagree_take_the_costlier():
    # total 1500: remaining 500 says met 1000; year to date 700 says remaining 800
    result = chosen(answer(benefit("C", "1500"), benefit("C", "700", time="24"),
                           benefit("C", "500", time="29")))
    assert to_json(result.benefits)["deductible_met"] == "700.00"
    assert result.confidence == "low"
    assert result.warnings[0]["field"] == "deductible_met"


def test_service_type_order_requested_then_mental_health_then_98_then_30():
    entries = [benefit("A", percent="0.1", types=("30",), time="27"),
               benefit("A", percent="0.15", types=("98",), time="27"),
               benefit("A", percent="0.25", types=("A8",), time="27"),
               benefit("A", percent="0.4", types=("A6",), time="27")]
    assert str(chosen(answer(*entries), "A6").benefits["coinsurance"]) == "0.4000"
    assert str(chosen(answer(*entries), "MH").benefits["coinsurance"]) == "0.2500"
    assert str(chosen(answer(*entries[:2]), "MH").benefits["coinsurance"]) == "0.1500"
    assert str(chosen(answer(entries[0]), "MH").benefits["coinsurance"]) == "0.1000"


def test_copays_by_category():
    result = chosen(answer(benefit("B", "25", types=("98",), time="27"),
                           benefit("B", "40", types=("A6",), time="27"),
                           benefit("B", "50", types=("MH",), time="27")))
    assert to_json(result.benefits)["copays"] == {
        "evaluation": "25.00", "office_visit": "25.00", "psychotherapy": "40.00"}
    only_mh = chosen(answer(benefit("B", "50", types=("MH",), time="27")))
    assert to_json(only_mh.benefits)["copays"] == {
        "evaluation": "50.00", "office_visit": "50.00", "psychotherapy": "50.00"}


def test_carve_out_to_another_entity():
    carved = {"benefitsRelatedEntities": [{
        "entityIdentifier": "Third-Party Administrator", "entityType": "Non-Person Entity",
        "entityName": "MINDWELL BEHAVIORAL HEALTH"}]}
    result = chosen(answer(
        benefit("C", "1500"),
        benefit("1", types=("MH",), level=None, time=None, network=None, **carved),
        benefit("A", percent="0.5", types=("MH",), time="27", **carved),
        benefit("A", percent="0.2", types=("30",), time="27")))
    assert result.status == "active"
    assert str(result.benefits["coinsurance"]) == "0.2000"  # not the other entity's figure
    assert result.confidence == "low"
    carve_out = next(w for w in result.warnings if w["code"] == "eligibility_carve_out")
    assert "MINDWELL BEHAVIORAL HEALTH" in carve_out["message"]
    assert "MH" in carve_out["message"]


def test_other_places_of_service_are_left_out():
    hospital = {"eligibilityAdditionalInformationList": [
        {"codeListQualifierCode": "ZZ", "industryCode": "22"}]}
    result = chosen(answer(benefit("A", percent="0.2", types=("MH",), time="27"),
                           benefit("A", percent="0.35", types=("MH",), time="27", **hospital)))
    assert str(result.benefits["coinsurance"]) == "0.2000"
    assert result.confidence == "high"


def test_prior_authorization_for_the_requested_type_warns():
    result = chosen(answer(benefit("1", types=("MH",), level=None, time=None, network=None,
                                   authOrCertIndicator="Y")))
    assert result.prior_authorization == ("MH",)
    assert "eligibility_prior_authorization" in codes(result)


def test_plan_year_start():
    service_year = [benefit("C", "1500", time="22")]
    assert chosen(answer(*service_year, plan="20260701-20270630")).benefits[
        "plan_year_start"] == date(2026, 7, 1)
    # a calendar-year deductible resets on January 1 whatever the plan dates
    assert chosen(answer(benefit("C", "1500"), plan="20260701-20270630")).benefits[
        "plan_year_start"] == date(2026, 1, 1)
    undated = chosen(answer(*service_year, plan=None))
    assert "plan_year_start" not in undated.benefits
    assert "eligibility_plan_year_unknown" in codes(undated)


def test_odd_entries_are_ignored():
    data = answer(benefit("C", "not money"), benefit("C", "-5"), benefit("C", "1200"),
                  benefit("A", percent="20", types=("MH",), time="27"))
    data["benefitsInformation"].append("not an entry")
    result = chosen(data)
    assert result.benefits["deductible"] == 1200
    assert str(result.benefits["coinsurance"]) == "0.2000"  # "20" read as 20 %
    assert chosen({}).status == "inactive"
