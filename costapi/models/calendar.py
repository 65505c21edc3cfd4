"""The clinic's calendar: the weekdays it is open and the dates it is closed (one code)."""
from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import Versioned

CLINIC_CALENDAR = "clinic"


class Calendar(Versioned, Base):
    __tablename__ = "calendars"

    open_days: Mapped[list] = mapped_column(JSON)
    closed_dates: Mapped[list] = mapped_column(JSON)
