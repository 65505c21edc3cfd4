"""Stored remittances (X12 835): the claims and service lines with their CAS adjustments,
each line's match to an estimate line and the estimate's figures it is compared with.

`Remittance.raw_file`, `RemittanceClaim.member_id` and the raw file's names and dates of
birth are PHI: they stay here; the raw file is purged after the retention.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from costapi.db import Base
from costapi.models.versioned import utcnow

MONEY = Numeric(14, 2)


class Remittance(Base):
    """One 835 file (interchange): the same sender and ISA13 is the same file."""

    __tablename__ = "remittances"
    __table_args__ = (UniqueConstraint("sender", "interchange_control_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    sender: Mapped[str] = mapped_column(String(15))
    interchange_control_number: Mapped[str] = mapped_column(String(9))
    payer_name: Mapped[str | None] = mapped_column(String(60))
    payer_identifier: Mapped[str | None] = mapped_column(String(80))
    payer_code: Mapped[str | None] = mapped_column(String(32))
    payment_date: Mapped[date | None] = mapped_column(Date)
    total_paid: Mapped[Decimal | None] = mapped_column(MONEY)
    claim_count: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    claims_matched: Mapped[int] = mapped_column(default=0)
    claims_unmatched: Mapped[int] = mapped_column(default=0)  # reversals are neither
    lines_matched: Mapped[int] = mapped_column(default=0)
    lines_unmatched: Mapped[int] = mapped_column(default=0)
    raw_file: Mapped[str | None] = mapped_column(Text)
    raw_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    claims: Mapped[list["RemittanceClaim"]] = relationship(
        back_populates="remittance", order_by="RemittanceClaim.position",
        cascade="all, delete-orphan")


class RemittanceClaim(Base):
    """One CLP loop; `estimate_id` the estimate it matched (None: unmatched);
    `cancelled_by_id` the reversal (CLP02 22) that cancelled it."""

    __tablename__ = "remittance_claims"
    __table_args__ = (Index("ix_remittance_claims_payer_claim", "payer_claim_control_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[str] = mapped_column(ForeignKey("remittances.id"), index=True)
    position: Mapped[int]
    patient_control_number: Mapped[str] = mapped_column(String(38))
    status: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(10))
    charge: Mapped[Decimal] = mapped_column(MONEY)
    paid: Mapped[Decimal] = mapped_column(MONEY)
    patient_responsibility: Mapped[Decimal | None] = mapped_column(MONEY)
    payer_claim_control_number: Mapped[str | None] = mapped_column(String(50))
    member_id: Mapped[str | None] = mapped_column(String(80))
    payer_code: Mapped[str | None] = mapped_column(String(32))
    first_service_date: Mapped[date | None] = mapped_column(Date, index=True)
    last_service_date: Mapped[date | None] = mapped_column(Date)
    estimate_id: Mapped[str | None] = mapped_column(ForeignKey("estimates.id"), index=True)
    matched_by: Mapped[str | None] = mapped_column(String(10))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("remittance_claims.id"))
    adjustments: Mapped[list] = mapped_column(JSON, default=list)

    remittance: Mapped[Remittance] = relationship(back_populates="claims")
    lines: Mapped[list["RemittanceLine"]] = relationship(
        back_populates="claim", order_by="RemittanceLine.position",
        cascade="all, delete-orphan")


class RemittanceLine(Base):
    """One SVC loop with its actual figures and, when matched, the estimate line's."""

    __tablename__ = "remittance_lines"
    __table_args__ = (Index("ix_remittance_lines_estimate", "estimate_id", "visit_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("remittance_claims.id"), index=True)
    position: Mapped[int]
    procedure: Mapped[str] = mapped_column(String(48))
    modifiers: Mapped[list] = mapped_column(JSON, default=list)
    units: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    service_date: Mapped[date | None] = mapped_column(Date)
    charge: Mapped[Decimal] = mapped_column(MONEY)
    paid: Mapped[Decimal] = mapped_column(MONEY)
    reported_allowed: Mapped[Decimal | None] = mapped_column(MONEY)
    actual_allowed: Mapped[Decimal] = mapped_column(MONEY)
    actual_patient_share: Mapped[Decimal] = mapped_column(MONEY)
    denied: Mapped[bool] = mapped_column(Boolean, default=False)
    adjustments: Mapped[list] = mapped_column(JSON, default=list)
    control_number: Mapped[str | None] = mapped_column(String(50))
    estimate_id: Mapped[str | None] = mapped_column(ForeignKey("estimates.id"))
    visit_index: Mapped[int | None]
    line_index: Mapped[int | None]
    visit_date: Mapped[date | None] = mapped_column(Date)
    estimated_patient_share: Mapped[Decimal | None] = mapped_column(MONEY)
    estimated_allowed: Mapped[Decimal | None] = mapped_column(MONEY)
    estimated_insurance_pays: Mapped[Decimal | None] = mapped_column(MONEY)
    estimated_covered: Mapped[bool | None] = mapped_column(Boolean)
    policy_id: Mapped[int | None]
    rate_id: Mapped[int | None]

    claim: Mapped[RemittanceClaim] = relationship(back_populates="lines")
