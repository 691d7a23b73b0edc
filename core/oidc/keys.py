"""Per-tenant signing keys: RS256 pairs, the private half encrypted at rest, rotation, the published JWKS.

RS256 (RSA 2048): OpenID Connect Discovery requires every provider to offer it.

The newest unretired key signs. ``rotate`` retires it and makes a new one; a retired key stays in
the JWKS for :data:`PUBLISHED_AFTER_RETIREMENT`, longer than any ID token it signed lives.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.oidc.models import OidcKey
from core.portal import get_portal

ALGORITHM = "RS256"
KEY_BITS = 2048
ID_TOKEN_LIFETIME = timedelta(hours=1)
PUBLISHED_AFTER_RETIREMENT = ID_TOKEN_LIFETIME + timedelta(minutes=5)


def _fernet() -> Fernet:
    """The cipher of private keys, derived from the deployment's secret key."""
    secret = get_portal().settings.secret_key.encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"portique-oidc-keys:" + secret).digest()))


def new_key() -> OidcKey:
    """A fresh key pair as a row (not yet added to a session)."""
    key = RSAKey.generate_key(KEY_BITS)
    kid = key.thumbprint()
    public = {**key.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    encrypted = _fernet().encrypt(json.dumps(key.as_dict(private=True)).encode()).decode()
    return OidcKey(kid=kid, alg=ALGORITHM, private_jwk_encrypted=encrypted, public_jwk=public)


def private_key(row: OidcKey) -> RSAKey:
    """The private key of a row, decrypted."""
    data = json.loads(_fernet().decrypt(row.private_jwk_encrypted.encode()))
    return RSAKey.import_key(data, {"kid": row.kid, "alg": row.alg})


def signing_key(db: Session) -> OidcKey:
    """The tenant's current signing key; the first one is made on first use."""
    row = db.scalar(select(OidcKey).where(OidcKey.retired_at.is_(None)).order_by(OidcKey.id.desc()).limit(1))
    if row is None:
        row = new_key()
        db.add(row)
        db.flush()
    return row


def rotate(db: Session) -> OidcKey:
    """Retire the signing key(s) and make a new one, which signs from now on."""
    now = utcnow()
    for row in db.scalars(select(OidcKey).where(OidcKey.retired_at.is_(None))):
        row.retired_at = now
    row = new_key()
    db.add(row)
    db.flush()
    return row


def published_keys(db: Session) -> dict[str, Any]:
    """The JWKS document: the signing key and the retired keys whose tokens may still be valid."""
    since = utcnow() - PUBLISHED_AFTER_RETIREMENT
    signing_key(db)
    rows = db.scalars(
        select(OidcKey).where((OidcKey.retired_at.is_(None)) | (OidcKey.retired_at > since)).order_by(OidcKey.id.desc())
    )
    return {"keys": [row.public_jwk for row in rows]}
