"""API keys: create, find by secret, list, revoke. Only a SHA-256 hash is stored."""
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from costapi.db import session
from costapi.models import ApiKey
from costapi.models.versioned import utcnow
from costapi.services import rule_cache


@dataclass(frozen=True)
class Caller:
    """Who is calling: what a request needs of its API key."""

    id: int
    role: str


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(name, role):
    secret = "ck_" + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=role, prefix=secret[:10], key_hash=_hash(secret))
    session.add(key)
    rule_cache.changed()
    session.commit()
    return key, secret


def _load_callers(hashes):
    rows = session.scalars(select(ApiKey).where(ApiKey.key_hash.in_(hashes),
                                                ApiKey.revoked_at.is_(None)))
    return {row.key_hash: Caller(row.id, row.role) for row in rows}


def find_key(secret):
    """The caller with this live key, or None (cached until keys or rules change)."""
    digest = _hash(secret)
    return rule_cache.cached("api_keys", [digest], _load_callers,
                             remember_missing=False).get(digest)


def list_keys():
    return session.scalars(select(ApiKey).order_by(ApiKey.id)).all()


def revoke_key(key_id):
    key = session.get(ApiKey, key_id)
    if key is None:
        return None
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        rule_cache.changed()
        session.commit()
    return key
