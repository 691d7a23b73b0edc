"""The WebAuthn ceremonies (py_webauthn): options for the browser, and checking its answers.

The relying party is the host the page was served from: its ID is the host name, its origin the
scheme, host and port the browser used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

TIMEOUT_MS = 300_000


class CeremonyError(Exception):
    """The browser's answer does not prove what it should (wrong origin, challenge, signature…)."""


@dataclass(frozen=True)
class RelyingParty:
    """Who the passkey is for: the host's name (RP ID), the origin pages are served from, a display name."""

    rp_id: str
    origin: str
    name: str


@dataclass(frozen=True)
class NewCredential:
    """A verified registration: what to store."""

    credential_id: str
    public_key: bytes
    sign_count: int
    transports: list[str]


def relying_party(request: Request, name: str) -> RelyingParty:
    """The relying party of ``request``'s host."""
    url = request.url
    return RelyingParty(rp_id=url.hostname or "localhost", origin=f"{url.scheme}://{url.netloc}", name=name)


def _descriptors(credential_ids: list[str]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in credential_ids]


def registration_options(
    rp: RelyingParty, *, user_handle: bytes, user_name: str, display_name: str, challenge: bytes, existing: list[str]
) -> dict[str, Any]:
    """The ``PublicKeyCredentialCreationOptions`` (as JSON) for a new discoverable passkey."""
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_id=user_handle,
        user_name=user_name,
        user_display_name=display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(existing),
    )
    return json.loads(options_to_json(options))  # type: ignore[no-any-return]


def authentication_options(rp: RelyingParty, *, challenge: bytes) -> dict[str, Any]:
    """The ``PublicKeyCredentialRequestOptions`` (as JSON): any passkey of this RP may answer."""
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return json.loads(options_to_json(options))  # type: ignore[no-any-return]


def verify_registration(rp: RelyingParty, credential: dict[str, Any], challenge: bytes) -> NewCredential:
    """Check the browser's registration answer; raise :class:`CeremonyError` when it does not hold."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:  # any malformed or false answer
        raise CeremonyError(str(exc)) from exc
    response = credential.get("response")
    transports = response.get("transports") if isinstance(response, dict) else None
    known = {t.value for t in AuthenticatorTransport}
    return NewCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports or [] if t in known],
    )


def credential_id_of(credential: dict[str, Any]) -> str:
    """The (base64url) id of the credential a browser's answer names, or ``""``."""
    raw = credential.get("rawId") or credential.get("id")
    if not isinstance(raw, str) or len(raw) > 1400:
        return ""
    return raw


def user_handle_of(credential: dict[str, Any]) -> str:
    """The user handle an assertion carries (base64url), or ``""``."""
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    return handle if isinstance(handle, str) else ""


def verify_assertion(
    rp: RelyingParty, credential: dict[str, Any], challenge: bytes, *, public_key: bytes, sign_count: int
) -> int:
    """Check a sign-in answer against the stored key; the new signature counter.

    A counter that did not grow (while either side counts) means a cloned authenticator: refused.
    """
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:  # any malformed or false answer
        raise CeremonyError(str(exc)) from exc
    return int(verified.new_sign_count)
