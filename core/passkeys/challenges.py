"""Single-use WebAuthn challenges, kept in the server-side session for a few minutes."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from core.db.base import utcnow
from core.sessions.state import SessionState

CHALLENGE_VALID_FOR = timedelta(minutes=5)
_KEY = "passkeys:challenge:"


def issue_challenge(session: SessionState, purpose: str) -> bytes:
    """A new random challenge for ``purpose`` (it replaces an earlier one of that purpose)."""
    challenge = secrets.token_bytes(32)
    until = (utcnow() + CHALLENGE_VALID_FOR).isoformat()
    session.set(_KEY + purpose, {"challenge": bytes_to_base64url(challenge), "until": until})
    return challenge


def take_challenge(session: SessionState, purpose: str) -> bytes | None:
    """The challenge issued for ``purpose``, removed from the session; ``None`` when missing or expired."""
    held = session.pop(_KEY + purpose)
    if not isinstance(held, dict):
        return None
    if datetime.fromisoformat(held["until"]) < utcnow():
        return None
    return base64url_to_bytes(held["challenge"])
