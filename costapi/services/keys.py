"""API keys: create, find by secret, list, revoke. Only a SHA-256 hash is stored."""
import hashlib
import secrets

from sqlalchemy import select

from costapi.db import session
from costapi.models import ApiKey
from costapi.models.versioned import utcnow


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(name, role):
    secret = "ck_" + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=role, prefix=secret[:10], key_hash=_hash(secret))
    session.add(key)
    session.commit()
    return key, secret


def find_key(secret):
    """The live key with this secret, or None."""
    return session.scalar(
        select(ApiKey).where(ApiKey.key_hash == _hash(secret), ApiKey.revoked_at.is_(None))
    )


def list_keys():
    return session.scalars(select(ApiKey).order_by(ApiKey.id)).all()


def revoke_key(key_id):
    key = session.get(ApiKey, key_id)
    if key is None:
        return None
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.commit()
    return key
