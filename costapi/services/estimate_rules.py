"""The rule data an estimate request names, as engine inputs, cached per rule generation.

A request costs one query (the generation token) when the rules it names were read
before under the same token; otherwise a fixed number of queries whatever the plan length.
"""
from dataclasses import dataclass, field

from sqlalchemy import select

from costapi import pricing
from costapi.db import session
from costapi.models import Discount, Payer, Plan, Policy, Program, Rate, Service, StandardBenefit
from costapi.services import engine_inputs as to_engine
from costapi.services.calendar import engine_calendar
from costapi.services.eligibility import check_payer, check_qmb
from costapi.services.errors import Invalid
from costapi.services.payers import items_by_payer
from costapi.services.rule_cache import cached
from costapi.services.rules import live_rows

BENEFITS_REQUIRED = "Give benefits or an eligibility_check."
SECONDARY_BENEFITS_OPTIONAL = ("supplement", "medicaid")  # their terms have defaults (3.7)


@dataclass(frozen=True)
class Rule:
    """An engine input and the row it came from."""

    value: object
    id: int
    version: int

    def identity(self):
        return {"id": self.id, "version": self.version}


@dataclass
class RuleSet:
    plan: Rule
    services: dict
    payer: Rule | None = None
    secondary_payer: Rule | None = None  # coverage.secondary's payer (3.7)
    programs: list = field(default_factory=list)
    discounts: list = field(default_factory=list)
    packages: tuple = ()  # the plan's live package prices (self_pay_total, discount_available)
    available_programs: tuple = ()  # every live program (program_available)
    calendar: pricing.inputs.Calendar = field(default_factory=pricing.inputs.Calendar)

    def versions(self):
        """Which rows the estimate used, so it can be explained and reproduced later."""
        return {
            "plan": {"code": self.plan.value.code, **self.plan.identity()},
            "services": {code: rule.id for code, rule in sorted(self.services.items())},
            "payer": None if self.payer is None else {"code": self.payer.value.code,
                                                      **self.payer.identity()},
            "secondary_payer": None if self.secondary_payer is None else {
                "code": self.secondary_payer.value.code, **self.secondary_payer.identity()},
            "programs": {rule.value.code: rule.id for rule in self.programs},
            "discounts": {rule.value.code: rule.id for rule in self.discounts},
            "calendar": self.calendar.id,
        }


def _loader(model, convert):
    def load(codes):
        return {code: Rule(convert(row), row.id, row.version)
                for code, row in live_rows(model, codes).items()}
    return load


def _plan(row):
    return to_engine.plan_input(row.code, row.modality, row.phases, row.payer_kinds)


def _payers(codes):
    rows = live_rows(Payer, codes)
    rates, policies = items_by_payer(Rate, list(rows)), items_by_payer(Policy, list(rows))
    standard = items_by_payer(StandardBenefit, list(rows))
    return {code: Rule(to_engine.payer_input(row, rates.get(code, []), policies.get(code, []),
                                             standard.get(code, [])),
                       row.id, row.version)
            for code, row in rows.items()}


def _live(model, *where):
    return session.scalars(select(model).where(
        model.superseded_at.is_(None), model.deleted_at.is_(None), *where).order_by(model.code))


def _packages_by_plan(plans):
    """{plan code: its live package prices, by code}: one query."""
    rows = list(_live(Discount, Discount.kind == "package", Discount.plan.in_(set(plans))))
    return {plan: tuple(to_engine.discount_input(row) for row in rows if row.plan == plan)
            for plan in plans}


def _every_program(keys):
    """{key: every live program, by code}: one query (one key, "live")."""
    programs = tuple(to_engine.program_input(row) for row in _live(Program))
    return dict.fromkeys(keys, programs)


LOADERS = {
    "plans": _loader(Plan, _plan),
    "services": _loader(Service, to_engine.service_input),
    "payers": _payers,
    "programs": _loader(Program, to_engine.program_input),
    "discounts": _loader(Discount, to_engine.discount_input),
    "plan_packages": _packages_by_plan,
    "live_programs": _every_program,
}


def rules_by_code(table, codes):
    """The live rules of one table (`plans`, `services`, `payers`, ...) with these codes, by
    code, as engine inputs with their row ids (cached per rule generation)."""
    return cached(table, codes, LOADERS[table])


def _require(table, codes, field_path):
    """The rules for `codes` in order, or a 422 naming each unknown one."""
    found = rules_by_code(table, codes)
    missing = {str(i): [f"Unknown code {code!r}."] for i, code in enumerate(codes)
               if code not in found}
    if missing:
        raise Invalid.at(field_path, missing)
    return [found[code] for code in codes]


def _require_benefits(coverage, payer, path):
    """Benefits or an eligibility check, unless the payer has standard_benefits (api.md, 3.4)."""
    if (coverage.get("benefits") is None and not coverage.get("eligibility_check")
            and not payer.value.standard_benefits):
        raise Invalid.at((*path, "benefits"), BENEFITS_REQUIRED)


def _secondary_payer_code(coverage):
    """The secondary payer's code: the request's, else its eligibility check's; None without
    a secondary. The same payer as the primary is a 422."""
    secondary = coverage.get("secondary")
    if not secondary:
        return None
    if secondary.get("payer"):
        return secondary["payer"]
    code = check_payer(secondary["eligibility_check"])
    if code == coverage["payer"]:
        raise Invalid.at(("coverage", "secondary", "eligibility_check"),
                         f"The check is for the primary payer {code!r}: name the secondary "
                         "payer's check.")
    return code


def _service_codes(plan, overrides):
    """The services of every visit the plan or the request's phase overrides name (2)."""
    visits = [visit for phase in plan.phases
              for visit in (phase.visit, *(change.visit for change in phase.visit_changes))]
    codes = {item.service for visit in visits for item in visit}
    for override in (overrides or {}).values():
        changes = override.get("visit_changes") or ()
        for visit in (override.get("visit") or (), *(change["visit"] for change in changes)):
            codes.update(item["service"] for item in visit)
    return codes


def load_rules(request):
    plan = rules_by_code("plans", [request["plan"]]).get(request["plan"])
    if plan is None:
        raise Invalid.at("plan", f"Unknown plan {request['plan']!r}.")
    codes = sorted(_service_codes(plan.value, request.get("phases")))
    rules = RuleSet(plan=plan, services=rules_by_code("services", codes),
                    calendar=engine_calendar())
    rules.packages = rules_by_code("plan_packages", [plan.value.code])[plan.value.code]
    coverage = request["coverage"]
    if coverage["type"] == "insurance":
        rules.available_programs = rules_by_code("live_programs", ["live"])["live"]
        secondary = _secondary_payer_code(coverage)
        payers = rules_by_code("payers", [coverage["payer"], *filter(None, [secondary])])
        rules.payer = payers.get(coverage["payer"])
        if rules.payer is None:
            raise Invalid.at(("coverage", "payer"), f"Unknown payer {coverage['payer']!r}.")
        _require_benefits(coverage, rules.payer, ("coverage",))
        if secondary:
            rules.secondary_payer = payers.get(secondary)
            if rules.secondary_payer is None:
                raise Invalid.at(("coverage", "secondary", "payer"),
                                 f"Unknown payer {secondary!r}.")
            if coverage["secondary"]["method"] not in SECONDARY_BENEFITS_OPTIONAL:
                _require_benefits(coverage["secondary"], rules.secondary_payer,
                                  ("coverage", "secondary"))
        rules.programs = _require("programs", coverage.get("programs") or [],
                                  ("coverage", "programs"))
    else:
        rules.discounts = _require("discounts", coverage.get("discounts") or [],
                                   ("coverage", "discounts"))
    return rules


def _waiver(value):
    """`coverage.waiver_signed`: a bool, or the signed reason codes as a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else bool(value)


def _qmb(coverage, payer):
    """`coverage.qmb` when given; else whether the primary's or the secondary's eligibility
    check says QM (the 271's insurance type; a state Medicaid answer says it as often as
    Medicare's), applied only with a primary of kind medicare, the only one QMB status goes
    with (3.2 step 7): a check's QM never turns into a 422 about a field left out."""
    if coverage.get("qmb") is not None:
        return coverage["qmb"]
    if payer.kind != "medicare":
        return False
    checks = (coverage.get("eligibility_check"),
              (coverage.get("secondary") or {}).get("eligibility_check"))
    return any(check_qmb(check) for check in checks if check)


def engine_input(request, rules, benefits=None, secondary_benefits=None):
    """The engine's input for a validated request; `benefits` replaces the request's, and
    `secondary_benefits` the request's `coverage.secondary.benefits`."""
    coverage = request["coverage"]
    if coverage["type"] == "insurance":
        secondary = coverage.get("secondary")
        terms = pricing.Insurance(
            payer=rules.payer.value,
            network=coverage.get("network", "in"),
            benefits=to_engine.benefits_input(benefits or coverage.get("benefits") or {}),
            diagnosis_codes=tuple(coverage.get("diagnosis_codes") or ()),
            prior_authorization=coverage.get("prior_authorization", "not_requested"),
            prior_authorization_through=coverage.get("prior_authorization_through"),
            programs=tuple(rule.value for rule in rules.programs),
            programs_used=dict(coverage.get("programs_used") or {}),
            patient_state=coverage.get("patient_state"),
            available_programs=rules.available_programs,
            secondary=to_engine.secondary_input(secondary, rules.secondary_payer.value,
                                                secondary_benefits) if secondary else None,
            waiver_signed=_waiver(coverage.get("waiver_signed", False)),
            qmb=_qmb(coverage, rules.payer.value),
        )
    else:
        terms = pricing.SelfPay(
            household_income=coverage.get("household_income"),
            household_size=coverage.get("household_size"),
            discounts=tuple(rule.value for rule in rules.discounts),
        )
    return pricing.EstimateInput(
        plan=rules.plan.value,
        services={code: rule.value for code, rule in rules.services.items()},
        start_date=request["start_date"],
        coverage=terms,
        overrides=to_engine.overrides_input(request.get("phases")),
        packages=rules.packages,
        calendar=rules.calendar,
    )
