"""The clinic's services: a service a live plan uses cannot be deleted."""
from sqlalchemy import select

from costapi.db import session
from costapi.models import Plan, Service
from costapi.services.engine_inputs import service_input
from costapi.services.errors import Conflict
from costapi.services.rules import RuleStore, live_rows


def live_services(codes):
    """The live services among `codes`, as engine inputs by code."""
    return {code: service_input(row) for code, row in live_rows(Service, codes).items()}


def live_service_codes(codes):
    """The subset of `codes` that are live services."""
    return set(live_services(codes))


def stored_visit_items(phase):
    """Every item of a stored plan phase (a dict): its visit and its visit changes' (2)."""
    for visit in (phase["visit"], *(c["visit"] for c in phase.get("visit_changes") or ())):
        yield from visit


def _refuse_if_planned(service):
    plans = session.scalars(
        select(Plan).where(Plan.superseded_at.is_(None), Plan.deleted_at.is_(None))
    )
    using = sorted(
        plan.code for plan in plans
        if any(item["service"] == service.code
               for phase in plan.phases for item in stored_visit_items(phase))
    )
    if using:
        raise Conflict(f"Service {service.code!r} is used by live plans: {', '.join(using)}.")


services = RuleStore(Service, "service", check_delete=_refuse_if_planned)
