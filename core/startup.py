"""What ``portique serve`` and ``portique worker`` check and say before they start.

They refuse to start when a shipped language would be served untranslated (a catalogue without its
``.mo``), and ``serve`` prints one line per thing an operator gets wrong silently otherwise: where
it listens, which database, which mail backend, whether mail is delivered, where mail links point.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from core.db.engine import display_url
from core.i18n.compiling import stale, uncompiled
from core.plugins import PluginManager
from core.settings import ConfigurationError, Settings

LOOPBACK = ("localhost", "127.0.0.1", "::1")
COMPILE_HINT = "run `python -m core.i18n.build compile` (`make i18n-compile`), or install Portique with pip"


def shipped_catalogues(plugins: PluginManager) -> list[Path]:
    """The ``.po`` of every language shipped by the core and the installed plugins."""
    return sorted(
        po_path
        for domain, (_owner, directory) in plugins.locale_dirs().items()
        for po_path in directory.glob(f"*/LC_MESSAGES/{domain}.po")
    )


def _first(paths: list[Path]) -> str:
    more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
    return f"{paths[0]}{more}"


def check_catalogues(plugins: PluginManager) -> list[str]:
    """Warnings about catalogues older than their ``.po``.

    :raises ConfigurationError: when a shipped catalogue has no compiled ``.mo``.
    """
    catalogues = shipped_catalogues(plugins)
    missing = uncompiled(catalogues)
    if missing:
        raise ConfigurationError(f"no compiled catalogue (.mo) for {_first(missing)}: {COMPILE_HINT}")
    old = stale(catalogues)
    return [f"warning: compiled catalogue older than {_first(old)}: {COMPILE_HINT}"] if old else []


def _mail_line(settings: Settings) -> str:
    if settings.mail_backend == "smtp":
        tls = ", STARTTLS" if settings.smtp_starttls else ""
        login = f", as {settings.smtp_username}" if settings.smtp_username else ""
        return f"mail: SMTP to {settings.smtp_host}:{settings.smtp_port}{tls}{login}, from {settings.mail_from}"
    return f"mail: written as files under {settings.mail_dir}/ (PORTIQUE_MAIL_BACKEND=file; nothing is sent)"


def _worker_line(settings: Settings) -> str:
    if settings.run_worker_in_process:
        return "mail worker: in this process (PORTIQUE_RUN_WORKER_IN_PROCESS=true)"
    return "mail worker: not in this process; run `portique worker` beside it, or mail stays queued"


def _public_url_lines(settings: Settings) -> list[str]:
    lines = [f"public URL (links in mails): {settings.public_url}"]
    if urlsplit(settings.public_url).hostname in LOOPBACK:
        why = "is local" if "public_url" in settings.model_fields_set else "is unset"
        lines.append(
            f"warning: PORTIQUE_PUBLIC_URL {why}: links in mails point at {settings.public_url}, on this machine"
        )
    return lines


def serve_report(settings: Settings, *, host: str, port: int, workers: int) -> list[str]:
    """The lines ``portique serve`` prints before serving."""
    trusted = settings.trusted_proxy_list
    return [
        f"listening on http://{f'[{host}]' if ':' in host else host}:{port} ({workers} worker{'s' * (workers > 1)})",
        f"database: {display_url(settings.database_url)}",
        _mail_line(settings),
        _worker_line(settings),
        *_public_url_lines(settings),
        "throttle counters: Redis, shared by every worker"
        if settings.redis_url
        else "throttle counters: in this process (one worker; set PORTIQUE_REDIS_URL to run several)",
        f"forwarded headers trusted from: {', '.join(trusted)}"
        if trusted
        else "forwarded headers trusted from: nobody (PORTIQUE_TRUSTED_PROXIES is empty)",
    ]


def worker_report(settings: Settings) -> list[str]:
    """The lines ``portique worker`` prints before delivering."""
    return [f"database: {display_url(settings.database_url)}", _mail_line(settings), *_public_url_lines(settings)]
