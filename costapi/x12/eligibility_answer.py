"""A 271 eligibility answer (005010X279A1) in the shape of the clearinghouse's JSON answer,
so costapi.eligibility.benefits applies the same rules to both forms."""

from datetime import date
from decimal import Decimal

from costapi.x12.envelope import Interchange, amount_of

AAA_REASONS = {
    "04": "Authorized Quantity Exceeded", "15": "Required application data missing",
    "41": "Authorization/Access Restrictions", "42": "Unable to Respond at Current Time",
    "43": "Invalid/Missing Provider Identification", "45": "Invalid/Missing Provider Specialty",
    "47": "Invalid/Missing Provider State", "48": "Invalid/Missing Referring Provider "
    "Identification Number", "49": "Provider is Not Primary Care Physician",
    "50": "Provider Ineligible for Inquiries", "51": "Provider Not on File",
    "52": "Service Dates Not Within Provider Plan Enrollment", "53": "Inquired Benefit "
    "Inconsistent with Provider Type", "54": "Inappropriate Product/Service ID Qualifier",
    "55": "Inappropriate Product/Service ID", "56": "Inappropriate Date",
    "57": "Invalid/Missing Date(s) of Service", "58": "Invalid/Missing Date-of-Birth",
    "60": "Date of Birth Follows Date(s) of Service", "61": "Date of Death Precedes Date(s) "
    "of Service", "62": "Date of Service Not Within Allowable Inquiry Period",
    "63": "Date of Service in Future", "64": "Invalid/Missing Patient ID",
    "65": "Invalid/Missing Patient Name", "66": "Invalid/Missing Patient Gender Code",
    "67": "Patient Not Found", "68": "Duplicate Patient ID Number",
    "69": "Inconsistent with Patient's Age", "70": "Inconsistent with Patient's Gender",
    "71": "Patient Birth Date Does Not Match That for the Patient on the Database",
    "72": "Invalid/Missing Subscriber/Insured ID", "73": "Invalid/Missing Subscriber/Insured "
    "Name", "74": "Invalid/Missing Subscriber/Insured Gender Code",
    "75": "Subscriber/Insured Not Found", "76": "Duplicate Subscriber/Insured ID Number",
    "78": "Subscriber/Insured Not in Group/Plan Identified",
    "79": "Invalid Participant Identification", "80": "No Response received - Transaction "
    "Terminated", "97": "Invalid or Missing Provider Address", "T4": "Payer Name or Identifier "
    "Missing",
}
AAA_ACTIONS = {
    "C": "Please Correct and Resubmit", "N": "Resubmission Not Allowed",
    "P": "Please Resubmit Original Transaction", "R": "Resubmission Allowed",
    "S": "Do Not Resubmit; Inquiry Initiated to a Third Party",
    "W": "Please Wait 30 Days and Resubmit", "X": "Please Wait 10 Days and Resubmit",
    "Y": "Do Not Resubmit; We Will Hand Deliver",
}
PLAN_DATES = {"291": "plan", "346": "planBegin", "347": "planEnd",
              "356": "eligibilityBegin", "357": "eligibilityEnd"}


def _text(value):
    return None if value is None or value == "" else str(value)


def _amount(value):
    """An amount or a percent as the JSON form sends it: text, never a float."""
    return None if value is None or value == "" else format(amount_of(value), "f")


def _errors(aaa_segments, loop):
    return [{k: v for k, v in {
        "code": aaa.reject_reason_code, "description": AAA_REASONS.get(aaa.reject_reason_code),
        "followupActionCode": aaa.follow_up_action_code,
        "followupAction": AAA_ACTIONS.get(aaa.follow_up_action_code),
        "field": "AAA", "location": f"Loop {loop}"}.items() if v}
        for aaa in aaa_segments or ()]


def _ccyymmdd(value):
    """A date as X12 and the JSON form write it (CCYYMMDD, a range CCYYMMDD-CCYYMMDD)."""
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, (tuple, list)):
        return "-".join(_ccyymmdd(v) for v in value)
    return _text(value)


def _dates(dtp_segments, names):
    out = {}
    for dtp in dtp_segments or ():
        name = names.get(dtp.date_time_qualifier, dtp.date_time_qualifier)
        if dtp.date_time_period:
            out[name] = _ccyymmdd(dtp.date_time_period)
    return out


def _entity(nm1):
    return {k: v for k, v in {
        "entityIdentifierCode": nm1.entity_identifier_code,
        "entityTypeQualifier": nm1.entity_type_qualifier,
        "entityName": " ".join(p for p in (nm1.name_first, nm1.name_last_or_organization_name)
                               if p) or None,
        "entityIdentificationCode": nm1.identification_code_qualifier,
        "entityIdentificationValue": nm1.identification_code}.items() if v}


def _benefit(loop, level):
    eb = loop.eb_segment
    entry = {
        "code": eb.eligibility_benefit_information,
        "coverageLevelCode": eb.coverage_level_code,
        "serviceTypeCodes": [c for c in eb.service_type_code or () if c] or None,
        "insuranceTypeCode": eb.insurance_type_code,
        "planCoverage": eb.plan_coverage_description,
        "timeQualifierCode": eb.time_period_qualifier,
        "benefitAmount": _amount(eb.benefit_amount),
        "benefitPercent": _amount(eb.benefit_percent),
        "quantityQualifierCode": eb.quantity_qualifier,
        "benefitQuantity": _amount(eb.quantity),
        "authOrCertIndicator": eb.authorization_certification_indicator,
        "inPlanNetworkIndicatorCode": eb.inplan_network_indicator,
        "additionalInformation": [{"description": m.free_form_text}
                                  for m in loop.msg_segment or () if m.free_form_text] or None,
        "eligibilityAdditionalInformationList": [
            {"codeListQualifierCode": x.iii_segment.code_list_qualifier_code,
             "industryCode": x.iii_segment.industry_code}
            for x in getattr(loop, f"loop_2115{level}", None) or ()
            if x.iii_segment is not None] or None,
        "benefitsDateInformation": _dates(loop.dtp_segment, PLAN_DATES) or None,
        "benefitsRelatedEntities": [_entity(x.nm1_segment) for x in
                                    getattr(loop, f"loop_2120{level}", None) or ()] or None,
    }
    return {k: _text(v) if isinstance(v, (str, Decimal)) else v
            for k, v in entry.items() if v is not None}


def _person(loop, level):
    nm1, dmg = loop.nm1_segment, loop.dmg_segment
    person = {"memberId": nm1.identification_code if nm1.identification_code_qualifier == "MI"
              else None, "firstName": nm1.name_first,
              "lastName": nm1.name_last_or_organization_name,
              "dateOfBirth": _ccyymmdd(dmg.date_time_period) if dmg else None,
              "gender": dmg.gender_code if dmg else None,
              "groupNumber": next((r.reference_identification for r in loop.ref_segment or ()
                                   if r.reference_identification_qualifier == "6P"), None)}
    return {k: v for k, v in person.items() if v}


def read_271(text: str) -> dict:
    """A 271 interchange in the shape of the clearinghouse's JSON answer (what
    costapi.eligibility.benefits reads): one benefitsInformation entry per EB segment of
    loops 2110C/2110D, plan dates from DTP, errors from AAA. No planStatus: X12 has none
    (the status comes from the EB01 1/6 entries). X12Error if the file is rejected,
    X12Rejected (a subclass) for a TA1 or 999 acknowledgment."""
    read = Interchange(text, "271").read()
    answer = {"controlNumber": None, "benefitsInformation": [], "errors": []}
    for model in read.models:
        answer["controlNumber"] = answer["controlNumber"] or model.header.st_segment. \
            transaction_set_control_number
        for a in model.loop_2000a or ():
            payer = a.loop_2100a.nm1_segment
            answer.setdefault("tradingPartnerServiceId", payer.identification_code)
            answer.setdefault("payer", {k: v for k, v in {
                "name": payer.name_last_or_organization_name,
                "payorIdentification": payer.identification_code}.items() if v})
            answer["errors"] += _errors(a.aaa_segment, "2000A") + _errors(
                a.loop_2100a.aaa_segment, "2100A")
            for b in a.loop_2000b or ():
                provider = b.loop_2100b.nm1_segment
                answer.setdefault("provider", {k: v for k, v in {
                    "providerName": provider.name_last_or_organization_name,
                    "npi": provider.identification_code
                    if provider.identification_code_qualifier == "XX" else None}.items() if v})
                answer["errors"] += _errors(b.loop_2100b.aaa_segment, "2100B")
                for c in b.loop_2000c or ():
                    _member(answer, c.loop_2100c, "c", "subscriber")
                    for d in c.loop_2000d or ():
                        _member(answer, d.loop_2100d, "d", "dependents")
    answer["meta"] = {"senderId": read.isa[6].strip(), "format": "x12"}
    return answer


def _member(answer, loop, level, role):
    person = _person(loop, level)
    if role == "subscriber":
        answer.setdefault("subscriber", person)
    else:
        answer.setdefault("dependents", []).append(person)
    answer["errors"] += _errors(loop.aaa_segment, f"2100{level.upper()}")
    dates = _dates(loop.dtp_segment, PLAN_DATES)
    if dates:
        info = answer.setdefault("planDateInformation", {})
        for key, value in dates.items():
            info.setdefault(key, value)
    group = person.get("groupNumber")
    if group:
        answer.setdefault("planInformation", {"groupNumber": group})
    answer["benefitsInformation"] += [_benefit(x, level)
                                      for x in getattr(loop, f"loop_2110{level}") or ()]


def _subscriber_aaa_codes():
    """x12sdk 2.2.0 types the AAA of loops 2100C/2100D with loop 2100B's reject reasons (the
    provider's), so a 271 saying 72 invalid member id or 75 subscriber not found fails to
    validate: those loops take the plain AAA segment (any AAA03), docs/x12.md."""
    from x12sdk.v5010.segments import AaaSegment
    from x12sdk.v5010.x12_271_005010X279A1 import loops, transaction_set

    for name in ("Loop2100C", "Loop2100D"):
        model = getattr(loops, name)
        model.model_fields["aaa_segment"].annotation = list[AaaSegment] | None
        model.model_rebuild(force=True)
    for name in ("Loop2000D", "Loop2000C", "Loop2000B", "Loop2000A"):
        getattr(loops, name).model_rebuild(force=True)
    transaction_set.EligibilityBenefit.model_rebuild(force=True)


_subscriber_aaa_codes()

