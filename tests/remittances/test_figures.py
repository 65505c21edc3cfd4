"""The pure rules of domain.md 7 on records built directly."""
from datetime import date
from decimal import Decimal as D

import pytest

from costapi.remittances import accuracy, drift, figures, matching
from costapi.remittances.figures import Estimated
from costapi.x12.remittance import Adjustment, ServiceLine


def line(paid, *adjustments, allowed=None):
    return ServiceLine("99214", D("285.00"), D(paid), D("1"), allowed=allowed,
                       adjustments=tuple(Adjustment(g, r, D(a)) for g, r, a in adjustments))


@pytest.mark.parametrize(("remitted", "allowed", "share"), [
    pytest.param(line("124.58", ("PR", "3", "30.00"), ("CO", "45", "130.42")), "154.58",
                 "30.00", id="paid-plus-PR"),
    pytest.param(line("100.00", ("PR", "1", "50.00"), ("CO", "253", "2.04"),
                      ("CO", "45", "132.96")), "152.04", "50.00", id="sequestration-added"),
    pytest.param(line("0.00", ("PR", "1", "154.58"), ("CO", "45", "130.42"),
                      allowed=D("160.00")), "160.00", "154.58", id="AMT-B6-wins"),
    pytest.param(line("0.00", ("CO", "197", "285.00")), "0.00", "0.00", id="denied"),
])
def test_actual_figures(remitted, allowed, share):
    assert figures.actual_allowed(remitted) == D(allowed)
    assert figures.actual_patient_share(remitted) == D(share)


def test_denied_means_paid_nothing_with_a_co_denial_reason():
    assert figures.denied(line("0.00", ("CO", "197", "285.00")))
    assert not figures.denied(line("0.00", ("PR", "1", "154.58"), ("CO", "45", "130.42")))
    assert not figures.denied(line("10.00", ("CO", "50", "275.00")))


def test_estimated_share_of_covered_and_not_covered_lines():
    covered = {"covered": True, "deductible": "10.00", "copay": "30.00",
               "coinsurance": "5.55", "not_covered": "0.00", "allowed": "100.00",
               "insurance_pays": "54.45", "patient_pays": "0.00", "secondary_pays": "45.55"}
    assert figures.estimated(covered, "primary") == Estimated(D("45.55"), D("100.00"),
                                                              D("54.45"), True)
    assert figures.estimated(covered, "secondary").insurance_pays == D("45.55")
    excluded = {"covered": False, "not_covered": "250.00", "deductible": "0.00",
                "allowed": "0.00", "insurance_pays": "0.00"}
    assert figures.estimated(excluded, "primary").patient_share == D("250.00")


@pytest.mark.parametrize(("estimated", "actual", "expected"), [
    pytest.param("200.00", "225.00", True, id="25-dollars-exactly"),
    pytest.param("200.00", "225.01", False, id="a-cent-over-25"),
    pytest.param("200.00", "175.00", True, id="25-below"),
    pytest.param("300.00", "330.00", True, id="10-percent-exactly"),
    pytest.param("300.00", "330.01", False, id="a-cent-over-10-percent"),
    pytest.param("250.00", "275.00", True, id="both-25"),
    pytest.param("0.00", "25.00", True, id="nothing-estimated"),
])
def test_accurate_within_25_dollars_or_10_percent_whichever_is_larger(estimated, actual,
                                                                      expected):
    assert accuracy.accurate(D(estimated), D(actual)) is expected


def test_a_claim_at_the_edge_counts_as_accurate_in_the_report():
    claims = [accuracy.ClaimRow(1, "r1", "C1", "acme-ppo", True),
              accuracy.ClaimRow(2, "r1", "C2", "acme-ppo", True)]

    def row(claim, estimated, actual):
        return accuracy.LineRow(claim, "primary", "99214", date(2027, 1, 4), D(1), D(0),
                                D(actual), D(actual), False, (),
                                Estimated(D(estimated), D(estimated), D(0), True))

    # 300.00 estimated: 330.00 is within 10 % (30.00); 200.00 estimated: 225.01 is not.
    lines = [row(1, "100.00", "110.00"), row(1, "200.00", "220.00"), row(2, "200.00",
                                                                         "225.01")]
    found = accuracy.report(claims, lines, [])
    assert found["claims"]["accurate"] == 1 and found["claims"]["accurate_share"] == D("0.5")
    assert found["mean_absolute_difference"] == D("18.34")  # (10 + 20 + 25.01) / 3


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert drift.median_per_unit([D("15.00"), D("15.20"), D("14.90"), D("15.10")]) == D(
        "15.0500")
    assert drift.median_per_unit([D(850) / 56, D(860) / 56]) == D("15.2679")  # 855 / 56


def test_drift_over_one_percent_is_a_finding_and_one_percent_is_not():
    rate = drift.RateRow(6, "acme-ppo", "99214", D("100.00"), date(2026, 1, 1), None)
    claim = accuracy.ClaimRow(1, "r1", "C1", "acme-ppo", True)

    def row(allowed):
        return accuracy.LineRow(1, "primary", "99214", date(2027, 1, 4), D(1), D(allowed),
                                D(allowed), D(0), False, (), None)

    assert drift.rate_drift([row("101.00"), row("101.00")], {1: claim}, [rate]) == []
    found = drift.rate_drift([row("101.00"), row("101.02")], {1: claim}, [rate])
    assert [(item["median_per_unit"], item["difference_percent"]) for item in found] == [
        (D("101.0100"), D("1.01"))]
    past = drift.RateRow(5, "acme-ppo", "99214", D("101.01"), date(2025, 1, 1),
                         date(2026, 12, 31))
    assert drift.rate_drift([row("101.00"), row("101.02")], {1: claim}, [past]) == []


def test_lines_match_the_nearest_date_and_ties_go_to_the_earlier():
    body = {"visits": [{"date": day, "lines": [{"service": "99214"}]}
                       for day in ("2027-01-04", "2027-01-08", "2027-01-12")]}
    lines = matching.estimate_lines(body)
    taken = set()
    assert matching.nearest("99214", date(2027, 1, 10), lines, taken).date == date(2027, 1, 8)
    assert matching.nearest("99214", date(2027, 1, 6), lines, taken).date == date(2027, 1, 4)
    assert matching.nearest("90837", date(2027, 1, 6), lines, taken) is None
    found = matching.assign([("99214", date(2027, 1, 6)), ("99214", date(2027, 1, 6))],
                            lines, taken)
    assert [item.date for item in found] == [date(2027, 1, 4), date(2027, 1, 8)]
    assert matching.span_holds(body, date(2027, 1, 4), date(2027, 1, 12))
    assert not matching.span_holds(body, date(2027, 1, 3), date(2027, 1, 12))
