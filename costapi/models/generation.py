"""One row whose token changes with every write of rule data or API keys.

Each process caches what it has read of the rules under the token it read; a request that
finds another token starts a fresh cache. A random token (not a counter) can never come
back after a rollback and pass off old data as current.
"""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from costapi.db import Base


class RuleGeneration(Base):
    __tablename__ = "rule_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36))
