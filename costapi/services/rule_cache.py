"""A per-process cache of rule data and API keys, valid while the generation token holds.

Every request reads the token at most once, and not at all while the last reading is younger
than `max_age` seconds (RULE_CACHE_SECONDS): other processes see a rule change or a revoked
key within that time, the process that made the change at once (after its commit).
"""
import time
import uuid

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from costapi.db import session
from costapi.models.generation import RuleGeneration

GENERATION_ROW = 1


class Snapshot:
    """What this process has read under one token: name -> {code: value or None}."""

    def __init__(self, token, read_at=0.0):
        self.token = token
        self.read_at = read_at
        self.tables = {}

    def table(self, name):
        return self.tables.setdefault(name, {})


_current = Snapshot(None)
max_age = 0.0


def configure(seconds):
    global max_age
    max_age = float(seconds)


def snapshot():
    """This request's snapshot, from a token read once per request (per session) at most."""
    global _current
    cached = session.info.get("rule_snapshot")
    if cached is not None:
        return cached
    now = time.monotonic()
    if _current.token is not None and now - _current.read_at < max_age:
        return _current
    token = session.scalar(select(RuleGeneration.token).where(RuleGeneration.id == GENERATION_ROW))
    if token is None or token != _current.token:
        _current = Snapshot(token, now)
    else:
        _current.read_at = now
    if token is not None:
        session.info["rule_snapshot"] = _current
    return _current


def cached(name, codes, load, remember_missing=True):
    """Values for `codes` from the snapshot; `load(missing codes) -> {code: value}` fills it.

    Codes `load` does not find are remembered as missing unless `remember_missing` is off
    (for values a client can make up without end, such as API keys).
    """
    snap = snapshot()
    table = snap.table(name) if snap.token is not None else {}
    missing = [code for code in codes if code not in table]
    if missing:
        found = load(missing)
        for code in missing:
            if code in found or remember_missing:
                table[code] = found.get(code)
    return {code: table[code] for code in codes if table.get(code) is not None}


def changed():
    """Mark rule data (or keys) as changed, inside the writer's transaction."""
    session.execute(update(RuleGeneration).where(RuleGeneration.id == GENERATION_ROW)
                    .values(token=str(uuid.uuid4())))
    session.info.pop("rule_snapshot", None)
    session.info["rules_changed"] = True


@event.listens_for(Session, "after_commit")
def _forget_after_own_change(committed):
    """The process that changed the rules reads the new token on its next request."""
    global _current
    if committed.info.pop("rules_changed", False):
        _current = Snapshot(None)
