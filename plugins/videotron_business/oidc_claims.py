"""Vidéotron's OpenID Connect claims: the customer's role in their business account."""

from __future__ import annotations

from typing import Any

from core.api import User
from plugins.videotron_business.rules import PLUGIN


def videotron_claims(user: User, scopes: list[str]) -> dict[str, Any] | None:
    """``videotron_account`` and ``videotron_role`` (``holder`` or ``secondary``), for scope ``profile``."""
    data = (user.plugin_data or {}).get(PLUGIN, {})
    if "profile" not in scopes or not data.get("role"):
        return None
    return {"videotron_account": data.get("account"), "videotron_role": data["role"]}
