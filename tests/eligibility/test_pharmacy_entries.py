"""271 pharmacy entries (service types 88, 89, 90) -> `benefits.pharmacy` (3.8), and the
pharmacy carve-out warning. Hand-built answers; every figure derived by hand below."""
from datetime import date

import pytest

from costapi.eligibility.benefits import from_json, select, to_json
from tests.eligibility.answers import CHECKS, URL, answer, benefit, example, request_body

CHECKED = date(2026, 11, 22)


def chosen(data, service_type="MH", network="in"):
    return select(data, service_type, network, CHECKED)


def codes(selection):
    return [item["code"] for item in selection.warnings]


def note(description):
    return {"additionalInformation": [{"description": description}]}


def rx(code, amount=None, percent=None, *, types=("88",), time="23", **extra):
    """A pharmacy entry: service type 88 unless told."""
    return benefit(code, amount, percent, types=types, time=time, **extra)


def test_a_copay_per_fill():
    result = chosen(answer(
        rx("1", level=None, time=None, network=None),
        rx("B", "25", time="27"),  # 88 pharmacy, per visit (= per prescription): 25.00
        rx("B", "50", types=("90",), time="27")))  # mail order: used only without 88
    # 88 comes first in the pharmacy order (88, 90, 89): copay 25.00, not 50.00
    assert to_json(result.benefits["pharmacy"]) == {"copay_per_fill": "25.00"}
    assert result.confidence == "high" and result.warnings == ()


def test_a_copay_with_no_time_qualifier_and_only_mail_order():
    result = chosen(answer(rx("B", "35", types=("90",), time=None),
                           rx("B", "99", types=("90",), time="34")))  # per month: not per fill
    # only the 90 entry with no time qualifier is a per-fill copay: 35.00
    assert to_json(result.benefits["pharmacy"]) == {"copay_per_fill": "35.00"}


def test_coinsurance_with_a_separate_deductible_and_year_to_date():
    result = chosen(answer(
        rx("C", "500"),  # calendar-year (23) pharmacy deductible: total 500.00
        rx("C", "120.5", time="24"),  # year to date: 120.50
        rx("A", percent="25", time="27")))  # sent as 25: 25 / 100 = 0.25
    # no remaining (29) entry: remaining = 500.00 - 120.50 = 379.50;
    # met = total - remaining = 500.00 - 379.50 = 120.50
    assert to_json(result.benefits["pharmacy"]) == {
        "deductible": "500.00", "deductible_met": "120.50", "coinsurance": "0.25"}
    assert result.confidence == "high" and result.warnings == ()


def test_a_pharmacy_deductible_from_remaining():
    result = chosen(answer(
        rx("C", "400", types=("89",)),  # free-standing prescription drug: total 400.00
        rx("C", "150", types=("89",), time="29"),  # remaining 150.00
        rx("C", "300", types=("89",), time="24"),  # year to date 300.00 (disagrees)
        rx("A", percent="0.3", types=("89",), time="27")))
    # remaining from 29: 150.00; from year to date: 400.00 - 300.00 = 100.00; they disagree:
    # the costlier remaining, 150.00 -> met = 400.00 - 150.00 = 250.00
    assert to_json(result.benefits["pharmacy"]) == {
        "deductible": "400.00", "deductible_met": "250.00", "coinsurance": "0.30"}
    assert result.confidence == "low"
    conflict = next(w for w in result.warnings if w["code"] == "eligibility_conflicting_benefits")
    assert conflict["field"] == "pharmacy.deductible_met"
    assert "pharmacy deductible" in conflict["message"]


def test_a_separate_pharmacy_out_of_pocket_maximum():
    result = chosen(answer(
        rx("G", "2000"),  # pharmacy out-of-pocket maximum 2000.00
        rx("G", "1500", time="29"),  # remaining 1500.00
        rx("B", "15", time="27")))
    # met = total - remaining = 2000.00 - 1500.00 = 500.00; its own limit: not integrated;
    # no pharmacy deductible entry: no `deductible` (no separate deductible)
    assert to_json(result.benefits["pharmacy"]) == {
        "out_of_pocket_max": "2000.00", "out_of_pocket_met": "500.00",
        "integrated_out_of_pocket": False, "copay_per_fill": "15.00"}
    assert "deductible" not in result.benefits["pharmacy"]
    assert result.confidence == "high"


def test_duplicates_differing_only_by_text_take_the_costlier():
    result = chosen(answer(
        rx("B", "10", time="27", **note("GENERIC")),
        rx("B", "40", time="27", **note("SPECIALTY TIER")),
        rx("A", percent="0.2", time="27", **note("RETAIL")),
        rx("A", percent="0.3", time="27", **note("SPECIALTY"))))
    # copay 10.00 vs 40.00 -> 40.00; coinsurance 0.20 vs 0.30 -> 0.30 (costing more)
    assert to_json(result.benefits["pharmacy"]) == {"copay_per_fill": "40.00",
                                                    "coinsurance": "0.30"}
    assert result.confidence == "low"
    conflicts = {w["field"]: w["message"] for w in result.warnings
                 if w["code"] == "eligibility_conflicting_benefits"}
    assert set(conflicts) == {"pharmacy.copay_per_fill", "pharmacy.coinsurance"}
    assert "10.00 and 40.00" in conflicts["pharmacy.copay_per_fill"]
    assert "uses 40.00" in conflicts["pharmacy.copay_per_fill"]
    assert codes(result)[-1] == "eligibility_low_confidence"


def test_only_in_network_individual_entries_count():
    result = chosen(answer(
        rx("B", "20", time="27"),  # Y: 20.00
        rx("B", "60", time="27", network="N"),  # out of network: ignored
        rx("C", "250", network="W"),  # W (both): used when no Y entry, 250.00
        rx("C", "900", level="FAM"),  # family: the pharmacy object has no family figures
        rx("A", percent="0.5", time="27", network="N"),  # out of network: no coinsurance
        rx("B", "70", time="27", eligibilityAdditionalInformationList=[
            {"codeListQualifierCode": "ZZ", "industryCode": "01"}], network="U")))
    # Y copay 20.00 wins over the unknown-network 70.00 (Y alone first, as medical)
    # deductible 250.00, nothing met reported -> met 0.00 (the costlier assumption)
    assert to_json(result.benefits["pharmacy"]) == {
        "deductible": "250.00", "deductible_met": "0.00", "copay_per_fill": "20.00"}
    assert result.confidence == "high"


def test_entries_at_the_pharmacy_place_of_service_are_read():
    at_pharmacy = {"eligibilityAdditionalInformationList": [
        {"codeListQualifierCode": "ZZ", "industryCode": "01"}]}  # place of service 01
    result = chosen(answer(rx("B", "12.345", time="27", **at_pharmacy)))
    # 12.345 rounded half up to cents: 12.35 (the office-only filter is for medical entries)
    assert to_json(result.benefits["pharmacy"]) == {"copay_per_fill": "12.35"}


@pytest.mark.parametrize("entry, named", [
    (rx("1", level=None, time=None, network=None,
        **note("PHARMACY BENEFITS ADMINISTERED BY EXPRESS SCRIPTS")), "EXPRESS SCRIPTS"),
    (rx("1", types=("88", "90"), level=None, time=None, network=None, benefitsRelatedEntities=[
        {"entityIdentifier": "Pharmacy Benefit Manager", "entityName": "CVS CAREMARK"}]),
     "CVS CAREMARK"),
    (rx("U", types=("89",), level=None, time=None, network=None, benefitsRelatedEntities=[
        {"entityIdentifierCode": "PRP", "entityIdentifier": "Primary Payer",
         "entityName": "OPTUMRX"}]), "OPTUMRX"),
    (rx("I", types=("88", "89", "90"), level=None, time=None, network=None,
        **note("CARVED OUT")), None),
    (rx("E", level=None, time=None, network=None, **note("RX CARVED OUT TO MEDIMPACT")),
     "MEDIMPACT"),
    (benefit("1", level=None, time=None, network=None,
             **note("PRESCRIPTION DRUGS MANAGED BY NAVITUS HEALTH SOLUTIONS")),
     "NAVITUS HEALTH SOLUTIONS"),
    (rx("1", types=("90",), level=None, time=None, network=None,
        **note("MAIL ORDER PROCESSED THROUGH CVS/CAREMARK, INC. FOR ALL FILLS")),
     "CVS/CAREMARK"),
])
def test_a_carve_out_without_amounts_warns(entry, named):
    result = chosen(answer(entry))
    assert "pharmacy" not in result.benefits  # no amounts are invented
    warning = next(w for w in result.warnings if w["code"] == "pharmacy_carved_out")
    assert warning["field"] == "pharmacy"
    assert "copay or coinsurance per fill" in warning["message"]
    assert "by hand" in warning["message"]
    if named:
        assert f"handled by {named} (carved out)" in warning["message"]
    else:
        assert "another payer or pharmacy benefit manager" in warning["message"]
    # the medical figures are not in doubt: a carve-out of pharmacy alone keeps confidence
    assert result.confidence == "high"


def test_the_carve_out_warning_carries_no_member_data():
    result = chosen(answer(rx("1", level=None, time=None, network=None, **note(
        "RX ADMINISTERED BY CVS CAREMARK MEMBER ID W123456789 CALL 800-555-1234"))))
    message = next(w["message"] for w in result.warnings if w["code"] == "pharmacy_carved_out")
    assert "handled by CVS CAREMARK (carved out)" in message
    assert "W123456789" not in message and not any(ch.isdigit() for ch in message)


def test_a_generic_name_is_not_repeated():
    result = chosen(answer(rx("1", level=None, time=None, network=None, **note(
        "PHARMACY ADMINISTERED BY THE PHARMACY BENEFIT MANAGER"))))
    message = next(w["message"] for w in result.warnings if w["code"] == "pharmacy_carved_out")
    assert "handled by another payer or pharmacy benefit manager" in message


def test_a_carve_out_beside_pharmacy_amounts_uses_the_amounts():
    result = chosen(answer(
        rx("1", level=None, time=None, network=None,
           **note("PHARMACY BENEFITS ADMINISTERED BY EXPRESS SCRIPTS")),
        rx("B", "30", time="27")))
    assert to_json(result.benefits["pharmacy"]) == {"copay_per_fill": "30.00"}
    assert "pharmacy_carved_out" not in codes(result)


def test_entries_another_entity_administers_are_left_out():
    pbm = {"benefitsRelatedEntities": [{"entityIdentifier": "Pharmacy Benefit Manager",
                                        "entityName": "CVS CAREMARK"}]}
    result = chosen(answer(rx("B", "30", time="27", **pbm)))
    # as for medical carve-outs, the administered entry's amount is not used
    assert "pharmacy" not in result.benefits
    assert "pharmacy_carved_out" in codes(result)


def test_no_pharmacy_entries_no_pharmacy_key():
    assert "pharmacy" not in chosen(example()).benefits
    assert "pharmacy" not in chosen(answer(benefit("C", "1000"))).benefits
    # active pharmacy coverage without any amount: nothing to fill, nothing to warn
    result = chosen(answer(rx("1", level=None, time=None, network=None)))
    assert "pharmacy" not in result.benefits and result.warnings == ()


def test_medical_amounts_unchanged_beside_pharmacy_entries():
    plain = chosen(example())
    data = example()
    data["benefitsInformation"] += [
        rx("C", "250"), rx("C", "100", time="24"),  # pharmacy deductible 250, met 100
        rx("G", "1000", types=("90",)),  # mail-order out of pocket 1000, nothing met
        rx("A", percent="0.25", time="27"), rx("B", "45", time="27"),
        rx("C", "9999", types=("89",), network="N"),  # out of network: ignored
    ]
    result = chosen(data)
    assert {k: v for k, v in result.benefits.items() if k != "pharmacy"} == plain.benefits
    assert codes(result) == codes(plain) and result.confidence == plain.confidence
    # remaining = 250.00 - 100.00 = 150.00 -> met = 250.00 - 150.00 = 100.00;
    # OOP 1000.00, no year to date nor remaining -> met 0.00
    assert to_json(result.benefits["pharmacy"]) == {
        "deductible": "250.00", "deductible_met": "100.00",
        "out_of_pocket_max": "1000.00", "out_of_pocket_met": "0.00",
        "integrated_out_of_pocket": False, "copay_per_fill": "45.00", "coinsurance": "0.25"}


def test_a_pharmacy_deductible_is_never_the_medical_one():
    result = chosen(answer(
        benefit("C", "1000", time="25"),  # medical, contract year: the plan dates
        rx("C", "300"),  # pharmacy, calendar year (23)
        rx("G", "2500", time="29"),  # pharmacy OOP remaining only
        plan="20260701-20270630"))
    # the calendar-year pharmacy entry does not move the plan year to January 1
    assert result.benefits["plan_year_start"] == date(2026, 7, 1)
    assert result.benefits["deductible"] == 1000 and result.benefits["deductible_met"] == 0
    assert "out_of_pocket_max" not in result.benefits
    # only a remaining 2500.00: used as the total, nothing met (eligibility_total_missing)
    assert to_json(result.benefits["pharmacy"]) == {
        "deductible": "300.00", "deductible_met": "0.00",
        "out_of_pocket_max": "2500.00", "out_of_pocket_met": "0.00",
        "integrated_out_of_pocket": False}
    missing = next(w for w in result.warnings if w["code"] == "eligibility_total_missing")
    assert missing["field"] == "pharmacy.out_of_pocket_max"


def test_a_pharmacy_plan_name_is_not_the_plan_name():
    data = answer(rx("B", "10", time="27"))
    data["benefitsInformation"].insert(0, rx("1", level=None, time=None, network=None,
                                             planCoverage="ACME RX"))
    assert chosen(data).plan_name == "SILVER HMO"


def test_inactive_coverage_has_no_pharmacy():
    result = chosen(answer(rx("B", "10", time="27"), status="6"))
    assert result.status == "inactive" and result.benefits == {}


def test_json_round_trip_with_pharmacy():
    result = chosen(answer(rx("C", "500"), rx("G", "2000"), rx("A", percent="0.25")))
    assert from_json(to_json(result.benefits)) == result.benefits
    assert result.benefits["pharmacy"]["integrated_out_of_pocket"] is False


@pytest.mark.usefixtures("seeded")
def test_a_stored_check_carries_the_pharmacy_object(client, billing, clearinghouse):
    data = example()
    data["benefitsInformation"].append(rx("B", "25", time="27"))
    clearinghouse.post(URL, json=data)
    response = client.post(CHECKS, json=request_body(), headers=billing)
    assert response.status_code == 201, response.json
    assert response.json["benefits"]["pharmacy"] == {"copay_per_fill": "25.00"}
