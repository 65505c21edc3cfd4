"""What the public calculator projects from an estimate: the programs applied, each month's
patient share by phase kind, and a payer's coverage of a modality by the engine's own
policy choice. Expectations by hand, prices as in tests/pricing/builders.py."""

import dataclasses
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from costapi.pricing import (
    AppliedProgram,
    Policy,
    Program,
    SelfPay,
    Totals,
    VisitItem,
    estimate,
    modality_status,
)
from costapi.pricing.results import LINE_AMOUNTS, Line

from .builders import INFUSION, SPRAVATO, D, insured, payer, phase, plan, run, weekly
from .strategies import estimate_inputs

ESKETAMINE = "esketamine_nasal"
SAVINGS = Program("savings", "Spravato savings program", ("J0013",), (), ("commercial",),
                  D("10.00"), D("1000.00"))  # fmt: skip
FOUNDATION = Program("foundation", "patient foundation grant", (), ("drug",), (), D("0.00"))
UNUSED = Program("unused", "supply fund", ("ODD",))  # pays for nothing these plans use


def test_line_amounts_are_lines_money_and_totals_fields():
    line_fields = {f.name: f.type for f in dataclasses.fields(Line)}
    assert all(line_fields[name] == "Decimal" for name in LINE_AMOUNTS)
    # cash (the line's cash price x units) is a fact of the line, not an amount rolled up
    money = [name for name, kind in line_fields.items() if kind == "Decimal" and name != "cash"]
    assert money == list(LINE_AMOUNTS)
    assert [f.name for f in dataclasses.fields(Totals)] == [
        "charges", *LINE_AMOUNTS[1:], "net_patient_cost"
    ]  # fmt: skip


# ---------------------------------------------------------------- Estimate.programs


@pytest.mark.parametrize(
    "coverage, codes",
    [
        # in network, commercial: every requested program, in request order, whether or
        # not it pays anything (UNUSED pays for no service of the plan)
        (insured(programs=(FOUNDATION, UNUSED, SAVINGS)), ["foundation", "unused", "savings"]),
        # Medicare: SAVINGS is for commercial plans only
        (insured(payer_=payer(kind="medicare"), programs=(SAVINGS, FOUNDATION)), ["foundation"]),
        (insured(network="out", programs=(SAVINGS, FOUNDATION)), []),  # never out of network
        (insured(), []),
        (SelfPay(), []),
    ],
    ids=["in-network-request-order", "payer-kind", "out-of-network", "none", "self-pay"],
)
def test_programs_are_the_usable_ones_in_request_order(coverage, codes):
    result = run(plan(weekly(1, SPRAVATO), modality=ESKETAMINE), coverage)
    assert isinstance(result.programs, tuple)
    assert [p.code for p in result.programs] == codes
    names = {p.code: p.name for p in (SAVINGS, FOUNDATION, UNUSED)}
    assert result.programs == tuple(AppliedProgram(code=c, name=names[c]) for c in codes)


def test_an_applied_program_is_listed_with_its_name():
    # V1: J0013 allowed 448 (80% of 560), no deductible or coinsurance given, so the
    # patient owes 0 and SAVINGS pays 0; it is still the program the estimate applied
    result = run(plan(weekly(1, SPRAVATO), modality=ESKETAMINE), insured(programs=(SAVINGS,)))
    assert result.programs == (AppliedProgram(code="savings", name="Spravato savings program"),)
    assert str(result.totals.assistance_pays) == "0.00"


# ------------------------------------------------------------ MonthSummary.by_kind

MAINTENANCE = (VisitItem("99214"),)  # allowed 160.00 (80% of 200)


def induction_then_maintenance():
    """Jan 4 and 11 (induction, weekly), then maintenance every 42 days from Jan 18
    (Jan 4 + 2 weeks): Jan 18 and Mar 1 (Jan 18 + 42 days); no visit in February; an
    intake phase with no session first and a follow-up with none last."""
    return plan(
        phase("intake", 0, INFUSION, every=7, kind="intake"),
        phase("induction", 2, INFUSION, every=7, kind="induction"),
        phase("maintenance", 2, MAINTENANCE, every=42, kind="maintenance"),
        phase("follow-up", 0, MAINTENANCE, every=7, kind="follow_up"),
    )


def test_months_split_patient_pays_by_phase_kind():
    result = run(induction_then_maintenance(), insured(coinsurance="0.20"))
    # induction visit: 20% of 360 + 20% of 64 = 72.00 + 12.80 = 84.80
    # maintenance visit: 20% of 160 = 32.00
    months = {m.month: m for m in result.months}
    assert list(months) == ["2027-01", "2027-02", "2027-03"]
    january, february, march = months.values()
    assert january.visits == 3
    assert str(january.patient_pays) == "201.60"  # 2 x 84.80 + 32.00
    assert [(kind, str(amount)) for kind, amount in january.by_kind] == [
        ("induction", "169.60"),  # 2 x 84.80 (Jan 4, Jan 11)
        ("maintenance", "32.00"),  # Jan 18
    ]
    # February: no visit, every kind zero-filled (kinds with no session are left out)
    assert february.visits == 0
    assert [(kind, str(amount)) for kind, amount in february.by_kind] == [
        ("induction", "0.00"),
        ("maintenance", "0.00"),
    ]
    assert [(kind, str(amount)) for kind, amount in march.by_kind] == [
        ("induction", "0.00"),
        ("maintenance", "32.00"),  # Mar 1
    ]


def test_by_kind_of_a_self_pay_estimate():
    # cash: induction visit 400 + 60 = 460.00; maintenance visit 150.00
    result = run(induction_then_maintenance(), SelfPay())
    assert [[(kind, str(amount)) for kind, amount in m.by_kind] for m in result.months] == [
        [("induction", "920.00"), ("maintenance", "150.00")],  # 2 x 460; Jan 18
        [("induction", "0.00"), ("maintenance", "0.00")],
        [("induction", "0.00"), ("maintenance", "150.00")],
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estimate_inputs())
def test_by_kind_matches_the_visits(inp):
    """The calculator's old rule, from the visits: per month and phase kind, the sum of
    patient_pays, over the kinds of the phases with a session, in plan order."""
    result = estimate(inp)
    kind_of = {p.name: p.kind for p in result.phases}
    kinds = list(dict.fromkeys(p.kind for p in result.phases if p.sessions))
    spent = defaultdict(Decimal)
    for visit in result.visits:
        spent[(visit.date.strftime("%Y-%m"), kind_of[visit.phase])] += visit.patient_pays
    for month in result.months:
        assert [kind for kind, _ in month.by_kind] == kinds
        for kind, amount in month.by_kind:
            assert amount == spent[(month.month, kind)]
            assert amount.as_tuple().exponent == -2
        assert sum((amount for _, amount in month.by_kind), Decimal("0.00")) == month.patient_pays


# ----------------------------------------------------------------- modality_status

DAY = date(2027, 1, 4)
LINES = (("J0013", "drug"), ("99214", "office_visit"))  # SPRAVATO's services
WIDE_PA = Policy(1, modality=ESKETAMINE, prior_authorization=True)
WIDE_EXCLUSION = Policy(2, modality=ESKETAMINE, covered=False, reason="experimental")
DRUG_EXCLUDED = Policy(3, modality=ESKETAMINE, service="J0013", covered=False)
DRUG_COVERED = Policy(4, service="J0013")
FROM_FEBRUARY = Policy(6, modality=ESKETAMINE, covered=False, effective_from=date(2027, 2, 1))


@pytest.mark.parametrize(
    "policies, lines, status",
    [
        ((), LINES, "usually_covered"),  # no policy governs: covered, no conditions
        ((WIDE_PA,), (), "usually_covered"),  # no lines
        ((WIDE_PA,), LINES, "prior_authorization_needed"),
        ((WIDE_EXCLUSION,), LINES, "usually_not_covered"),
        # the J0013 policy (specificity 4 + 1) beats the modality-wide one (1) for J0013
        ((WIDE_PA, DRUG_EXCLUDED), LINES, "partly_covered"),
        ((DRUG_COVERED, WIDE_EXCLUSION), LINES, "partly_covered"),  # J0013 yes, 99214 no
        ((DRUG_COVERED, WIDE_EXCLUSION), LINES[:1], "usually_covered"),
        # a policy for another modality governs nothing here
        ((Policy(5, modality="ketamine_iv", covered=False),), LINES, "usually_covered"),
        # not yet in effect on Jan 4, 2027: ignored; the one in effect decides
        ((WIDE_PA, FROM_FEBRUARY), LINES, "prior_authorization_needed"),
        # ended the day before: ignored
        ((Policy(7, modality=ESKETAMINE, covered=False, effective_to=date(2027, 1, 3)),), LINES,
         "usually_covered"),
        # same specificity, both in effect: the later effective_from wins, as in an estimate
        (
            (
                Policy(9, modality=ESKETAMINE, prior_authorization=True,
                       effective_from=date(2026, 1, 1)),
                Policy(8, modality=ESKETAMINE, covered=False, effective_from=date(2026, 7, 1)),
            ),
            LINES,
            "usually_not_covered",
        ),
    ],
    ids=[
        "no-policy", "no-lines", "prior-authorization", "excluded", "service-beats-modality",
        "service-covered-rest-excluded", "only-the-covered-service", "other-modality",
        "not-yet-in-effect", "ended", "later-effective-from-wins",
    ],
)  # fmt: skip
def test_modality_status(policies, lines, status):
    assert modality_status(policies, ESKETAMINE, lines, DAY) == status


def test_modality_status_on_the_day_a_policy_takes_effect():
    policies = (WIDE_PA, FROM_FEBRUARY)
    assert modality_status(policies, ESKETAMINE, LINES, date(2027, 1, 31)) == (
        "prior_authorization_needed"
    )
    assert modality_status(policies, ESKETAMINE, LINES, date(2027, 2, 1)) == "usually_not_covered"


def test_modality_status_and_an_estimate_choose_the_same_policy():
    """partly_covered because J0013's own policy excludes it: the estimate's J0013 line is
    governed by that policy and not covered, its 99214 line by the modality-wide one."""
    policies = (WIDE_PA, DRUG_EXCLUDED)
    assert modality_status(policies, ESKETAMINE, LINES, DAY) == "partly_covered"
    result = run(
        plan(weekly(1, SPRAVATO), modality=ESKETAMINE),
        insured(payer_=payer(policies=policies), authorization="approved"),
    )
    drug, office = result.visits[0].lines
    assert (drug.service, drug.policy_id, drug.covered) == ("J0013", 3, False)
    assert (office.service, office.policy_id, office.covered) == ("99214", 1, True)
