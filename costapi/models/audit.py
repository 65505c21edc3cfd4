"""The audit trail (HIPAA 164.312(b)): who did what to which resource, when, with what outcome.

Append-only: rows are only ever inserted, and deleted by `audit purge` after the retention.
Never PHI: no patient name, date of birth, member id, patient reference, path or query string
or body; the route is the template (`/api/v1/estimates/{estimate_id}`), the resource id is
the estimate's random UUID or a rule code.
"""
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import utcnow

ACTIONS = ("read", "create", "update", "delete", "export")
RESOURCES = ("estimate", "good_faith_estimate", "eligibility_check", "remittance", "accuracy",
             "payer", "plan", "service", "program", "discount", "calendar", "api_key",
             "audit_event")
FORMS = ("html", "pdf", "fhir")


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    key_id: Mapped[int | None] = mapped_column(Integer, index=True)
    key_name: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))
    resource: Mapped[str] = mapped_column(String(32))
    form: Mapped[str | None] = mapped_column(String(8))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(45))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (Index("ix_audit_events_resource_resource_id", "resource", "resource_id"),)
