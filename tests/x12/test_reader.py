"""read_835 on the public samples (tests/x12/samples/NOTICE) and on broken files: every
rejection names the segment and its position, and never carries a value from the file."""

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from costapi.x12.remittance import Adjustment, X12Error
from costapi.x12.remittance_advice import read_835

SAMPLES = Path(__file__).parent / "samples"
GOOD = SAMPLES / "managed-care.fixed.835"

# sample -> (segment, position) where the sample itself is invalid
INVALID_835 = {
    "managed-care.835": ("BPR", 4),  # BPR16 20002316: no month 23
    "cob-contractural-adjustment.835": ("SVC", 21),  # SVC01 HC>55669, ISA16 is ":"
    "secondary-payment.835": ("SVC", 29),
    "tertiary-payment.835": ("SVC", 20),  # SVC01 "HC" without a code
}


def sample(name):
    return (SAMPLES / name).read_text()


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.835")), ids=lambda p: p.name)
def test_every_835_sample_is_read_or_rejected_by_segment(path):
    if path.name in INVALID_835:
        with pytest.raises(X12Error) as error:
            read_835(path.read_text())
        assert (error.value.segment, error.value.position) == INVALID_835[path.name]
    else:
        assert read_835(path.read_text()).claims


def test_managed_care_claims_lines_adjustments_and_dates():
    remittance = read_835(sample("managed-care.fixed.835"))
    assert remittance.sender == "000000005"
    assert remittance.interchange_control_number == "000000907"
    assert remittance.payer_name == "RUSHMORE LIFE"
    assert remittance.payer_identifier == "1935665544"  # no N104: TRN03
    assert remittance.payment_date == date(2002, 3, 16)
    assert remittance.total_paid == Decimal("945.00")
    first, second = remittance.claims
    assert (first.patient_control_number, first.status, first.charge, first.paid,
            first.patient_responsibility, first.payer_claim_control_number) == (
        "5554555444", "1", Decimal("800.00"), Decimal("450.00"), Decimal("300.00"),
        "94060555410000")
    assert first.member_id == "33344555510"
    assert first.adjustments == (Adjustment("CO", "A2", Decimal("50.00")),)
    (line,) = first.lines
    assert (line.procedure, line.modifiers, line.charge, line.paid, line.units) == (
        "99211", (), Decimal("800.00"), Decimal("500.00"), Decimal("1"))
    assert line.service_date == date(2002, 3, 1)  # no DTM*472: DTM*150
    assert line.adjustments == (Adjustment("PR", "1", Decimal("300.00")),)
    assert second.patient_control_number == "8765432112"
    assert [ln.procedure for ln in second.lines] == ["93555"]
    amounts = [a.amount for c in remittance.claims for a in c.adjustments]
    assert all(isinstance(a, Decimal) for a in amounts)


def test_secondary_payment_modifiers_allowed_and_all_cas_triples():
    claims = read_835(sample("secondary-payment.fixed.835")).claims
    assert [c.status for c in claims] == ["2", "2"]
    first, second = claims
    assert first.statement_from == date(2005, 3, 3) and first.statement_to == date(2005, 3, 4)
    assert first.member_id == "XXX123456789"
    one, two = second.lines
    assert (one.procedure, one.modifiers, one.allowed) == ("12345", ("26",), Decimal("150.00"))
    assert one.units == Decimal("1.00")
    assert one.service_date == date(2005, 1, 6)
    assert two.adjustments == (Adjustment("PR", "1", Decimal("150.00")),
                               Adjustment("PR", "2", Decimal("70.00")),
                               Adjustment("CO", "42", Decimal("85.00")))


def test_negative_adjustments_and_claim_dates_on_lines():
    (claim,) = read_835(sample("cob-contractural-adjustment.fixed.835")).claims
    assert claim.status == "2" and claim.patient_responsibility is None
    (line,) = claim.lines
    assert line.allowed == Decimal("550.00")
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == [
        ("OA", "23", Decimal("516.00")), ("OA", "94", Decimal("-9.00"))]


def test_institutional_claims_without_lines():
    remittance = read_835(sample("medicare-part-a.835"))
    assert [c.patient_control_number for c in remittance.claims] == ["666123", "777777"]
    assert remittance.claims[0].lines == ()
    assert remittance.claims[0].member_id is None  # NM1*QC with HN, not MI
    assert remittance.payment_date == date(2002, 9, 13)


def test_per_bl_in_loop_1000a_is_read():
    remittance = read_835(sample("managed-care-per-bl.835"))
    assert remittance.payer_name == "RUSHMORE LIFE"
    assert len(remittance.claims) == 2


def segments():
    return [s.strip() for s in GOOD.read_text().split("~") if s.strip()]


def text(segs):
    return "~\n".join(segs) + "~\n"


def replaced(position, new):
    segs = segments()
    segs[position - 1] = new
    return text(segs)


def se_count(segs):
    st = next(i for i, s in enumerate(segs) if s.startswith("ST*"))
    se = next(i for i, s in enumerate(segs) if s.startswith("SE*"))
    segs[se] = f"SE*{se - st + 1}*112233"
    return segs


def inserted(position, new):
    segs = segments()
    segs.insert(position - 1, new)
    return text(se_count(segs))


def removed(prefix):
    return text([s for s in segments() if not s.startswith(prefix)])


BROKEN = {
    "bad amount": (replaced(13, "CLP*5554555444*1*ABC*450.00*300.00*12*94060555410000"),
                   "CLP", 13, "CLP03 is not a valid amount"),
    "bad paid": (replaced(16, "SVC*HC:99211*800.00*5X0.00"), "SVC", 16,
                 "SVC03 is not a valid amount"),
    "unknown segment": (inserted(16, "ZZZ*1*2"), "ZZZ", 16, "not allowed"),
    "missing SE": (removed("SE*"), "SE", 28, "has no SE trailer"),
    "SE count": (replaced(28, "SE*30*112233"), "SE", 28, "SE01 does not match"),
    "SE02 vs ST02": (replaced(28, "SE*26*999999"), "SE", 28, "SE02 does not match ST02"),
    "not an 835": (replaced(3, "ST*837*112233*005010X222A1"), "ST", 3, "not an 835"),
    "bad service date": (replaced(17, "DTM*472*20021399"), "DTM", 17, "DTM02 is not a "
                                                                      "valid date"),
    "no procedure code": (replaced(16, "SVC*HC*800.00*500.00"), "SVC", 16, "SVC01"),
    "too many elements": (replaced(14, "CAS*CO*A2*50.00" + "*1" * 30), "CAS", 14,
                          "more elements"),
    "no IEA": (removed("IEA*"), "IEA", 29, "no IEA trailer"),
    "IEA02 vs ISA13": (replaced(30, "IEA*1*000000999"), "IEA", 30, "IEA02"),
    "second ST without SE": (inserted(12, "ST*835*2"), "SE", 12, "started at segment 3"),
    "not X12": ("CLP*5554555444*1*800.00", "ISA", 1, "ISA"),
    "short ISA": ("ISA*03*9876543210~GS*HP~" + "X" * 120, "ISA", 1, "ISA"),
    "a path, not a file": ("/etc/passwd" + " " * 120, "ISA", 1, "ISA"),
    "999": (replaced(3, "ST*999*112233*005010X231A1"), "ST", 3, "999"),
    "version": (replaced(2, "GS*HP*000000005*54321*20131031*1147*1*X*004010X091A1"),
                "GS", 2, "GS08"),
    "misplaced segment": (inserted(16, "EB*1"), "EB", 16, "not allowed at this place"),
    "claim does not balance": (replaced(13, "CLP*5554555444*1*800.00*400.00*300.00*12*9"),
                               "CLP", 13, "do not balance"),
    "one DTM too many": (inserted(20, "DTM*472*20020301"), "DTM", 20, "too many"),
    "empty element list": (inserted(16, "NM1"), "NM1", 16, "NM101 is required"),
    "segment outside ST": (inserted(3, "N1*PR*RUSHMORE LIFE"), "N1", 3, "outside"),
}

DATA_VALUES = ("5554555444", "BUDD", "WILLIAM", "33344555510", "800.00", "450.00",
               "RUSHMORE", "ABC", "999999", "20021399", "94060555410000", "passwd")


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_broken_file_names_segment_and_position_and_no_value(case, caplog):
    body, segment, position, words = BROKEN[case]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(X12Error) as error:
        read_835(body)
    assert (error.value.segment, error.value.position) == (segment, position), str(error.value)
    assert words in error.value.message
    for value in DATA_VALUES:
        assert value not in str(error.value)
    assert not [r for r in caplog.records if r.name.startswith("x12sdk")]
    assert "BUDD" not in caplog.text


def test_crlf_line_ends_and_no_trailing_newline():
    body = GOOD.read_text().replace("~\n", "~\r\n").rstrip()
    assert len(read_835(body).claims) == 2
