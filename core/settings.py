"""Process-wide settings, read from the environment (prefix ``PORTIQUE_``)."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigurationError(RuntimeError):
    """Raised when the configuration cannot start the application; the message names the setting."""


class Settings(BaseSettings):
    """Everything an operator may configure, with development-friendly defaults."""

    model_config = SettingsConfigDict(env_prefix="PORTIQUE_", extra="ignore")

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
    metrics_token: str = ""

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


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; a bad value raises one clear ``ConfigurationError``."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "PORTIQUE_" + str(first["loc"][0]).upper() if first["loc"] else "PORTIQUE_*"
        raise ConfigurationError(f"{name}: {first['msg']}") from None
    settings.ensure_secret_key()
    return settings
