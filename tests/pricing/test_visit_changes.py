"""Visit changes within a phase (domain.md 2): a dose escalation such as J0013 x 56 on
session 1, then x 84 from session 2; G2082 then G2083 for Medicare.

Prices (builders.SERVICES): J0013 charge 10.00 / cash 8.00 per mg; 99214 charge 200.00 /
cash 150.00; 99213 charge 25.00. Payer default allowed 80 % of the charge:
J0013 x 56 allowed 448.00, x 84 allowed 672.00; 99214 allowed 160.00.
"""

from datetime import timedelta

import pytest

from costapi.pricing import (
    EstimateInput,
    PackagePrice,
    PhaseOverride,
    PricingError,
    Rate,
    SelfPay,
    Service,
    VisitChange,
    VisitItem,
    estimate,
)
from tests.pricing.builders import (
    SERVICES,
    SPRAVATO,
    START,
    D,
    check,
    insured,
    payer,
    phase,
    plan,
    run,
)

DOSE_84 = (VisitItem("J0013", 84), VisitItem("99214"))  # allowed 672 + 160; cash 672 + 150
ESCALATION = (VisitChange(2, DOSE_84),)


def induction(sessions=3, changes=ESCALATION, visit=SPRAVATO, **extra):
    return phase("induction", sessions, visit, every=3, visit_changes=changes, **extra)


def test_escalation_commercial_crosses_the_deductible_on_the_first_84_mg_session():
    result = run(plan(induction()), insured(deductible="1000.00", coinsurance="0.20"))
    check(result, {
        # session 1 at 56 mg: J0013 448.00 all deductible (1000 -> 552 left),
        # 99214 160.00 all deductible (552 -> 392 left): 608.00
        "visits.0.lines.0.units": 56,
        "visits.0.lines.0.deductible": "448.00",
        "visits.0.lines.1.deductible": "160.00",
        "visits.0.patient_pays": "608.00",
        # session 2 at 84 mg: J0013 672.00: deductible 392.00, coinsurance
        # (672 - 392) x 0.20 = 56.00; 99214 160 x 0.20 = 32.00: 392 + 56 + 32 = 480.00
        "visits.1.lines.0.units": 84,
        "visits.1.lines.0.charge": "840.00",
        "visits.1.lines.0.allowed": "672.00",
        "visits.1.lines.0.deductible": "392.00",
        "visits.1.lines.0.coinsurance": "56.00",
        "visits.1.lines.1.coinsurance": "32.00",
        "visits.1.patient_pays": "480.00",
        # session 3 at 84 mg: 672 x 0.20 = 134.40 + 32.00 = 166.40
        "visits.2.lines.0.units": 84,
        "visits.2.patient_pays": "166.40",
        # 608.00 + 480.00 + 166.40
        "totals.patient_pays": "1254.40",
        "totals.deductible": "1000.00",
        "phases.0.patient_pays": "1254.40",
        # cash: 448 + 150 = 598.00 on session 1, 672 + 150 = 822.00 after: 598 + 2 x 822
        "self_pay_total": "2242.00",
    })


def test_medicare_g2082_then_g2083():
    services = {**SERVICES, "G2083": Service("G2083", "drug", D("1500.00"))}
    medicare = payer(kind="medicare", rates=(Rate(1, "G2082", D("600.00")),
                                             Rate(2, "G2083", D("800.00"))))
    the_plan = plan(phase("series", 3, (VisitItem("G2082"),), every=7,
                          visit_changes=(VisitChange(2, (VisitItem("G2083"),)),)))
    result = run(the_plan, insured(payer_=medicare, deductible="283.00", coinsurance="0.20"),
                 services=services)
    check(result, {
        # G2082 at its rate 600.00: deductible 283.00, coinsurance (600 - 283) x 0.20 = 63.40
        "visits.0.lines.0.service": "G2082",
        "visits.0.lines.0.rate_id": 1,
        "visits.0.patient_pays": "346.40",
        # G2083 at its rate 800.00: coinsurance 800 x 0.20 = 160.00, twice
        "visits.1.lines.0.service": "G2083",
        "visits.1.lines.0.rate_id": 2,
        "visits.1.patient_pays": "160.00",
        "visits.2.lines.0.service": "G2083",
        "visits.2.patient_pays": "160.00",
        # 346.40 + 160.00 + 160.00
        "totals.patient_pays": "666.40",
        # 600 - 346.40 = 253.60, + 2 x 640.00
        "totals.insurance_pays": "1533.60",
    })


def test_a_change_past_the_last_session_is_unused():
    coverage = insured(deductible="1000.00", coinsurance="0.20")
    changed = run(plan(induction(changes=(VisitChange(4, DOSE_84),))), coverage)
    plain = run(plan(induction(changes=())), coverage)
    # 3 sessions at 56 mg: 608.00 (deductible 1000 -> 392), then 392 + (608 - 392) x 0.20
    # = 392 + 43.20 = 435.20, then 608 x 0.20 = 121.60: 1164.80
    check(changed, {"visits.2.lines.0.units": 56, "totals.patient_pays": "1164.80"})
    assert changed.totals == plain.totals


def test_overriding_visit_clears_the_plans_changes():
    override = PhaseOverride(visit=(VisitItem("99213"),))
    result = run(plan(induction()), insured(coinsurance="0.20"), overrides={"induction": override})
    # every session 99213 alone: allowed 25 x 0.80 = 20.00, coinsurance 4.00; 3 x 4.00
    check(result, {
        "visits.0.lines.0.service": "99213",
        "visits.1.lines.0.service": "99213",
        "visits.2.lines.0.service": "99213",
        "totals.patient_pays": "12.00",
    })
    assert [len(visit.lines) for visit in result.visits] == [1, 1, 1]


def test_overriding_visit_and_visit_changes_together():
    override = PhaseOverride(visit=(VisitItem("99213"),), visit_changes=ESCALATION)
    result = run(plan(induction()), insured(coinsurance="0.20"), overrides={"induction": override})
    # 99213 4.00 on session 1, then (672 + 160) x 0.20 = 166.40 twice: 336.80
    check(result, {"visits.0.lines.0.service": "99213", "visits.1.lines.0.units": 84,
                   "totals.patient_pays": "336.80"})


def test_overriding_visit_changes_replaces_the_plans():
    override = PhaseOverride(visit_changes=(VisitChange(3, DOSE_84),))
    result = run(plan(induction()), insured(coinsurance="0.20"), overrides={"induction": override})
    # 56 mg on sessions 1 and 2: (448 + 160) x 0.20 = 121.60 each; 84 mg on session 3:
    # 166.40; 2 x 121.60 + 166.40 = 409.60
    check(result, {
        "visits.0.lines.0.units": 56,
        "visits.1.lines.0.units": 56,
        "visits.2.lines.0.units": 84,
        "totals.patient_pays": "409.60",
    })
    cleared = run(plan(induction()), insured(coinsurance="0.20"),
                  overrides={"induction": PhaseOverride(visit_changes=())})
    # no changes at all: 3 x 121.60
    check(cleared, {"visits.2.lines.0.units": 56, "totals.patient_pays": "364.80"})


PACKAGE = PackagePrice("induction-3", "Induction of 3", "plan", "induction", 3, D("2000.00"))


def test_self_pay_cash_and_a_package_price_use_each_sessions_visit():
    # cash 598.00 on session 1 (448 + 150), 822.00 on 2 and 3 (672 + 150): 2242.00
    cash = run(plan(induction()), SelfPay())
    check(cash, {"visits.0.patient_pays": "598.00", "visits.1.patient_pays": "822.00",
                 "visits.2.patient_pays": "822.00", "totals.patient_pays": "2242.00"})
    packaged = run(plan(induction()), SelfPay(discounts=(PACKAGE,)))
    # the package (3 sessions) costs 2000.00: discount 2242.00 - 2000.00 = 242.00
    check(packaged, {"totals.patient_pays": "2000.00", "totals.discount": "242.00"})
    offered = estimate(EstimateInput(plan(induction()), SERVICES, START, SelfPay(),
                                     packages=(PACKAGE,)))
    # discount_available: its saving alone, 2242.00 - 2000.00
    check(offered, {"warning:discount_available": {"amount": "242.00"}})
    insured_ = estimate(EstimateInput(plan(induction()), SERVICES, START,
                                      insured(coinsurance="0.20"), packages=(PACKAGE,)))
    # self_pay_total: the package (2000.00) is below the cash price 2242.00
    check(insured_, {"self_pay_total": "2000.00"})


def test_a_range_phase_with_a_change():
    # sessions 3 (min 2, max 5), 84 mg from session 3; deductible 500, coinsurance 0.20.
    # session 1: J0013 448 deductible (52 left), 99214: 52 + (160 - 52) x 0.20 = 21.60:
    # 521.60; session 2 (56 mg): 608 x 0.20 = 121.60; sessions 3-5 (84 mg):
    # 832 x 0.20 = 166.40
    the_plan = plan(induction(changes=(VisitChange(3, DOSE_84),), sessions_min=2,
                              sessions_max=5))
    result = run(the_plan, insured(deductible="500.00", coinsurance="0.20"))
    check(result, {
        "visits.0.patient_pays": "521.60",
        "visits.1.patient_pays": "121.60",
        "visits.2.patient_pays": "166.40",
        "totals.patient_pays": "809.60",  # 521.60 + 121.60 + 166.40
        "range.low": "643.20",  # 2 sessions: 521.60 + 121.60
        "range.high": "1142.40",  # 5 sessions: 809.60 + 2 x 166.40
    })
    # the same figure as a pass of its own over 5 sessions
    longer = run(plan(induction(sessions=5, changes=(VisitChange(3, DOSE_84),))),
                 insured(deductible="500.00", coinsurance="0.20"))
    assert longer.totals.net_patient_cost == D("1142.40")
    # self-pay (not causal): cash 598.00 twice, then 822.00
    cash = run(the_plan, SelfPay())
    check(cash, {"totals.patient_pays": "2018.00",  # 2 x 598 + 822
                 "range.low": "1196.00",  # 2 x 598
                 "range.high": "3662.00"})  # 2 x 598 + 3 x 822
    assert cash.visits[-1].date - cash.visits[0].date == timedelta(days=6)


BAD = [
    (induction(changes=(VisitChange(1, DOSE_84),)), None,
     "phases.induction.visit_changes.0.from_session"),
    (induction(changes=(VisitChange(3, DOSE_84), VisitChange(3, SPRAVATO))), None,
     "phases.induction.visit_changes.1.from_session"),
    (induction(changes=(VisitChange(3, DOSE_84), VisitChange(2, SPRAVATO))), None,
     "phases.induction.visit_changes.1.from_session"),
    (induction(changes=(VisitChange(2, (VisitItem("J0013", 84), VisitItem("NOPE"))),)), None,
     "phases.induction.visit_changes.0.visit.1.service"),
    (induction(), PhaseOverride(visit=(VisitItem("NOPE"),)),
     "phases.induction.visit.0.service"),
    (induction(), PhaseOverride(visit_changes=(VisitChange(0, DOSE_84),)),
     "phases.induction.visit_changes.0.from_session"),
    (induction(), PhaseOverride(visit_changes=(VisitChange(2, DOSE_84),
                                               VisitChange(2, SPRAVATO))),
     "phases.induction.visit_changes.1.from_session"),
    (induction(), PhaseOverride(visit_changes=(VisitChange(2, (VisitItem("NOPE"),)),)),
     "phases.induction.visit_changes.0.visit.0.service"),
]


@pytest.mark.parametrize(("the_phase", "override", "field"), BAD)
def test_errors_name_the_item(the_phase, override, field):
    overrides = {} if override is None else {"induction": override}
    with pytest.raises(PricingError) as raised:
        run(plan(the_phase), SelfPay(), overrides=overrides)
    assert raised.value.field == field
