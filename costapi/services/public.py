"""The public calculator: what a patient may see of the rules, and a patient's estimate.

No contracted rate, policy detail or per-line figure leaves this module: the lists say
what the clinic offers and, per payer, whether a treatment is usually covered (the engine's
own policy choice); the estimate is the engine's public view of the same result a billing
estimate has (`pricing.serialize.public_dict`), plus the names a patient reads.
"""
import copy
import dataclasses
from datetime import date

from sqlalchemy import select

from costapi.db import session
from costapi.models import Payer, Plan
from costapi.pricing.coverage import modality_status
from costapi.pricing.liability import IN_NETWORK, OTHER_KINDS
from costapi.pricing.secondary import SECONDARY_ONLY_KINDS
from costapi.pricing.serialize import public_dict
from costapi.pricing.terms import plan_programs
from costapi.pricing.vocabulary import COVERAGE_LABELS, MODALITIES
from costapi.pricing.wording import cadence as cadence_in_words
from costapi.pricing.wording import dollars, long_date
from costapi.services import estimates
from costapi.services.catalog import stored_visit_items
from costapi.services.errors import Invalid
from costapi.services.estimate_rules import load_rules, rules_by_code
from costapi.services.rule_cache import cached

NOTICE = ("This is an estimate, not a quote or a guarantee of payment. What you pay depends "
          "on your plan's decisions, the services you actually receive and your benefits on "
          "the day of each visit. The clinic will give you a Good Faith Estimate before "
          "treatment.")
PUBLIC_MESSAGES = {
    "diagnosis_required": (
        "Your plan covers this treatment only for certain diagnoses (for example "
        "treatment-resistant depression). The clinic will confirm yours with your plan."),
}
# Why the plan would not pay, in the words of the public page (3.2 steps 6-7).
PUBLIC_REASON_WORDS = {
    "policy_exclusion": "your plan does not cover them",
    "diagnosis": "your plan does not cover them for your diagnosis",
    "prior_authorization_denied": "prior authorization was denied",
    "visit_limit": "they are over your plan's visit limit",
}
BENEFIT_FIELDS = ("deductible", "deductible_met", "out_of_pocket_max", "out_of_pocket_met",
                  "coinsurance")


# ---- warnings in the public page's words -------------------------------------------------

def _clinic_reasons(result):
    """(reason, cash price, first date) of the lines the clinic is liable for, one per reason
    in the order they first occur: what each `clinic_liability` warning adds up."""
    reasons = {}
    for visit in result.visits:
        for line in visit.lines:
            if line.liability == "clinic":
                amount, day = reasons.get(line.reason, (0, visit.date.isoformat()))
                reasons[line.reason] = (amount + line.clinic_write_off, day)
    return [(reason, amount, day) for reason, (amount, day) in reasons.items()]


def _waiver(kind):
    """What the patient would sign to be billed for a service the plan does not pay."""
    if kind == "medicare":
        return "a waiver (for Medicare, an Advance Beneficiary Notice)"
    return "a waiver"


def _unwaivable(kind, network):
    """Reasons the clinic bears whatever is signed (a public estimate has no secondary)."""
    if kind is None or kind == "medicaid" or network == "out":
        return set()
    return IN_NETWORK.get(kind, OTHER_KINDS)[1]


def _clinic_liability(warning, reason, kind, network):
    amount = dollars(warning["amount"])
    why = f" ({PUBLIC_REASON_WORDS[reason]})" if reason in PUBLIC_REASON_WORDS else ""
    start = f"Your plan would not pay for some of these services{why}."
    if reason in _unwaivable(kind, network):
        return (f"{start} You would not be billed for them: the clinic is responsible for "
                f"their cash price of {amount}, even if you sign a waiver.")
    return (f"{start} You would not be billed for them unless you sign {_waiver(kind)} "
            f"before the visit; with a waiver you would pay their cash price of {amount} "
            "in addition to the rest of this estimate.")


def _authorization_required(warning, kind):
    """The clinic's part of a denial: what the patient pays only with a waiver."""
    clinic = warning.get("clinic_amount")
    if not clinic or warning.get("amount"):
        return warning["message"]  # the patient would pay the cash price: as the engine says
    return (f"Your plan needs prior authorization for some of these services from "
            f"{long_date(warning['date'])}. If it is denied, you would not be billed for them "
            f"unless you sign {_waiver(kind)} before the visit; with a waiver you would pay "
            f"their cash price of {dollars(clinic)}.")


NO_POLICY_IN_EFFECT = (
    "The clinic does not have your plan's coverage rules for visits from {date} for some of "
    "these services, so this estimate assumes your plan covers them. Ask the clinic to check "
    "with your plan.")
NO_CONTRACTED_RATE = (
    "The clinic has no agreed price with your plan for some of these services, so this "
    "estimate uses the share of the clinic's charge your plan usually allows. What your plan "
    "allows, and so what you pay, may be different.")


def public_warnings(warnings, result, kind=None, network="in"):
    """The public view's warnings in the public page's words.

    `clinic_liability`: what the patient pays with a waiver and without one;
    `prior_authorization_required` whose denial would be the clinic's: the same;
    `no_policy_in_effect`: in plain words; `no_contracted_rate` (one per service for staff):
    one warning, without its amount (an allowed amount, which the public view never shows)
    or the service code.
    """
    reasons = {(str(amount), day): reason for reason, amount, day in _clinic_reasons(result)}
    worded, priced_from_charge = [], False
    for warning in warnings:
        code = warning["code"]
        warning = dict(warning)
        if code == "clinic_liability":
            reason = reasons.get((str(warning["amount"]), warning.get("date")))
            warning["message"] = _clinic_liability(warning, reason, kind, network)
        elif code == "prior_authorization_required":
            warning["message"] = _authorization_required(warning, kind)
        elif code == "no_policy_in_effect":
            warning["message"] = NO_POLICY_IN_EFFECT.format(date=long_date(warning["date"]))
        elif code == "no_contracted_rate":
            if priced_from_charge:
                continue
            priced_from_charge = True
            warning.pop("amount", None)
            warning["message"] = NO_CONTRACTED_RATE
        worded.append(warning)
    return worded


# ---- the lists ---------------------------------------------------------------------------

def _live(model):
    return session.scalars(select(model).where(model.superseded_at.is_(None),
                                               model.deleted_at.is_(None))
                           .order_by(model.code)).all()


def cadence(phase):
    """How often a phase's visits come, in words."""
    if phase["sessions"] == 1 and not phase.get("sessions_max"):
        return "one visit"
    return cadence_in_words(phase.get("interval_days"), phase.get("per_week"))


def public_name(row):
    """The name a patient reads: the plan's `public_name`, else its `name`."""
    return (row.public_name or "").strip() or row.name


def public_description(row):
    """The plan's `public_description`, else none: `description` holds staff notes."""
    return (row.public_description or "").strip() or None


def _plan_summary(row):
    phases = [{"name": phase["name"], "kind": phase["kind"], "sessions": phase["sessions"],
               "sessions_min": phase.get("sessions_min"),
               "sessions_max": phase.get("sessions_max"), "cadence": cadence(phase)}
              for phase in row.phases]
    return {"code": row.code, "name": public_name(row), "modality": row.modality,
            "description": public_description(row),
            "visits": sum(p["sessions"] for p in phases), "phases": phases}


def _plan_entries():
    """(summary, payer kinds the plan fits: empty for every payer) of every live plan."""
    return cached("public", ["plans"], lambda _codes: {"plans": [
        (_plan_summary(row), tuple(row.payer_kinds or ())) for row in _live(Plan)]})["plans"]


def public_plans(payer=None):
    """Every live plan with a schedule summary (no services, no prices); with a payer code,
    only the plans whose `payer_kinds` include that payer's kind (none listed: every payer).
    An unknown payer is a 422 naming `payer` (in the query)."""
    if payer is None:
        return [summary for summary, _kinds in _plan_entries()]
    kind = next((p["kind"] for p in public_payers() if p["code"] == payer), None)
    if kind is None:
        raise Invalid.at("payer", [f"Unknown payer {payer!r}."], location="query")
    return [summary for summary, kinds in _plan_entries() if not kinds or kind in kinds]


def _lines_by_modality():
    """(service, category) of every visit item of the live plans, per modality offered."""
    plans = _live(Plan)
    codes = sorted({item["service"] for plan in plans for phase in plan.phases
                    for item in stored_visit_items(phase)})
    services = rules_by_code("services", codes)
    lines = {}
    for plan in plans:
        for phase in plan.phases:
            for item in stored_visit_items(phase):
                if item["service"] in services:
                    category = services[item["service"]].value.category
                    lines.setdefault(plan.modality, {})[(item["service"], category)] = None
    return lines


def _payer_summaries(day):
    lines = _lines_by_modality()
    modalities = [m for m in MODALITIES if m in lines]
    rows = [row for row in _live(Payer) if row.kind not in SECONDARY_ONLY_KINDS]
    payers = rules_by_code("payers", [row.code for row in rows])
    summaries = []
    for row in rows:
        policies = payers[row.code].value.policies
        coverage = []
        for modality in modalities:
            status = modality_status(policies, modality, tuple(lines[modality]), day)
            coverage.append({"modality": modality, "status": status,
                             "label": COVERAGE_LABELS[status]})
        summaries.append({"code": row.code, "name": row.name, "kind": row.kind,
                          "coverage": coverage})
    return summaries


def public_payers(day=None):
    """Every live payer a patient can name as their insurance (not a Medigap plan, which
    pays only after Medicare): name, kind, and per offered modality whether it is usually
    covered."""
    key = f"payers:{(day or date.today()).isoformat()}"
    return cached("public", [key],
                  lambda _codes: {key: _payer_summaries(day or date.today())})[key]


# ---- the estimate ------------------------------------------------------------------------

def _program_codes():
    """Every live program's code (the rule set that `program_available` reads)."""
    return [program.code for program in rules_by_code("live_programs", ["live"])["live"]]


def _benefits(data):
    """The benefits block of a full estimate request from the figures a patient knows."""
    given = {name: data[name] for name in BENEFIT_FIELDS if data.get(name) is not None}
    benefits = {"plan_year_start": data.get("plan_year_start")
                or date(data["start_date"].year, 1, 1)}
    if data.get("network", "in") == "out":
        benefits["out_of_network"] = given or None
        return benefits
    benefits.update(given)
    if data.get("copay_accumulator") == "yes":
        benefits["accumulator_program"] = True
    if data.get("copay") is not None:
        benefits["copays"] = {"office_visit": data["copay"], "evaluation": data["copay"]}
    return benefits


def full_request(data):
    """The estimate request (api.md "Estimates") for a validated public request, and its rules.

    Every live assistance program that pays for one of the plan's services is requested;
    the engine applies those the payer's kind and the network allow, warns about the
    others, and names the ones it applied in its result.
    """
    request = {"plan": data["plan"], "start_date": data["start_date"]}
    if data["coverage"] == "self_pay":
        request["coverage"] = {"type": "self_pay"}
        return request, load_rules(request)
    request["coverage"] = {"type": "insurance", "payer": data["payer"],
                           "network": data.get("network", "in"),
                           "benefits": _benefits(data), "programs": _program_codes()}
    if data.get("patient_state"):
        request["coverage"]["patient_state"] = data["patient_state"]
    rules = load_rules(request)
    services = {code: rule.value for code, rule in rules.services.items()}
    paying = plan_programs([rule.value for rule in rules.programs], rules.plan.value, services)
    rules.programs = [rule for rule in rules.programs if rule.value in paying]
    request["coverage"]["programs"] = [rule.value.code for rule in rules.programs]
    return request, rules


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


def _benefits_assumed(data):
    """Insured in network with no benefit figure typed in: the estimate assumes none."""
    if (data["coverage"] == "insurance" and data.get("network", "in") == "in"
            and all(data.get(name) is None for name in (*BENEFIT_FIELDS, "copay"))):
        return [{"code": "benefits_assumed", "message": (
            "You did not enter your plan's deductible, coinsurance or copay, so this estimate "
            "assumes you pay none of them; your cost may be higher. Your insurance card or "
            "member portal lists them.")}]
    return []


def _first_visit(result):
    """The first visit's date and what the patient pays for it (none: no visit)."""
    if not result.visits:
        return None
    visit = result.visits[0]  # visits are in date order
    return {"date": visit.date.isoformat(), "patient_pays": visit.patient_pays,
            "net_patient_cost": visit.net_patient_cost}


def _net_cost(request, rules):
    """The net patient cost of a variant of the request. Only its total is shown, so no
    `program_available` passes are run for warnings nobody reads."""
    rules = dataclasses.replace(rules, available_programs=())
    return estimates.compute(request, rules).result.totals.net_patient_cost


def _without_programs(request, rules):
    """The same request priced with no assistance program (one more engine run)."""
    request = copy.deepcopy(request)
    request["coverage"]["programs"] = []
    return _net_cost(request, dataclasses.replace(rules, programs=[]))


def _with_accumulator(request, rules):
    """The same request priced as if the plan had a copay accumulator."""
    request = copy.deepcopy(request)
    request["coverage"]["benefits"]["accumulator_program"] = True
    return _net_cost(request, rules)


def alternatives(data, request, rules, result):
    """`without_programs` when programs applied; `with_accumulator` when the patient does not
    know whether the plan has a copay accumulator and a program applied (else null)."""
    applied = bool(result.programs)
    unknown = data.get("copay_accumulator") == "unknown"
    return {"without_programs": _without_programs(request, rules) if applied else None,
            "with_accumulator": _with_accumulator(request, rules)
            if applied and unknown else None}


def answer(data, request, rules, result, extra=None):
    """The public answer: the engine's public view, with the names a patient reads."""
    view = public_dict(result, PUBLIC_MESSAGES)
    payer = rules.payer.value if rules.payer else None
    view["warnings"] = public_warnings(view["warnings"], result, payer and payer.kind,
                                       request["coverage"].get("network", "in"))
    coverage = {
        "type": data["coverage"],
        "payer": None if payer is None else {"code": payer.code,
                                             "name": _payer_names().get(payer.code),
                                             "kind": payer.kind},
        "network": None if payer is None else request["coverage"]["network"],
        "plan_year_start": None if payer is None else
        request["coverage"]["benefits"]["plan_year_start"].isoformat(),
    }
    head = {key: view.pop(key) for key in ("currency", "plan")}
    plan = _plans_by_code().get(result.plan, {})
    totals = view.pop("totals")
    return {**head, "plan_name": plan.get("name", result.plan),
            "plan_description": plan.get("description"),
            "start_date": view.pop("start_date"), "coverage": coverage, "totals": totals,
            "without_programs": None, "with_accumulator": None, **(extra or {}),
            "first_visit": _first_visit(result), **view,
            "warnings": [*view["warnings"], *_benefits_assumed(data)], "notice": NOTICE}


def _plans_by_code():
    return {plan["code"]: plan for plan in public_plans()}


def _payer_names():
    return {payer["code"]: payer["name"] for payer in public_payers()}


def estimate(data):
    """A patient's estimate for a validated public request (see `answer`)."""
    try:
        request, rules = full_request(data)
        computed = estimates.compute(request, rules)
        extra = alternatives(data, request, rules, computed.result)
    except Invalid as error:
        raise Invalid({"json": _public_errors((error.errors or {}).get("json", {}))},
                      error.message) from None
    return answer(data, request, rules, computed.result, extra)
