"""Stored eligibility checks: the benefits derived from a 271 and, for a while, the raw answer."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import utcnow


class EligibilityCheck(Base):
    """One paid request to the clearinghouse. `member_id` and `raw_answer` are PHI."""

    __tablename__ = "eligibility_checks"
    __table_args__ = (
        Index("ix_eligibility_checks_reuse", "payer_code", "member_hash", "service_type",
              "network", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    payer_code: Mapped[str] = mapped_column(String(32))
    trading_partner_id: Mapped[str] = mapped_column(String(80))
    member_id: Mapped[str] = mapped_column(String(80))
    member_hash: Mapped[str] = mapped_column(String(64))
    service_type: Mapped[str] = mapped_column(String(2))
    network: Mapped[str] = mapped_column(String(3))
    control_number: Mapped[str] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(10))
    plan_name: Mapped[str | None] = mapped_column(String(200))
    plan_begin: Mapped[date | None] = mapped_column(Date)
    plan_end: Mapped[date | None] = mapped_column(Date)
    benefits: Mapped[dict] = mapped_column(JSON)
    confidence: Mapped[str] = mapped_column(String(4))
    warnings: Mapped[list] = mapped_column(JSON)
    prior_authorization: Mapped[list] = mapped_column(JSON)
    raw_answer: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    raw_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
