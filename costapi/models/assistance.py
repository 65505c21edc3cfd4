"""Assistance programs such as a manufacturer's savings program."""
from decimal import Decimal

from sqlalchemy import JSON, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import Versioned


class Program(Versioned, Base):
    __tablename__ = "programs"

    name: Mapped[str] = mapped_column(String(200))
    services: Mapped[list] = mapped_column(JSON, default=list)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    payer_kinds: Mapped[list] = mapped_column(JSON, default=list)
    patient_pays_per_visit: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    annual_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    paid_as: Mapped[str] = mapped_column(String(20), default="point_of_sale")
    excluded_states: Mapped[list] = mapped_column(JSON, default=list)
