"""The 270 eligibility inquiry (X12 005010X279A1) for what the JSON client sends
(services.eligibility.request_body), built from x12sdk's validated models."""

import re
import secrets
from datetime import datetime

from x12sdk.io import write_transactions
from x12sdk.v5010.x12_270_005010X279A1.transaction_set import EligibilityInquiry

# A value may not carry the delimiters (* ~ : ^) or control characters: they would end or
# split an element. The 270 uses X12's extended character set, upper case.
_UNSAFE = re.compile(r"[*~:^\\\x00-\x1f\x7f]+")


def _clean(value, limit):
    return re.sub(r"\s+", " ", _UNSAFE.sub(" ", str(value or ""))).strip().upper()[:limit]


def _hl(number, parent, level, child):
    return {"hierarchical_id_number": number, "hierarchical_parent_id_number": parent,
            "hierarchical_level_code": level, "hierarchical_child_code": child}


def _interchange_id(value):
    value = re.sub(r"[^A-Z0-9]", "", _clean(value, 15))
    return value if len(value) >= 2 else "COSTAPI"


def write_270(request: dict, now: datetime | None = None) -> str:
    """A 270 interchange for the JSON request body: payer (tradingPartnerServiceId), provider
    (NPI), subscriber (member id, names, date of birth), encounter service types; fresh ISA
    and GS control numbers, ST02/BHT03 the request's controlNumber."""
    now = now or datetime.now()
    control = re.sub(r"\D", "", str(request.get("controlNumber") or "")) or \
        f"{secrets.randbelow(10 ** 9):09d}"
    control = control[-9:].rjust(4, "0")
    payer_id = _clean(request.get("tradingPartnerServiceId"), 80)
    payer_name = _clean(request.get("tradingPartnerName") or payer_id, 60)
    provider = request.get("provider") or {}
    npi = _clean(provider.get("npi"), 80)
    subscriber = request.get("subscriber") or {}
    encounter = request.get("encounter") or {}
    types = [_clean(t, 2) for t in encounter.get("serviceTypeCodes") or ("30",) if _clean(t, 2)]
    service_date = _clean(encounter.get("dateOfService"), 8) or now.strftime("%Y%m%d")
    name = {"entity_identifier_code": "IL", "entity_type_qualifier": "1",
            "name_last_or_organization_name": _clean(subscriber.get("lastName"), 60),
            "name_first": _clean(subscriber.get("firstName"), 35) or None,
            "identification_code_qualifier": "MI",
            "identification_code": _clean(subscriber.get("memberId"), 80)}
    person = {"nm1_segment": name,
              "dtp_segment": {"date_time_qualifier": "291",
                              "date_time_period_format_qualifier": "D8",
                              "date_time_period": service_date},
              "loop_2110c": [{"eq_segment": {"service_type_code": types or ["30"]}}]}
    if subscriber.get("dateOfBirth"):
        person["dmg_segment"] = {"date_time_period_format_qualifier": "D8",
                                 "date_time_period": _clean(subscriber["dateOfBirth"], 8)}
    count = 13 if "dmg_segment" in person else 12
    inquiry = EligibilityInquiry.model_validate({
        "header": {
            "st_segment": {"transaction_set_identifier_code": "270",
                           "transaction_set_control_number": control,
                           "implementation_convention_reference": "005010X279A1"},
            "bht_segment": {"hierarchical_structure_code": "0022",
                            "transaction_set_purpose_code": "13",
                            "submitter_transactional_identifier": control,
                            "transaction_set_creation_date": now.strftime("%Y%m%d"),
                            "transaction_set_creation_time": now.strftime("%H%M")}},
        "loop_2000a": [{
            "hl_segment": _hl("1", None, "20", "1"),
            "loop_2100a": {"nm1_segment": {
                "entity_identifier_code": "PR", "entity_type_qualifier": "2",
                "name_last_or_organization_name": payer_name,
                "identification_code_qualifier": "PI", "identification_code": payer_id}},
            "loop_2000b": [{
                "hl_segment": _hl("2", "1", "21", "1"),
                "loop_2100b": {"nm1_segment": {
                    "entity_identifier_code": "1P", "entity_type_qualifier": "2",
                    "name_last_or_organization_name": _clean(
                        provider.get("organizationName") or "PROVIDER", 60),
                    "identification_code_qualifier": "XX", "identification_code": npi}},
                "loop_2000c": [{
                    "hl_segment": _hl("3", "2", "22", "0"),
                    "trn_segment": [{"trace_type_code": "1",
                                     "reference_identification_1": control,
                                     "originating_company_identifier": "9" + (
                                         npi[:9].rjust(9, "0"))}],
                    "loop_2100c": person}]}]}],
        "footer": {"se_segment": {"transaction_segment_count": count,
                                  "transaction_set_control_number": control}}})
    return write_transactions(
        [inquiry], sender_id=_interchange_id(npi), receiver_id=_interchange_id(payer_id),
        sender_qualifier="ZZ", receiver_qualifier="ZZ",
        interchange_control_number=f"{secrets.randbelow(10 ** 9):09d}",
        group_control_number=str(1 + secrets.randbelow(10 ** 8)), created=now,
        usage_indicator="P")
