"""The Good Faith Estimate of a stored estimate, with the rule versions it used."""
from datetime import date

import orjson
from sqlalchemy import select

from costapi.db import session
from costapi.documents import Clinic, GoodFaithEstimate
from costapi.models import Payer, Plan, Service
from costapi.pricing.liability import IN_NETWORK, OTHER_KINDS
from costapi.services.errors import Conflict, field_errors
from costapi.services.estimates import get

PATIENT_REQUIRED = "gfe_patient_required"
PATIENT_FIELDS = ("name", "date_of_birth")


def patient_facing(plan: Plan) -> tuple[str, str | None]:
    """The plan's name and description as the patient reads them on the GFE.

    `public_name` (else the plan's `name`) and `public_description` (else none: the document
    names the modality in words anyway). Never the staff `description`, which holds notes
    such as "set the intake phase to 0 sessions if already done".
    """
    name = (plan.public_name or "").strip() or plan.name
    description = (plan.public_description or "").strip() or None
    return name, description


def unwaivable_reasons(coverage: dict, payer: Payer | None) -> frozenset[str]:
    """The reasons a line not covered stays the clinic's whatever the patient signs.

    Only in network, outside a Medicaid context (a Medicaid payer or secondary: there every
    reason shifts with a waiver), by the payer kind's table of the engine (3.2 step 7).
    """
    secondary = coverage.get("secondary") or {}
    if (payer is None or coverage.get("network", "in") == "out" or payer.kind == "medicaid"
            or secondary.get("method") == "medicaid"):
        return frozenset()
    return frozenset(IN_NETWORK.get(payer.kind, OTHER_KINDS)[1])


def good_faith_estimate(estimate_id, clinic: Clinic, today: date | None = None):
    estimate = get(estimate_id)
    request = estimate.request
    patient = request.get("patient") or {}
    missing = {name: ["Required for a Good Faith Estimate."]
               for name in PATIENT_FIELDS if not patient.get(name)}
    if missing:
        raise Conflict("A Good Faith Estimate needs the patient's name and date of birth: create "
                       "the estimate with patient.name and patient.date_of_birth.",
                       field_errors("patient", missing), error=PATIENT_REQUIRED)
    versions = estimate.rule_versions
    plan = session.get(Plan, versions["plan"]["id"])
    payer = session.get(Payer, versions["payer"]["id"]) if versions.get("payer") else None
    secondary = (session.get(Payer, versions["secondary_payer"]["id"])
                 if versions.get("secondary_payer") else None)
    services = session.scalars(select(Service).where(
        Service.id.in_(list(versions["services"].values()))))
    coverage = request["coverage"]
    plan_name, plan_description = patient_facing(plan)
    return GoodFaithEstimate(
        estimate=orjson.loads(estimate.result),
        patient_name=patient["name"],
        patient_date_of_birth=patient["date_of_birth"],
        plan_name=plan_name,
        plan_description=plan_description,
        modality=plan.modality,
        coverage_type=coverage["type"],
        payer_name=payer and (payer.name if secondary is None
                              else f"{payer.name}, then {secondary.name}"),
        diagnosis_codes=tuple(coverage.get("diagnosis_codes") or ()),
        service_descriptions={service.code: service.description for service in services},
        clinic=clinic,
        issued_on=(today or date.today()).isoformat(),
        payer_kind=payer.kind if payer else None,
        unwaivable_reasons=unwaivable_reasons(coverage, payer),
    )
