"""Issuing, listing, revoking and checking editor API keys; services flush, never commit.

A key reads `gbk_<prefix>_<secret>`: the fixed `gbk_` lets secret scanners find leaked keys, the
random prefix finds the key's row and names it in listings, and the secret carries 256 random
bits. Of the whole key only its HMAC-SHA256 under `API_KEY_SECRET` is stored: a fast keyed hash
is enough for a high-entropy secret, and a copy of the database alone verifies nothing.
"""

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.config import get_settings
from app.core.errors import Conflict, NotFound
from app.core.types import utcnow
from app.keys.scopes import Scope
from app.models import ApiKey

KEY_PRODUCT = "gbk"
PREFIX_LENGTH = 8
SECRET_BYTES = 32
KEY_PATTERN = re.compile(r"^gbk_(?P<prefix>[a-z0-9]{8})_(?P<secret>[A-Za-z0-9_-]{43})$")
# Recording every use would turn each editor read into a write; once a minute says enough.
USE_RECORDED_EVERY = timedelta(minutes=1)
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
# Compared against when no key has the prefix, so that an unknown prefix costs the same work.
_NO_HASH = "0" * 64


@dataclass(frozen=True)
class IssuedKey:
    """A new key's row and the key itself, which exists nowhere else once this is dropped."""

    row: ApiKey
    key: str


def new_key() -> tuple[str, str]:
    """A random prefix and the whole key it starts."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return prefix, f"{KEY_PRODUCT}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def key_hash(key: str) -> str:
    secret = get_settings().api_key_secret.encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key; None for anything else."""
    match = KEY_PATTERN.fullmatch(key)
    return match["prefix"] if match else None


def known_scopes(row: ApiKey) -> list[Scope]:
    """The key's scopes this code knows, in order; a scope since retired grants nothing."""
    values = {scope.value for scope in Scope}
    return sorted(Scope(value) for value in row.scopes if value in values)


def is_active(row: ApiKey, now: datetime) -> bool:
    return row.revoked_at is None and (row.expires_at is None or row.expires_at > now)


def create_key(
    session: Session,
    name: str,
    scopes: Iterable[Scope],
    expires_at: datetime | None = None,
) -> IssuedKey:
    """A new key; `Conflict` when the name is taken, even by a revoked key."""
    if session.exec(select(ApiKey.id).where(ApiKey.name == name)).first() is not None:
        raise Conflict(f"An API key named '{name}' already exists; choose another name.")
    prefix, key = new_key()
    while session.exec(select(ApiKey.id).where(ApiKey.prefix == prefix)).first() is not None:
        prefix, key = new_key()
    row = ApiKey(
        name=name,
        prefix=prefix,
        secret_hash=key_hash(key),
        scopes=sorted({Scope(scope).value for scope in scopes}),
        expires_at=expires_at,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        # Another request took the name between the check and the insert.
        raise Conflict(f"An API key named '{name}' already exists; choose another name.") from error
    return IssuedKey(row, key)


def list_keys(session: Session, after: str | None = None, limit: int | None = None) -> list[ApiKey]:
    """Keys after the name `after` by name, revoked and expired ones too: up to `limit + 1`, so
    that a page sees whether more follow, or all of them."""
    query = select(ApiKey).order_by(col(ApiKey.name))
    if after is not None:
        query = query.where(col(ApiKey.name) > after)
    if limit is not None:
        query = query.limit(limit + 1)
    return list(session.exec(query))


def get_key(session: Session, name: str) -> ApiKey:
    row = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
    if row is None:
        raise NotFound(f"There is no API key named '{name}'.")
    return row


def revoke_key(session: Session, name: str) -> ApiKey:
    """Revokes the key from now on; revoking it again keeps the first revocation's time."""
    row = get_key(session, name)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()
    return row


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The active key that was presented; None when it is malformed, unknown, wrong, revoked or
    expired, without saying which."""
    prefix = key_prefix(presented)
    if prefix is None:
        return None
    row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    matches = hmac.compare_digest(key_hash(presented), row.secret_hash if row else _NO_HASH)
    if row is None or not matches or not is_active(row, utcnow()):
        return None
    return row


def use_due(row: ApiKey) -> bool:
    """Whether a use of the key is worth recording: never recorded, or not in the last minute."""
    return row.last_used_at is None or utcnow() - row.last_used_at >= USE_RECORDED_EVERY


def record_use(session: Session, row: ApiKey) -> bool:
    """Sets `last_used_at` unless it was set less than a minute ago; whether it wrote. The
    condition is in the UPDATE, so that concurrent requests write it once."""
    now = utcnow()
    statement = (
        sa.update(ApiKey)
        .where(
            col(ApiKey.id) == row.id,
            sa.or_(
                col(ApiKey.last_used_at).is_(None),
                col(ApiKey.last_used_at) <= now - USE_RECORDED_EVERY,
            ),
        )
        .values(last_used_at=now)
    )
    return session.exec(statement).rowcount > 0
