"""Two-step verification codes (TOTP, RFC 6238) for customers and console staff, with pyotp.

One home for the secret length and the code check: a secret is 160 bits (32 base32 characters,
what RFC 4226 recommends and what pyotp generates), and a check never raises — a malformed code,
or a stored secret that pyotp refuses (shorter than 112 bits, not base32), is a failed check.
"""

from __future__ import annotations

import logging

import pyotp

from core.web.ids import is_digits

SECRET_LENGTH = 32  # base32 characters: 160 bits
CODE_DIGITS = 6

log = logging.getLogger("portique.identity.totp")


def new_secret() -> str:
    """A random 160-bit base32 secret for an authenticator app."""
    return pyotp.random_base32(length=SECRET_LENGTH)


def usable(secret: str | None) -> bool:
    """``secret`` is one pyotp accepts (base32, at least 112 bits)."""
    if not secret:
        return False
    try:
        pyotp.TOTP(secret).byte_secret()
    except ValueError:  # binascii.Error is a ValueError too
        return False
    return True


def code_ok(secret: str | None, code: str | None) -> bool:
    """``code`` (six ASCII digits, spaces ignored) is valid now for ``secret``, one step of drift allowed.

    An unusable stored secret fails like a wrong code, and is logged so that an operator can renew it.
    """
    code = (code or "").replace(" ", "")
    if not secret or not is_digits(code) or len(code) != CODE_DIGITS:
        return False
    if not usable(secret):
        log.warning("a stored two-step secret is unusable (too short or not base32): renew it")
        return False
    return bool(pyotp.TOTP(secret).verify(code, valid_window=1))


def provisioning_uri(secret: str, *, name: str, issuer: str) -> str:
    """The ``otpauth://`` URI that adds ``secret`` to an authenticator app (empty when unusable)."""
    if not usable(secret):
        return ""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=issuer)
