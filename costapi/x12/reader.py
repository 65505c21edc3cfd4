"""X12 005010 files read with x12sdk (docs/x12.md), behind our own small reader: the library
parses the segments into its validated models; this module drives it segment by segment so
that every rejection names the segment and its position, checks the envelopes the library
does not (ST/SE pairs, IEA), and words the errors itself: never a value from the file."""

import logging
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import StringIO

import pydantic
from x12sdk.config import get_config
from x12sdk.io import X12SegmentReader
from x12sdk.models import X12Delimiters
from x12sdk.parsing import X12ParseException, create_parser
from x12sdk.support import X12_IMPLEMENTATION_VERSIONS

from costapi.x12.remittance import Adjustment, Claim, Remittance, ServiceLine, X12Error

# x12sdk logs a traceback (with the segment) for an unknown segment: PHI never reaches a log.
_library_log = logging.getLogger("x12sdk")
_library_log.setLevel(logging.CRITICAL + 1)
_library_log.propagate = False
_library_log.addHandler(logging.NullHandler())

VERSIONS = {"835": ("005010X221", "005010X221A1"), "271": ("005010X279", "005010X279A1"),
            "270": ("005010X279", "005010X279A1")}
# SVC01-1, product/service id qualifiers of 005010X221A1
SVC_QUALIFIERS = {"AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU", "UI", "WK"}
_CONTROL = {"ISA", "GS", "GE", "IEA", "TA1"}


class X12Rejected(X12Error):
    """The file is an acknowledgment rejecting what we sent (TA1 or 999), not an answer."""


class _TextSegments(X12SegmentReader):
    """The library's segment stream over a text, never a path (x12sdk opens a file when
    its input names one)."""

    def __enter__(self):
        self._x12_stream = StringIO(self._x12_input)
        self._buffer_size = get_config().x12_reader_buffer_size
        self.delimiters = X12Delimiters(**self._parse_isa_segment())
        return self


def _normalized(text: str) -> str:
    text = (text or "").lstrip("\ufeff").strip()
    if not text.startswith("ISA") or len(text) < 106:
        raise X12Error("ISA", 1, "the file does not start with an ISA interchange header")
    terminator = text[105]
    if terminator.isalnum() or terminator in "\r\n " or terminator == text[3]:
        raise X12Error("ISA", 1, "the ISA header is not 106 characters ending in a "
                                 "segment terminator")
    return text.replace("\r", "").replace("\n", "")


def _element(segment_model, field: str) -> str:
    names = [n for n in segment_model.model_fields if n not in ("delimiters", "segment_name")]
    return f"{names.index(field) + 1:02d}" if field in names else ""


_WORDING = {
    "decimal": "is not a valid amount", "int": "is not a valid number",
    "float": "is not a valid number", "date": "is not a valid date",
    "missing": "is required", "string_too_long": "is too long",
    "string_too_short": "is too short", "literal_error": "is not an allowed code",
    "enum": "is not an allowed code", "extra_forbidden": "is not allowed here",
    "string_pattern_mismatch": "is not in the expected format",
}


def _wording(error_type: str) -> str:
    for key, words in _WORDING.items():
        if error_type.startswith(key) or key in error_type:
            return words
    return "is not valid"


class _Transactions:
    """Drives x12sdk over one interchange, counting segments from ISA (1)."""

    def __init__(self, text: str, code: str):
        self.code = code
        self.text = _normalized(text)
        self.isa: list[str] = []
        self.models: list = []
        self.gs_position: int | None = None

    def read(self):
        segments = _TextSegments(self.text)
        with segments:
            self._read(segments)
        return self

    def _read(self, segments):
        version = parser = open_st = None
        where: dict[int, int] = {}
        position = 0
        ended = False
        for name, fields in segments.segments():
            position += 1
            if position == 1:
                if name != "ISA" or len(fields) != 17:
                    raise X12Error("ISA", 1, "the ISA header does not have 16 elements")
                self.isa = fields
                continue
            if ended:
                raise X12Error(name or None, position, "segment after the IEA trailer")
            if name == "ISA":
                raise X12Error("ISA", position, "only one interchange per file is read")
            if name == "TA1" and len(fields) > 4 and fields[4] == "A":
                continue  # an interchange accepted without errors
            if name == "TA1":
                raise X12Rejected("TA1", position, "the file is an interchange "
                                                   "acknowledgment (TA1), not a " + self.code)
            if name in ("GE", "IEA") and open_st:
                raise X12Error("SE", position, f"the transaction set started at segment "
                                               f"{open_st[0]} has no SE trailer")
            if name == "GS":
                version = fields[8] if len(fields) > 8 else None
                self.gs_position = position
            if name == "IEA":
                if len(fields) < 3 or fields[2] != self.isa[13]:
                    raise X12Error("IEA", position, "IEA02 does not match ISA13")
                ended = True
            if name in _CONTROL:
                continue
            if name == "ST":
                if open_st:
                    raise X12Error("SE", position, f"the transaction set started at "
                                                   f"segment {open_st[0]} has no SE trailer")
                parser = self._parser(fields, position, version, segments.delimiters, where)
                open_st = (position, fields[2] if len(fields) > 2 else None)
            elif parser is None:
                raise X12Error(name or None, position, "segment outside a transaction set")
            self._check_values(name, fields, position, segments.delimiters)
            if name == "SE" and (len(fields) < 3 or fields[2] != open_st[1]):
                raise X12Error("SE", position, "SE02 does not match ST02")
            model = self._parse(parser, name, fields, position, where)
            if name == "SE":
                self.models.append(model)
                parser = open_st = None
        if open_st:
            raise X12Error("SE", position, f"the transaction set started at segment "
                                           f"{open_st[0]} has no SE trailer")
        if not ended:
            raise X12Error("IEA", position, "the interchange has no IEA trailer")
        if not self.models:
            raise X12Error("ST", position, "the interchange holds no transaction set")

    def _parser(self, fields, position, version, delimiters, where):
        code = fields[1] if len(fields) > 1 else ""
        if code == "999":
            raise X12Rejected("ST", position, "the file is an implementation "
                                              "acknowledgment (999), not a " + self.code)
        if code != self.code:
            raise X12Error("ST", position, f"ST01: the transaction set is not an {self.code}")
        version = version or (fields[3] if len(fields) > 3 else None)
        if version not in VERSIONS[self.code] or version not in X12_IMPLEMENTATION_VERSIONS:
            raise X12Error("GS" if self.gs_position else "ST", self.gs_position or position,
                           f"GS08: the version is not "
                                           f"{VERSIONS[self.code][-1]}")
        parser = create_parser(code, version, delimiters)
        parse_segment = parser._parse_segment
        where.clear()

        def tracked(name, segment_fields):
            record = parse_segment(name, segment_fields)
            where[id(record)] = (position_of[0], name)
            kept.append(record)  # alive until the next ST: ids stay unique
            return record

        kept = []

        position_of = [position]
        parser._parse_segment = tracked
        parser._position = position_of
        return parser

    def _parse(self, parser, name, fields, position, where):
        parser._position[0] = position
        try:
            return parser.parse(name, fields)
        except pydantic.ValidationError as error:
            raise self._validation_error(parser, error, where, name, position) from None
        except KeyError:
            if name not in parser._segment_models:
                raise X12Error(name or None, position, "segment not allowed in this "
                                                       "transaction") from None
            raise X12Error(name, position, "segment lacks the elements that place it "
                                           "in a loop") from None
        except X12ParseException:
            raise X12Error(name, position, "segment has more elements than the "
                                           "standard allows") from None
        except Exception:  # noqa: BLE001 - the library's other failures on odd input
            raise X12Error(name or None, position, "segment cannot be read here") from None

    def _validation_error(self, parser, error, where, name, position):
        detail = error.errors(include_url=False, include_input=False)[0]
        message, kind = detail.get("msg", ""), detail.get("type", "")
        node = parser._context.transaction_data
        loc, rest, record = list(detail["loc"]), [], None
        for index, step in enumerate(loc):
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and id(node) in where:
                record, rest = node, loc[index + 1:]
                break
        if record is None and "segment count" in message:
            return self._count_error(parser, where, position, message)
        if record is None:
            records = sorted(_records(node, where), key=lambda r: where[id(r)][0])
            if not records:
                return X12Error("SE", position, "the transaction set is not valid")
            if kind == "too_long" and isinstance(node, list):
                extra = records[-1]
                return X12Error(where[id(extra)][1], where[id(extra)][0],
                                "one segment too many of this kind in its loop")
            first = records[0]
            words = ("the claim's amounts do not balance against its adjustments"
                     if "balance" in message else "the loop this segment starts is not valid")
            return X12Error(where[id(first)][1], where[id(first)][0], words)
        segment = where[id(record)][1]
        model = parser._segment_models.get(segment)
        element = _element(model, rest[0]) if model is not None and rest and \
            isinstance(rest[0], str) else ""
        words = _wording(kind)
        subject = f"{segment}{element}" if element else segment
        if not element and words == "is not valid":
            words = "is not valid in this loop"
        return X12Error(segment, where[id(record)][0], f"{subject} {words}")

    def _count_error(self, parser, where, position, message):
        """SE01 right but the library counted fewer: it left a misplaced segment out."""
        st = min(pos for pos, _ in where.values())
        se_record = next(r for r in _records(parser._context.transaction_data, where)
                         if where[id(r)][1] == "SE")
        if str(se_record.get("transaction_segment_count")) != str(position - st + 1):
            return X12Error("SE", position, "SE01 does not match the number of segments")
        actual = re.search(r"actual count (\d+)", message)
        if actual is None:
            return X12Error("SE", position, "a segment is not allowed where it is")
        se_record["transaction_segment_count"] = actual.group(1)
        counted: dict[str, int] = {}
        try:
            _count(parser.load_model(), counted)
        except pydantic.ValidationError:
            return X12Error("SE", position, "a segment is not allowed where it is")
        seen: dict[str, int] = {}
        for pos, segment in sorted(where.values()):
            seen[segment] = seen.get(segment, 0) + 1
            if seen[segment] > counted.get(segment, 0):
                return X12Error(segment, pos, "segment not allowed at this place in the "
                                              "transaction")
        return X12Error("SE", position, "a segment is not allowed where it is")

    def _check_values(self, name, fields, position, delimiters):
        """What the models keep as plain text (dates, SVC01) is checked here, by position."""
        if name == "SVC" and len(fields) > 1:
            parts = (fields[1] or "").split(delimiters.component_separator)
            if parts[0] not in SVC_QUALIFIERS or len(parts) < 2 or not parts[1]:
                raise X12Error("SVC", position, "SVC01 is not a qualifier and a procedure "
                                                "code joined by the ISA16 separator")
        elif name == "DTM" and len(fields) > 2 and fields[2]:
            _date(fields[2], "DTM", "02", position)
        elif name == "BPR" and len(fields) > 16 and fields[16]:
            _date(fields[16], "BPR", "16", position)
        elif name == "DTP" and len(fields) > 3 and fields[3]:
            if fields[2] == "D8":
                _date(fields[3], "DTP", "03", position)
            elif fields[2] == "RD8":
                for part in fields[3].split("-", 1):
                    _date(part, "DTP", "03", position)


def _records(node, where):
    if isinstance(node, dict):
        if id(node) in where:
            yield node
            return
        node = node.values()
    if isinstance(node, (list, tuple)) or type(node).__name__ == "dict_values":
        for item in node:
            yield from _records(item, where)


def _count(model, counted):
    if isinstance(model, list):
        for item in model:
            _count(item, counted)
    elif isinstance(model, pydantic.BaseModel):
        name = getattr(model, "segment_name", None)
        if isinstance(name, str):
            counted[name] = counted.get(name, 0) + 1
        for field in type(model).model_fields:
            _count(getattr(model, field), counted)


def _date(value, segment: str, element: str, position: int | None = None) -> date:
    if isinstance(value, date):
        return value
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise X12Error(segment, position, f"{segment}{element} is not a valid date "
                                          "(CCYYMMDD)") from None


def _money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise X12Error(None, None, "an amount is not valid") from None


def _adjustments(cas_segments) -> tuple[Adjustment, ...]:
    out = []
    for cas in cas_segments or ():
        for n in range(1, 7):
            reason = getattr(cas, f"adjustment_reason_code_{n}", None)
            if not reason:
                continue
            out.append(Adjustment(
                group=cas.adjustment_group_code, reason=reason,
                amount=_money(getattr(cas, f"monetary_amount_{n}", None)) or Decimal("0"),
                quantity=_money(getattr(cas, f"quantity_{n}", None))))
    return tuple(out)


def _dtm(segments, qualifier: str) -> date | None:
    for dtm in segments or ():
        if dtm.date_time_qualifier == qualifier and dtm.production_date:
            return _date(dtm.production_date, "DTM", "02")
    return None


def _line(loop, component: str, claim_date: date | None) -> ServiceLine:
    svc = loop.svc_segment
    parts = (svc.composite_medical_procedure_identifier_1 or "").split(component)
    allowed = next((a.monetary_amount for a in loop.amt_segment or ()
                    if a.amount_qualifier_code == "B6"), None)
    ref = next((r.reference_identification for r in loop.ref_segment or ()
                if r.reference_identification_qualifier == "6R"), None)
    units = _money(svc.units_of_service_paid_count)
    return ServiceLine(
        procedure=parts[1],
        modifiers=tuple(p for p in parts[2:6] if p),
        charge=_money(svc.line_item_charge_amount),
        paid=_money(svc.line_item_provider_payment_amount),
        units=units if units is not None else Decimal("1"),
        service_date=_dtm(loop.dtm_segment, "472") or _dtm(loop.dtm_segment, "150")
        or claim_date,
        allowed=_money(allowed), adjustments=_adjustments(loop.cas_segment),
        control_number=ref)


def _member_id(nm1_segments) -> str | None:
    ids = {n.entity_identifier_code: n.identification_code for n in nm1_segments or ()
           if n.identification_code_qualifier == "MI" and n.identification_code}
    return ids.get("IL") or ids.get("QC")


def _claim(loop, component: str) -> Claim:
    clp = loop.clp_segment
    start = _dtm(loop.dtm_segment, "232")
    return Claim(
        patient_control_number=clp.patient_control_number, status=clp.claim_status_code,
        charge=_money(clp.total_claim_charge_amount), paid=_money(clp.claim_payment_amount),
        patient_responsibility=_money(clp.patient_responsibility_amount),
        payer_claim_control_number=clp.payer_claim_control_number or None,
        member_id=_member_id(loop.nm1_segment), statement_from=start,
        statement_to=_dtm(loop.dtm_segment, "233"),
        adjustments=_adjustments(loop.cas_segment),
        lines=tuple(_line(line, component, start) for line in loop.loop_2110 or ()))


def read_835(text: str) -> Remittance:
    """An 835 interchange as a Remittance; X12Error naming segment and position if not."""
    read = _Transactions(text, "835").read()
    component = read.isa[16][:1] or ":"
    claims, first = [], read.models[0]
    for model in read.models:
        for header in model.loop_2000 or ():
            claims.extend(_claim(loop, component) for loop in header.loop_2100 or ())
    bpr, payer = first.header.bpr_segment, first.loop_1000a.n1_segment
    trn = first.header.trn_segment
    eft = bpr.eft_effective_date
    return Remittance(
        sender=read.isa[6].strip(), interchange_control_number=read.isa[13].strip(),
        payer_name=payer.name or None,
        payer_identifier=payer.identification_code or (
            trn.originating_company_identifier if trn else None) or None,
        payment_date=_date(eft, "BPR", "16") if eft else None,
        total_paid=_money(bpr.total_actual_provider_payment_amount),
        claims=tuple(claims))


# AAA03 reject reasons and AAA04 follow-up actions (005010X279A1), as the JSON form words them
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
    return None if value is None or value == "" else format(_money(value), "f")


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
    read = _Transactions(text, "271").read()
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
