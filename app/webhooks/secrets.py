"""Signing secrets: made, shown once, kept encrypted, and used to sign.

The server must keep each secret to sign with it, so it is stored encrypted (Fernet: AES-128-CBC
and HMAC-SHA256) under a key derived with HKDF from `WEBHOOK_SECRET_KEY`: a copy of the database
alone signs nothing.
"""

import base64
import secrets
from datetime import datetime
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
_KDF_INFO = b"gutbrain webhook signing secrets"


def new_secret() -> str:
    """`whsec_` and 32 random bytes in base64, as Standard Webhooks libraries read it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


@lru_cache
def _fernet(configured_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO).derive(
        configured_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret: str, configured_key: str) -> str:
    return _fernet(configured_key).encrypt(secret.encode()).decode()


def decrypt(token: str, configured_key: str) -> str:
    return _fernet(configured_key).decrypt(token.encode()).decode()


def signature(secrets_in_use: list[str], message_id: str, at: datetime, body: str) -> str:
    """The `webhook-signature` header: one `v1,<signature>` per secret, space-separated, so that
    a receiver still holding the secret before a rotation verifies too."""
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_in_use)
