"""Self-pay discounts the clinic offers: sliding scale and package prices."""
from decimal import Decimal

from sqlalchemy import JSON, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import Versioned


class Discount(Versioned, Base):
    __tablename__ = "discounts"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # sliding_scale
    poverty_base: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    poverty_per_additional_person: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    tiers: Mapped[list | None] = mapped_column(JSON)
    # package
    plan: Mapped[str | None] = mapped_column(String(32))
    phase: Mapped[str | None] = mapped_column(String(64))
    sessions: Mapped[int | None]
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
