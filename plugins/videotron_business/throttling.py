"""Throttling of the Vidéotron pages a visitor could abuse: registration, activation e-mails, username check."""

from __future__ import annotations

from limits import RateLimitItem, parse
from starlette.requests import Request

from core.api import Bucket, get_throttle
from plugins.videotron_business.rules import PLUGIN

LIMITS: dict[str, RateLimitItem] = {
    # Guessing an account number and its postal code: per address and per account number.
    "register_ip": parse("10/hour"),
    "register_account": parse("5/hour"),
    # Activation e-mails: never flood the address on file.
    "activation_ip": parse("10/hour"),
    "activation_account": parse("3/day"),
    # The live username check.
    "username_ip": parse("60/minute"),
}


def _buckets(request: Request, checks: tuple[tuple[str, str], ...]) -> list[Bucket]:
    tenant = request.state.tenant
    return [Bucket(LIMITS[name], (PLUGIN, str(tenant.id), name, identifier)) for name, identifier in checks]


async def over_limit(request: Request, *checks: tuple[str, str]) -> bool:
    """``True`` when one of the ``(limit name, identifier)`` checks is exhausted (nothing is counted).

    The counters are the core throttle's (``core.api.get_throttle``): shared by every web process
    the way the core's sign-in limits are.
    """
    return await get_throttle().retry_after(*_buckets(request, checks)) > 0


async def count(request: Request, *checks: tuple[str, str]) -> None:
    """Count one attempt against each ``(limit name, identifier)``."""
    await get_throttle().hit(*_buckets(request, checks))
