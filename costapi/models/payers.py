"""Payers with their effective-dated contracted rates and coverage policies."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import Versioned, utcnow


class Payer(Versioned, Base):
    __tablename__ = "payers"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    eligibility_payer_id: Mapped[str | None] = mapped_column(String(80))
    default_allowed_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    out_of_network_allowed_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))


class PayerItem:
    """A rate or policy of a payer; replaced items stay, marked superseded."""

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_code: Mapped[str] = mapped_column(String(32), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Rate(PayerItem, Base):
    __tablename__ = "rates"

    service: Mapped[str] = mapped_column(String(32))
    allowed: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    benefit: Mapped[str] = mapped_column(String(20), default="medical")  # or "pharmacy" (3.8)


class Policy(PayerItem, Base):
    __tablename__ = "policies"

    modality: Mapped[str | None] = mapped_column(String(20))
    service: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(20))
    covered: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    prior_authorization: Mapped[bool] = mapped_column(Boolean, default=False)
    diagnosis_codes: Mapped[list] = mapped_column(JSON, default=list)
    max_visits_per_year: Mapped[int | None]


class StandardBenefit(PayerItem, Base):
    """A payer's standard benefits for a span of time (domain 3.4).

    The cost-sharing terms (deductible, coinsurance, copays) are those of a primary plan such
    as Original Medicare Part B; a Medicare Supplement plan's entry instead says what it pays
    of the Part B cost sharing (the supplement terms). Amounts left empty are unknown.
    """

    __tablename__ = "standard_benefits"

    deductible: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    coinsurance: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    coinsurance_by_category: Mapped[dict] = mapped_column(JSON, default=dict)
    copays: Mapped[dict] = mapped_column(JSON, default=dict)
    out_of_pocket_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    pays_part_b_deductible: Mapped[bool | None] = mapped_column(Boolean)
    coinsurance_share: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    office_visit_copay: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
