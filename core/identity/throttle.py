"""Throttling of sign-in and mail-sending forms with the ``limits`` library.

Counters live in memory (one process) or in Redis when ``PORTIQUE_REDIS_URL`` is set (shared by
every web process). Limits follow django-allauth and ASVS 2.2.1: failed sign-ins 10 a minute per
IP, 5 per 5 minutes per account (a lockout that ends when the oldest failure leaves the window),
never more than 100 an hour per account.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from core.portal import Portal, get_portal

LOGIN_PER_IP = parse("10/minute")
LOGIN_PER_ACCOUNT = parse("5/5minutes")
LOGIN_PER_ACCOUNT_HOURLY = parse("100/hour")
MAIL_PER_ADDRESS = parse("3/15minutes")
MAIL_PER_IP = parse("20/hour")
REGISTER_PER_IP = parse("10/hour")
USERNAME_CHECK_PER_SESSION = parse("20/10minutes")
USERNAME_CHECK_PER_IP = parse("60/hour")


@dataclass(frozen=True)
class Bucket:
    """One limit applied to one key (``("login-ip", tenant id, ip)``…)."""

    limit: RateLimitItem
    key: tuple[str, ...]


class Throttle:
    """Counts attempts and tells how long a caller must wait."""

    def __init__(self, redis_url: str = "") -> None:
        storage: Storage
        if redis_url:
            storage = RedisStorage(f"async+{redis_url}", implementation="redispy", key_prefix="portique-limits")
        else:
            storage = MemoryStorage()
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(storage)

    async def retry_after(self, *buckets: Bucket) -> int:
        """Seconds to wait before another attempt counts (0 when every bucket has room)."""
        wait = 0
        for bucket in buckets:
            if not await self.limiter.test(bucket.limit, *bucket.key):
                stats = await self.limiter.get_window_stats(bucket.limit, *bucket.key)
                wait = max(wait, max(1, math.ceil(stats.reset_time - time.time())))
        return wait

    async def hit(self, *buckets: Bucket) -> None:
        """Count one attempt in every bucket."""
        for bucket in buckets:
            await self.limiter.hit(bucket.limit, *bucket.key)

    async def clear(self, *buckets: Bucket) -> None:
        """Forget the attempts of these buckets (after a successful sign-in)."""
        for bucket in buckets:
            await self.limiter.clear(bucket.limit, *bucket.key)


def get_throttle(portal: Portal | None = None) -> Throttle:
    """The portal's throttle (created on first use)."""
    portal = portal or get_portal()
    throttle = portal.cache.get("identity.throttle")
    if throttle is None:
        throttle = portal.cache["identity.throttle"] = Throttle(portal.settings.redis_url)
    return throttle  # type: ignore[no-any-return]


def login_buckets(tenant_id: int, ip: str, account: str) -> tuple[list[Bucket], list[Bucket]]:
    """(per-IP buckets, per-account buckets) of a sign-in attempt.

    ``account`` is ``user:<id>`` when the typed identifier designates an account (so its username and
    its e-mail share one count), else ``login:`` and the identifier's :func:`identifier_key` form.
    """
    tid = str(tenant_id)
    return (
        [Bucket(LOGIN_PER_IP, ("login-ip", tid, ip))],
        [
            Bucket(LOGIN_PER_ACCOUNT, ("login-account", tid, account)),
            Bucket(LOGIN_PER_ACCOUNT_HOURLY, ("login-account-hour", tid, account)),
        ],
    )


def username_check_buckets(tenant_id: int, ip: str, session: str) -> list[Bucket]:
    """Buckets of a username availability answer (live check or registration form): per session and per IP.

    ``session`` is the stored id of the visitor's session; a visitor who drops the cookie still
    counts against the IP.
    """
    tid = str(tenant_id)
    return [
        Bucket(USERNAME_CHECK_PER_SESSION, ("username-session", tid, session)),
        Bucket(USERNAME_CHECK_PER_IP, ("username-ip", tid, ip)),
    ]


def mail_buckets(kind: str, tenant_id: int, ip: str, address: str) -> list[Bucket]:
    """Buckets of a form that sends mail to ``address`` (reset, resend): per address and per IP."""
    tid = str(tenant_id)
    return [Bucket(MAIL_PER_ADDRESS, (kind, tid, address)), Bucket(MAIL_PER_IP, (kind + "-ip", tid, ip))]
