"""A per-process cache of rule data and API keys, valid while the generation token holds."""
import uuid

from sqlalchemy import select, update

from costapi.db import session
from costapi.models.generation import RuleGeneration

GENERATION_ROW = 1


class Snapshot:
    """What this process has read under one token: name -> {code: value or None}."""

    def __init__(self, token):
        self.token = token
        self.tables = {}

    def table(self, name):
        return self.tables.setdefault(name, {})


_current = Snapshot(None)


def snapshot():
    """This request's snapshot: the token is read once per request (per session)."""
    global _current
    cached = session.info.get("rule_snapshot")
    if cached is not None:
        return cached
    token = session.scalar(select(RuleGeneration.token).where(RuleGeneration.id == GENERATION_ROW))
    if token is None or token != _current.token:
        _current = Snapshot(token)
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
