"""The estimation engine: pure functions over frozen dataclasses (see docs/engine.md).

Read in this order: inputs, results, money, schedule, plan_years, coverage, terms,
lines, accumulators, cost_sharing, assistance, strategy, adjudication, discounts,
self_pay, rollups, engine (then notices, wording, vocabulary, serialize, errors).
"""

from .coverage import modality_status
from .engine import estimate
from .errors import PricingError
from .inputs import (
    Amounts,
    Benefits,
    EstimateInput,
    Insurance,
    NetworkBenefits,
    PackagePrice,
    Payer,
    Phase,
    PhaseOverride,
    Plan,
    Policy,
    Program,
    Rate,
    SelfPay,
    Service,
    SlidingScale,
    Tier,
    VisitItem,
)
from .results import (
    AppliedProgram,
    DataVersions,
    Estimate,
    Line,
    MonthSummary,
    Notice,
    PhaseSummary,
    PlanYearSummary,
    Range,
    Totals,
    Visit,
)
from .serialize import as_dict

__all__ = [
    "Amounts",
    "AppliedProgram",
    "Benefits",
    "DataVersions",
    "Estimate",
    "EstimateInput",
    "Insurance",
    "Line",
    "MonthSummary",
    "NetworkBenefits",
    "Notice",
    "PackagePrice",
    "Payer",
    "Phase",
    "PhaseOverride",
    "PhaseSummary",
    "Plan",
    "PlanYearSummary",
    "Policy",
    "PricingError",
    "Program",
    "Range",
    "Rate",
    "SelfPay",
    "Service",
    "SlidingScale",
    "Tier",
    "Totals",
    "Visit",
    "VisitItem",
    "as_dict",
    "estimate",
    "modality_status",
]
