"""An 835 remittance advice (005010X221A1) read into the Remittance records."""

from datetime import date
from decimal import Decimal

from costapi.x12.envelope import Interchange, amount_of, segment_date
from costapi.x12.remittance import Adjustment, Claim, Remittance, ServiceLine


def _adjustments(cas_segments) -> tuple[Adjustment, ...]:
    out = []
    for cas in cas_segments or ():
        for n in range(1, 7):
            reason = getattr(cas, f"adjustment_reason_code_{n}", None)
            if not reason:
                continue
            out.append(Adjustment(
                group=cas.adjustment_group_code, reason=reason,
                amount=amount_of(getattr(cas, f"monetary_amount_{n}", None)) or Decimal("0"),
                quantity=amount_of(getattr(cas, f"quantity_{n}", None))))
    return tuple(out)


def _dtm(segments, qualifier: str) -> date | None:
    for dtm in segments or ():
        if dtm.date_time_qualifier == qualifier and dtm.production_date:
            return segment_date(dtm.production_date, "DTM", "02")
    return None


def _line(loop, component: str, claim_date: date | None) -> ServiceLine:
    svc = loop.svc_segment
    parts = (svc.composite_medical_procedure_identifier_1 or "").split(component)
    allowed = next((a.monetary_amount for a in loop.amt_segment or ()
                    if a.amount_qualifier_code == "B6"), None)
    ref = next((r.reference_identification for r in loop.ref_segment or ()
                if r.reference_identification_qualifier == "6R"), None)
    units = amount_of(svc.units_of_service_paid_count)
    return ServiceLine(
        procedure=parts[1],
        modifiers=tuple(p for p in parts[2:6] if p),
        charge=amount_of(svc.line_item_charge_amount),
        paid=amount_of(svc.line_item_provider_payment_amount),
        units=units if units is not None else Decimal("1"),
        service_date=_dtm(loop.dtm_segment, "472") or _dtm(loop.dtm_segment, "150")
        or claim_date,
        allowed=amount_of(allowed), adjustments=_adjustments(loop.cas_segment),
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
        charge=amount_of(clp.total_claim_charge_amount), paid=amount_of(clp.claim_payment_amount),
        patient_responsibility=amount_of(clp.patient_responsibility_amount),
        payer_claim_control_number=clp.payer_claim_control_number or None,
        member_id=_member_id(loop.nm1_segment), statement_from=start,
        statement_to=_dtm(loop.dtm_segment, "233"),
        adjustments=_adjustments(loop.cas_segment),
        lines=tuple(_line(line, component, start) for line in loop.loop_2110 or ()))


def read_835(text: str) -> Remittance:
    """An 835 interchange as a Remittance; X12Error naming segment and position if not."""
    read = Interchange(text, "835").read()
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
        payment_date=segment_date(eft, "BPR", "16") if eft else None,
        total_paid=amount_of(bpr.total_actual_provider_payment_amount),
        claims=tuple(claims))


