"""Rule rows that are never rewritten: every change adds a version."""
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow():
    return datetime.now(UTC)


def as_utc(moment):
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


class Versioned:
    """One row per version of a code; the current one has no `superseded_at`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The API key whose request wrote this version (None: the CLI, fixtures, or before 0010).
    written_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))

    @declared_attr.directive
    def __table_args__(cls):
        current = text("superseded_at IS NULL")
        return (
            Index(
                f"uq_{cls.__tablename__}_current_code",
                "code",
                unique=True,
                sqlite_where=current,
                postgresql_where=current,
            ),
        )
