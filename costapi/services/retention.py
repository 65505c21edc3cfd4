"""The retention rule for raw PHI files (eligibility answers, 835 remittances): past
ELIGIBILITY_RETENTION_DAYS the raw text is forgotten; what was derived from it stays."""
from datetime import timedelta

from sqlalchemy import update

from costapi.db import session
from costapi.models.versioned import utcnow


def purge_raw(model, column: str, days: int, now=None) -> int:
    """Empty `column` of `model` rows created more than `days` ago and record when; the
    number of rows purged."""
    now = now or utcnow()
    raw = getattr(model, column)
    result = session.execute(
        update(model)
        .where(model.created_at < now - timedelta(days=days), raw.is_not(None))
        .values({column: None, "raw_purged_at": now}))
    session.commit()
    return result.rowcount
