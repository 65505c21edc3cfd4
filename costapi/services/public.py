"""The public calculator: what a patient may see of the rules, and a patient's estimate.

No contracted rate, policy detail or per-line figure leaves this module: the lists say
what the clinic offers and, per payer, whether a treatment is usually covered; the
estimate reports the patient's side only (what they pay, per phase, month and plan year).
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from costapi.db import session
from costapi.models import Payer, Plan, Policy, Program
from costapi.services import estimates
from costapi.services.errors import Invalid
from costapi.services.estimate_rules import load_rules
from costapi.services.rule_cache import cached

CENT = Decimal("0.01")
MODALITY_ORDER = ("esketamine_nasal", "ketamine_iv", "ketamine_im", "ketamine_oral", "kap",
                  "other")
COVERAGE_LABELS = {
    "usually_covered": "Usually covered",
    "prior_authorization_needed": "Prior authorization needed",
    "partly_covered": "Partly covered",
    "usually_not_covered": "Usually not covered",
}
NOTICE = ("This is an estimate, not a quote or a guarantee of payment. What you pay depends "
          "on your plan's decisions, the services you actually receive and your benefits on "
          "the day of each visit. The clinic will give you a Good Faith Estimate before "
          "treatment.")
PUBLIC_MESSAGES = {
    "diagnosis_required": (
        "Your plan covers this treatment only for certain diagnoses (for example "
        "treatment-resistant depression). The clinic will confirm yours with your plan."),
}
BENEFIT_FIELDS = ("deductible", "deductible_met", "out_of_pocket_max", "out_of_pocket_met",
                  "coinsurance")


def money(amount):
    return str(Decimal(amount).quantize(CENT, ROUND_HALF_UP))


# ---- the lists ---------------------------------------------------------------------------

def _live(model):
    return session.scalars(select(model).where(model.superseded_at.is_(None),
                                               model.deleted_at.is_(None))
                           .order_by(model.code)).all()


def cadence(phase):
    """How often a phase's visits come, in words."""
    if phase["sessions"] == 1 and not phase.get("sessions_max"):
        return "one visit"
    per_week = phase.get("per_week")
    if per_week:
        return {1: "once a week", 2: "twice a week"}.get(per_week, f"{per_week} times a week")
    days = phase["interval_days"]
    if days == 1:
        return "every day"
    if days == 7:
        return "every week"
    if days % 7 == 0:
        return f"every {days // 7} weeks"
    return f"every {days} days"


def _plan_summary(row):
    phases = [{"name": phase["name"], "kind": phase["kind"], "sessions": phase["sessions"],
               "sessions_min": phase.get("sessions_min"),
               "sessions_max": phase.get("sessions_max"), "cadence": cadence(phase)}
              for phase in row.phases]
    return {"code": row.code, "name": row.name, "modality": row.modality,
            "description": row.description, "visits": sum(p["sessions"] for p in phases),
            "phases": phases}


def public_plans():
    """Every live plan with a schedule summary (no services, no prices)."""
    return cached("public", ["plans"],
                  lambda _codes: {"plans": [_plan_summary(row) for row in _live(Plan)]})["plans"]


def _current(policies, day):
    """The policy in effect on `day`, else the next one to take effect."""
    now = [p for p in policies if p.effective_from <= day and
           (p.effective_to is None or p.effective_to >= day)]
    if now:
        return now[0]
    upcoming = sorted((p for p in policies if p.effective_from > day),
                      key=lambda p: p.effective_from)
    return upcoming[0] if upcoming else None


def coverage_status(policies, modality, day):
    """usually_covered, prior_authorization_needed, partly_covered or usually_not_covered.

    A modality-wide policy (no service, no category) decides; without one, category
    policies of the modality that exclude something make it `partly_covered`.
    """
    mine = [p for p in policies if p.modality == modality and p.service is None]
    wide = _current([p for p in mine if p.category is None], day)
    if wide is not None:
        if not wide.covered:
            return "usually_not_covered"
        return "prior_authorization_needed" if wide.prior_authorization else "usually_covered"
    by_category = {}
    for policy in mine:
        by_category.setdefault(policy.category, []).append(policy)
    decided = [_current(items, day) for items in by_category.values()]
    if any(p is not None and not p.covered for p in decided):
        return "partly_covered"
    if any(p is not None and p.prior_authorization for p in decided):
        return "prior_authorization_needed"
    return "usually_covered"


def _payer_summaries(day):
    offered = {plan["modality"] for plan in public_plans()}
    modalities = [m for m in MODALITY_ORDER if m in offered]
    payers = _live(Payer)
    policies = {}
    for policy in session.scalars(select(Policy).where(
            Policy.payer_code.in_([p.code for p in payers]), Policy.superseded_at.is_(None))
            .order_by(Policy.effective_from, Policy.id)):
        policies.setdefault(policy.payer_code, []).append(policy)
    summaries = []
    for payer in payers:
        coverage = []
        for modality in modalities:
            status = coverage_status(policies.get(payer.code, []), modality, day)
            coverage.append({"modality": modality, "status": status,
                             "label": COVERAGE_LABELS[status]})
        summaries.append({"code": payer.code, "name": payer.name, "kind": payer.kind,
                          "coverage": coverage})
    return summaries


def public_payers(day=None):
    """Every live payer: name, kind, and per offered modality whether it is usually covered."""
    key = f"payers:{(day or date.today()).isoformat()}"
    return cached("public", [key],
                  lambda _codes: {key: _payer_summaries(day or date.today())})[key]


# ---- the estimate ------------------------------------------------------------------------

def _program_codes():
    return cached("public", ["programs"],
                  lambda _codes: {"programs": [row.code for row in _live(Program)]})["programs"]


def _benefits(data):
    """The benefits block of a full estimate request from the figures a patient knows."""
    given = {name: data[name] for name in BENEFIT_FIELDS if data.get(name) is not None}
    benefits = {"plan_year_start": data.get("plan_year_start")
                or date(data["start_date"].year, 1, 1)}
    if data.get("network", "in") == "out":
        benefits["out_of_network"] = given or None
        return benefits
    benefits.update(given)
    if data.get("copay") is not None:
        benefits["copays"] = {"office_visit": data["copay"], "evaluation": data["copay"]}
    return benefits


def full_request(data):
    """The estimate request (api.md "Estimates") for a validated public request.

    Assistance programs that pay for a service or category of the plan are added; the
    engine applies those the payer's kind allows (in network) and warns about the others.
    Returns (request, rules, programs that apply).
    """
    request = {"plan": data["plan"], "start_date": data["start_date"]}
    if data["coverage"] == "self_pay":
        request["coverage"] = {"type": "self_pay"}
        return request, load_rules(request), []
    request["coverage"] = {"type": "insurance", "payer": data["payer"],
                           "network": data.get("network", "in"),
                           "benefits": _benefits(data), "programs": _program_codes()}
    rules = load_rules(request)
    services = rules.services
    used = {item.service for phase in rules.plan.value.phases for item in phase.visit}
    categories = {services[code].value.category for code in used if code in services}
    relevant = [rule.value for rule in rules.programs
                if used & set(rule.value.services) or categories & set(rule.value.categories)]
    request["coverage"]["programs"] = [program.code for program in relevant]
    kind = rules.payer.value.kind
    applied = [program for program in relevant
               if request["coverage"]["network"] == "in"
               and (not program.payer_kinds or kind in program.payer_kinds)]
    return request, rules, applied


def _public_errors(node):
    """Error paths of the full request renamed to the public fields (coverage.payer -> payer)."""
    if not isinstance(node, dict):
        return node
    renamed = {}
    for key, value in node.items():
        if key in ("coverage", "benefits", "out_of_network") and isinstance(value, dict):
            renamed.update(_public_errors(value))
        elif key == "copays":
            renamed["copay"] = next(iter(value.values())) if isinstance(value, dict) else value
        else:
            renamed[key] = _public_errors(value)
    return renamed


def _months(result, kinds_of_phases, kinds):
    spent = {}
    for visit in result.visits:
        month = visit.date.strftime("%Y-%m")
        kind = kinds_of_phases[visit.phase]
        spent[(month, kind)] = spent.get((month, kind), Decimal(0)) + visit.patient_pays
    return [{"month": m.month, "visits": m.visits, "patient_pays": money(m.patient_pays),
             "net_patient_cost": money(m.net_patient_cost),
             "by_kind": {kind: money(spent.get((m.month, kind), 0)) for kind in kinds}}
            for m in result.months]


def _warnings(result, data):
    warnings = []
    for notice in result.warnings:
        item = {"code": notice.code,
                "message": PUBLIC_MESSAGES.get(notice.code, notice.message)}
        if notice.amount is not None:
            item["amount"] = money(notice.amount)
        if notice.date is not None:
            item["date"] = notice.date.isoformat()
        if notice.month is not None:
            item["month"] = notice.month
        warnings.append(item)
    if (data["coverage"] == "insurance" and data.get("network", "in") == "in"
            and all(data.get(name) is None for name in (*BENEFIT_FIELDS, "copay"))):
        warnings.append({"code": "benefits_assumed", "message": (
            "You did not enter your plan's deductible, coinsurance or copay, so this estimate "
            "assumes you pay none of them; your cost may be higher. Your insurance card or "
            "member portal lists them.")})
    return warnings


def answer(data, request, rules, applied, result):
    """The public answer: the patient's side of an estimate, no rates, visits or lines."""
    t = result.totals
    phase_kinds = {phase.name: phase.kind for phase in result.phases}
    kinds = list(dict.fromkeys(p.kind for p in result.phases if p.sessions))
    payer = rules.payer.value if rules.payer else None
    return {
        "currency": result.currency,
        "plan": result.plan,
        "plan_name": _plan_names().get(result.plan, result.plan),
        "start_date": result.start_date.isoformat(),
        "coverage": {
            "type": data["coverage"],
            "payer": None if payer is None else {"code": payer.code,
                                                 "name": _payer_names().get(payer.code),
                                                 "kind": payer.kind},
            "network": None if payer is None else request["coverage"]["network"],
            "plan_year_start": None if payer is None else
            request["coverage"]["benefits"]["plan_year_start"].isoformat(),
        },
        "totals": {
            "patient_pays": money(t.patient_pays),
            "assistance_pays": money(t.assistance_pays),
            "deductible": money(t.deductible),
            "copay": money(t.copay),
            "coinsurance": money(t.coinsurance),
            "not_covered": money(t.not_covered),
            "expected_reimbursement": money(t.expected_reimbursement),
            "net_patient_cost": money(t.net_patient_cost),
        },
        "self_pay_total": money(result.self_pay_total),
        "range": None if result.range is None else {"low": money(result.range.low),
                                                    "high": money(result.range.high)},
        "phase_kinds": kinds,
        "phases": [{"name": p.name, "kind": p.kind, "sessions": p.sessions,
                    "first_date": p.first_date and p.first_date.isoformat(),
                    "last_date": p.last_date and p.last_date.isoformat(),
                    "patient_pays": money(p.patient_pays),
                    "net_patient_cost": money(p.net_patient_cost)} for p in result.phases],
        "months": _months(result, phase_kinds, kinds),
        "plan_years": [{"start": y.start.isoformat(), "end": y.end.isoformat(),
                        "visits": y.visits, "patient_pays": money(y.patient_pays),
                        "deductible": money(y.deductible), "copay": money(y.copay),
                        "coinsurance": money(y.coinsurance),
                        "net_patient_cost": money(y.net_patient_cost)}
                       for y in result.plan_years],
        "programs": [{"code": p.code, "name": p.name} for p in applied],
        "warnings": _warnings(result, data),
        "notice": NOTICE,
    }


def _plan_names():
    return {plan["code"]: plan["name"] for plan in public_plans()}


def _payer_names():
    return {payer["code"]: payer["name"] for payer in public_payers()}


def estimate(data):
    """A patient's estimate for a validated public request (see `answer`)."""
    try:
        request, rules, applied = full_request(data)
        computed = estimates.compute(request)
    except Invalid as error:
        raise Invalid({"json": _public_errors((error.errors or {}).get("json", {}))},
                      error.message) from None
    return answer(data, request, rules, applied, computed.result)
