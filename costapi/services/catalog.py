"""The clinic's services: a service a live plan uses cannot be deleted."""
from sqlalchemy import select

from costapi.db import session
from costapi.models import Plan, Service
from costapi.services.errors import Conflict
from costapi.services.rules import RuleStore


def live_service_codes(codes):
    """The subset of `codes` that are live services."""
    if not codes:
        return set()
    return set(session.scalars(
        select(Service.code).where(
            Service.code.in_(set(codes)), Service.superseded_at.is_(None),
            Service.deleted_at.is_(None),
        )
    ))


def _refuse_if_planned(service):
    plans = session.scalars(
        select(Plan).where(Plan.superseded_at.is_(None), Plan.deleted_at.is_(None))
    )
    using = sorted(
        plan.code for plan in plans
        if any(item["service"] == service.code for phase in plan.phases for item in phase["visit"])
    )
    if using:
        raise Conflict(f"Service {service.code!r} is used by live plans: {', '.join(using)}.")


services = RuleStore(Service, "service", check_delete=_refuse_if_planned)
