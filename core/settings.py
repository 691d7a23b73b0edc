"""Process-wide settings, read from the environment (prefix ``PORTIQUE_``)."""

from __future__ import annotations

import difflib
import ipaddress
import os
import secrets
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "PORTIQUE_"
# ``PORTIQUE_`` variables read outside :class:`Settings`, by command options (``portique mail-in``),
# the test suite, the fuzzing profile and the benchmarks; any ``PORTIQUE_TEST_…`` or ``PORTIQUE_BENCH_…``
# is theirs too. The meta-test ``tests/ops/test_environment.py`` fails when the code reads a
# ``PORTIQUE_`` name not known here.
TOOLING_VARIABLES = frozenset(
    {
        "PORTIQUE_IMAP_USER",
        "PORTIQUE_IMAP_PASSWORD",
        "PORTIQUE_TEST_POSTGRES_URL",
        "PORTIQUE_TEST_REDIS_URL",
        "PORTIQUE_TEST_NGINX",
        "PORTIQUE_FUZZ_PROFILE",
        "PORTIQUE_FUZZ_COLLECT",
        "PORTIQUE_BENCH_POSTGRES_URL",
    }
)
TOOLING_PREFIXES = ("PORTIQUE_TEST_", "PORTIQUE_BENCH_")


class ConfigurationError(RuntimeError):
    """Raised when the configuration cannot start the application; the message names the setting."""


class Settings(BaseSettings):
    """Everything an operator may configure, with development-friendly defaults."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/portique.db"
    secret_key: str = ""
    base_domain: str = "localhost"
    var_dir: Path = Path("var")
    mail_backend: Literal["file", "smtp"] = "file"
    mail_from: str = "Portique <no-reply@localhost>"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    redis_url: str = ""
    debug: bool = False
    run_worker_in_process: bool = False
    https: bool = False
    public_url: str = "http://localhost:8000"
    log_json: bool = True
    hash_concurrency: int = Field(default_factory=lambda: max(1, (os.cpu_count() or 2) - 1), ge=1, le=64)
    access_log: bool = True
    max_request_mb: int = Field(default=50, ge=1, le=2048)
    # Addresses or networks of the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are
    # believed (comma-separated). Empty: no forwarded header is trusted, the peer is the client.
    trusted_proxies: str = ""
    metrics_token: str = ""
    # Passkeys for the console's staff: ``offer`` (they may add one) or ``require`` (a staff member
    # without one adds one right after signing in with password and code, before using the console).
    staff_passkeys: Literal["offer", "require"] = "offer"
    # The event loop ``portique serve`` runs on. ``asyncio`` keeps every request's latency close to
    # the mean under load; ``uvloop`` serves about as many requests per second but, with 64 busy
    # connections, lets some wait seconds (docs/operator/deployment.md, "HTTP stack").
    event_loop: Literal["asyncio", "uvloop"] = "asyncio"

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite://… or postgresql+asyncpg://…")
        return value

    @field_validator("base_domain")
    @classmethod
    def _plain_domain(cls, value: str) -> str:
        value = value.strip().lower()
        if not value or "/" in value or ":" in value:
            raise ValueError("a bare host name such as portal.example.com")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network such as 10.0.0.5 or 10.0.0.0/8") from None
        return ",".join(entries)

    @property
    def trusted_proxy_list(self) -> list[str]:
        """The trusted proxies' addresses and networks (empty: trust no forwarded header)."""
        return [entry for entry in self.trusted_proxies.split(",") if entry]

    @cached_property
    def mail_dir(self) -> Path:
        """Folder where the ``file`` mail backend writes one ``.eml`` per message."""
        return self.var_dir / "mail"

    @cached_property
    def storage_dir(self) -> Path:
        """Root of the local file storage (attachments, documents, signatures)."""
        return self.var_dir / "storage"

    def ensure_secret_key(self) -> str:
        """Return the secret key, generating ``var/secret_key`` on first run when unset."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        self.secret_key = path.read_text().strip()
        return self.secret_key


def setting_variables() -> frozenset[str]:
    """The environment variable of every setting (``PORTIQUE_DATABASE_URL``…)."""
    return frozenset(ENV_PREFIX + name.upper() for name in Settings.model_fields)


def known_variables() -> frozenset[str]:
    """Every ``PORTIQUE_`` variable Portique reads: the settings and the tooling's."""
    return setting_variables() | TOOLING_VARIABLES


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """Refuse a ``PORTIQUE_`` variable that no part of Portique reads (a typo is otherwise ignored).

    :raises ConfigurationError: naming the first unknown variable and the closest valid name.
    """
    environ = os.environ if environ is None else environ
    known = known_variables()
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or name in known or name.startswith(TOOLING_PREFIXES):
            continue
        # Compared without the prefix, which every candidate shares and would make any name look close.
        settings = sorted(variable.removeprefix(ENV_PREFIX) for variable in setting_variables())
        close = difflib.get_close_matches(name.removeprefix(ENV_PREFIX), settings, n=1, cutoff=0.6)
        if close:
            raise ConfigurationError(f"{name} is not a Portique setting: did you mean {ENV_PREFIX}{close[0]}?")
        raise ConfigurationError(
            f"{name} is not a Portique setting, nor close to one (see the configuration reference)"
        )


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; a bad value or an unknown ``PORTIQUE_`` variable raises
    one clear ``ConfigurationError``."""
    check_environment()
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "PORTIQUE_" + str(first["loc"][0]).upper() if first["loc"] else "PORTIQUE_*"
        raise ConfigurationError(f"{name}: {first['msg']}") from None
    settings.ensure_secret_key()
    return settings
