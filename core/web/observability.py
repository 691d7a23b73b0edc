"""Request ids, JSON access logs and the request metrics."""

from __future__ import annotations

import json
import logging
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.metrics import LATENCY, REQUESTS

log = logging.getLogger("portique.access")
# The ``extra`` fields a JSON line carries: a request's, a mail delivery's, a job run's.
LOGGED_FIELDS = (
    *("request_id", "tenant", "method", "path", "status", "duration_ms"),
    *("outbox_id", "recipient", "outcome", "attempts", "job"),
)
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per log line, with the request id and tenant when known."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in LOGGED_FIELDS:
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(json_logs: bool, level: int = logging.INFO) -> None:
    """Send Portique's logs to stderr, as JSON lines unless disabled."""
    handler = logging.StreamHandler(sys.stderr)
    plain = logging.Formatter(PLAIN_FORMAT)
    plain.default_msec_format = "%s.%03d"  # 2026-12-02 19:31:50.123
    handler.setFormatter(JsonFormatter() if json_logs else plain)
    root = logging.getLogger("portique")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class ObservabilityMiddleware:
    """Gives each request an id (``X-Request-Id``), counts it, times it and logs it."""

    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = secrets.token_hex(8)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-Id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            tenant = state.get("tenant")
            slug = tenant.slug if tenant is not None else "-"
            elapsed = time.perf_counter() - started
            REQUESTS.labels(slug, str(status)).inc()
            LATENCY.labels(slug).observe(elapsed)
            if self.access_log:
                log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "tenant": slug,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
