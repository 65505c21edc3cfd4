"""Median time per estimate of the pricing engine (prints figures; not a test).

Run: .venv/bin/python bench/engine.py
"""

import statistics
import sys
import time
import timeit
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costapi.pricing import (  # noqa: E402
    Amounts,
    Benefits,
    EstimateInput,
    Insurance,
    Payer,
    PharmacyBenefits,
    Phase,
    Plan,
    Policy,
    Program,
    Rate,
    Secondary,
    SelfPay,
    Service,
    StandardBenefits,
    SupplementBenefits,
    VisitItem,
    as_dict,
    estimate,
)

D = Decimal
SERVICES = {
    "J0013": Service("J0013", "drug", D("14.2500"), D("12.0000")),
    "99214": Service("99214", "office_visit", D("250.00"), D("200.00")),
    "99417": Service("99417", "monitoring", D("120.00"), D("100.00")),
    "96365": Service("96365", "administration", D("450.00"), D("400.00")),
    "J3490": Service("J3490", "drug", D("80.00")),
}
SPRAVATO_VISIT = (VisitItem("J0013", 56), VisitItem("99214"), VisitItem("99417"))
MAINTENANCE_VISIT = (VisitItem("J0013", 84), VisitItem("99214"))


def spravato_plan(open_maintenance: bool) -> Plan:
    """8 + 4 + 8 + 19 = 39 visits over 364 days, 2-3 lines each (open: 16 of 12-19)."""
    return Plan(
        "spravato-84",
        "esketamine_nasal",
        (
            Phase("induction-1", "induction", 8, per_week=2, visit=SPRAVATO_VISIT),
            Phase("induction-2", "induction", 4, interval_days=7, visit=SPRAVATO_VISIT),
            Phase("maintenance-weekly", "maintenance", 8, interval_days=7, visit=MAINTENANCE_VISIT),
            Phase(
                "maintenance",
                "maintenance",
                16 if open_maintenance else 19,
                interval_days=14,
                visit=MAINTENANCE_VISIT,
                sessions_min=12 if open_maintenance else None,
                sessions_max=19 if open_maintenance else None,
            ),
        ),
    )


def dispensed(plan: Plan) -> Plan:
    """The same plan with the drug from a specialty pharmacy (the pharmacy benefit, 3.8)."""
    def item(it):
        return replace(it, benefit="pharmacy") if it.service == "J0013" else it

    return replace(plan, code=plan.code + "-pharmacy", phases=tuple(
        replace(phase, visit=tuple(map(item, phase.visit))) for phase in plan.phases))


def daily_plan(days: int) -> Plan:
    return Plan(
        "daily",
        "ketamine_iv",
        (
            Phase(
                "daily",
                "maintenance",
                days,
                interval_days=1,
                visit=(VisitItem("96365"), VisitItem("J3490"), VisitItem("99214")),
            ),
        ),
    )


PAYER = Payer(
    "acme-ppo",
    "commercial",
    D("0.70"),
    D("0.50"),
    rates=(
        Rate(40, "J0013", D("11.8000"), date(2026, 1, 1)),
        Rate(41, "99214", D("128.00"), date(2026, 1, 1)),
        Rate(42, "96365", D("210.00"), date(2026, 1, 1)),
    ),
    policies=(
        Policy(
            12,
            modality="esketamine_nasal",
            prior_authorization=True,
            diagnosis_codes=("F32.*", "F33.*"),
        ),  # fmt: skip
        Policy(13, modality="ketamine_iv", max_visits_per_year=300),
        Policy(14, category="psychotherapy"),
    ),
)
BENEFITS = Benefits(
    plan_year_start=date(2027, 1, 1),
    deductible=D("1500.00"),
    out_of_pocket_max=D("5000.00"),
    coinsurance=D("0.20"),
    copays={"office_visit": D("30.00")},
    family=Amounts(
        deductible=D("3000.00"),
        deductible_met=D("0"),
        out_of_pocket_max=D("10000.00"),
        out_of_pocket_met=D("0"),
    ),
)
PROGRAM = Program(
    code="spravato-savings",
    name="Spravato savings program",
    services=("J0013",),
    payer_kinds=("commercial",),
    patient_pays_per_visit=D("10.00"),
    annual_max=D("7150.00"),
)
INSURANCE = Insurance(
    payer=PAYER,
    network="in",
    benefits=BENEFITS,
    diagnosis_codes=("F33.2",),
    prior_authorization="approved",
    prior_authorization_through=date(2027, 6, 30),
    programs=(PROGRAM,),
    programs_used={"spravato-savings": D("0.00")},
)

MEDICARE = Payer(
    "medicare-b", "medicare", D("0.40"),
    rates=(Rate(50, "J0013", D("9.5000"), date(2026, 1, 1)),
           Rate(51, "99214", D("131.00"), date(2026, 1, 1))),
    policies=(Policy(20, modality="esketamine_nasal", diagnosis_codes=("F32.*", "F33.*")),),
    standard_benefits=(
        StandardBenefits(1, date(2026, 1, 1), date(2026, 12, 31), D("283.00"), D("0.20")),
        StandardBenefits(2, date(2027, 1, 1), None, D("302.00"), D("0.20")),
    ),
)  # fmt: skip
PLAN_N = Payer("medigap-n", "medicare_supplement", standard_benefits=(
    StandardBenefits(3, date(2026, 1, 1), None, pays_part_b_deductible=False,
                     coinsurance_share=D("1"), office_visit_copay=D("20.00")),))  # fmt: skip
SECOND_PLAN = Payer("harbor-ppo", "commercial", D("0.80"), policies=(
    Policy(30, modality="esketamine_nasal", prior_authorization=True),))  # fmt: skip
PHARMACY_INSURANCE = replace(
    INSURANCE,
    payer=replace(PAYER, rates=(*PAYER.rates, Rate(43, "J0013", D("10.9000"), date(2026, 1, 1),
                                                   benefit="pharmacy"))),
    benefits=replace(BENEFITS, pharmacy=PharmacyBenefits(
        deductible=D("250.00"), coinsurance=D("0.25"), coinsurance_max_per_fill=D("400.00"))),
)  # fmt: skip
WITH_MEDIGAP = Insurance(
    payer=MEDICARE, diagnosis_codes=("F33.2",),
    secondary=Secondary(PLAN_N, "supplement", SupplementBenefits()),
)  # fmt: skip
WITH_SECOND_PLAN = replace(
    INSURANCE,
    secondary=Secondary(SECOND_PLAN, "non_duplication", Benefits(
        deductible=D("500.00"), coinsurance=D("0.10"), out_of_pocket_max=D("4000.00"))),
)  # fmt: skip


def timings(run, rounds: int, per_round: int) -> list[float]:
    """Seconds per call, one figure per round (after one warm-up round)."""
    for _ in range(per_round):
        run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            run()
        times.append((time.perf_counter() - start) / per_round)
    return times


def report(label: str, inp: EstimateInput, rounds: int, per_round: int) -> None:
    result = estimate(inp)
    visits = len(result.visits)
    lines = sum(len(v.lines) for v in result.visits)
    times = timings(lambda: estimate(inp), rounds, per_round)
    median = statistics.median(times)
    dumped = statistics.median(timings(lambda: as_dict(estimate(inp)), rounds, per_round))
    print(
        f"{label:<44} {visits:>4} visits {lines:>5} lines  "
        f"median {median * 1e3:6.3f} ms (min {min(times) * 1e3:6.3f})  "
        f"{median / visits * 1e6:5.1f} us/visit  with as_dict {dumped * 1e3:6.3f} ms"
    )


def calibration() -> float:
    """Nanoseconds per Python function call, to compare machines."""

    def f():
        return 0

    return min(timeit.repeat(f, number=200_000, repeat=5)) / 200_000 * 1e9


def main() -> None:
    start = date(2027, 1, 4)
    print(
        f"Python {sys.version.split()[0]}, one core; a Python function call takes"
        f" {calibration():.0f} ns here"
    )
    report(
        "esketamine 12 months, commercial in network",
        EstimateInput(spravato_plan(False), SERVICES, start, INSURANCE),
        rounds=30,
        per_round=50,
    )
    report(
        "  maintenance open: 16 sessions, range 12-19",
        EstimateInput(spravato_plan(True), SERVICES, start, INSURANCE),
        rounds=30,
        per_round=50,
    )
    report(
        "  same, self-pay",
        EstimateInput(spravato_plan(False), SERVICES, start, SelfPay()),
        rounds=30,
        per_round=50,
    )
    report(
        "  Medicare + Medigap N, from 2026-11-02",
        EstimateInput(spravato_plan(False), SERVICES, date(2026, 11, 2), WITH_MEDIGAP),
        rounds=30,
        per_round=50,
    )
    report(
        "  commercial + second plan, non-duplication",
        EstimateInput(spravato_plan(False), SERVICES, start, WITH_SECOND_PLAN),
        rounds=30,
        per_round=50,
    )
    report(
        "  J0013 under the pharmacy benefit (fills)",
        EstimateInput(dispensed(spravato_plan(False)), SERVICES, start, PHARMACY_INSURANCE),
        rounds=30,
        per_round=50,
    )
    report(
        "  same, pharmacy, range 12-19",
        EstimateInput(dispensed(spravato_plan(True)), SERVICES, start, PHARMACY_INSURANCE),
        rounds=30,
        per_round=50,
    )
    for days in (40, 366):
        report(
            f"daily IV, {days} visits, commercial in network",
            EstimateInput(daily_plan(days), SERVICES, start, INSURANCE),
            rounds=15,
            per_round=10,
        )


if __name__ == "__main__":
    main()
