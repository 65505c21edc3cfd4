"""The clinic's services and their prices."""
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import Versioned


class Service(Versioned, Base):
    __tablename__ = "services"

    description: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    charge: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    cash_price: Mapped[Decimal] = mapped_column(Numeric(14, 4))
