"""Stored estimates: the request, the result and the rule versions used, never rewritten."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import utcnow


class Estimate(Base):
    __tablename__ = "estimates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    plan_code: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[date] = mapped_column(Date)
    patient_reference: Mapped[str | None] = mapped_column(String(64), index=True)
    request: Mapped[dict] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(Text)  # the response body as JSON text
    rule_versions: Mapped[dict] = mapped_column(JSON)
    recalculated_from: Mapped[str | None] = mapped_column(
        ForeignKey("estimates.id"), index=True
    )
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))


class IdempotencyKey(Base):
    """A client's retry key: the same key and body return the first estimate."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("api_key_id", "key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    estimate_id: Mapped[str | None] = mapped_column(ForeignKey("estimates.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
