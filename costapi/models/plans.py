"""Treatment plan templates: ordered phases, each with a cadence and a visit."""
from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base
from costapi.models.versioned import Versioned


class Plan(Versioned, Base):
    __tablename__ = "plans"

    name: Mapped[str] = mapped_column(String(200))
    modality: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    public_name: Mapped[str | None] = mapped_column(String(200))
    public_description: Mapped[str | None] = mapped_column(Text)
    payer_kinds: Mapped[list | None] = mapped_column(JSON)
    phases: Mapped[list] = mapped_column(JSON)
