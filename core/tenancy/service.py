"""Creating, changing and disabling tenants (CLI and console)."""

from __future__ import annotations

import re
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.plugins import PluginManager
from core.tenancy.models import Tenant
from core.web.themes import available_themes

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class TenantError(ValueError):
    """A tenant definition is invalid; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def validate_tenant(values: dict[str, Any], plugins: PluginManager) -> dict[str, Any]:
    """Check and normalise a tenant definition; raises :class:`TenantError`."""
    slug = values.get("slug", "")
    if not SLUG.match(slug):
        raise TenantError("slug", "2–40 lower-case letters, digits or dashes, starting with a letter")
    for host in values.get("hostnames", []):
        if not HOST.match(host):
            raise TenantError("hostnames", f"{host!r} is not a host name")
    values["hostnames"] = [h.lower() for h in values.get("hostnames", [])]
    unknown = [p for p in values.get("plugins", []) if p not in plugins.provider_names]
    if unknown:
        raise TenantError("plugins", f"not installed: {', '.join(unknown)}")
    if values.get("theme", "default") not in available_themes():
        raise TenantError("theme", f"unknown theme; installed: {', '.join(available_themes())}")
    locales = values.get("locales") or ["en"]
    for code in locales:
        try:
            Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            raise TenantError("locales", f"{code!r} is not a locale") from None
    default = values.get("default_locale") or locales[0]
    if default not in locales:
        raise TenantError("default_locale", "must be one of the tenant's locales")
    values["locales"], values["default_locale"] = list(locales), default
    settings = dict(values.get("settings") or {})
    present_defaults = [name for name in plugins.default_names if name in settings]
    for name in [*values.get("plugins", []), *present_defaults]:
        model = plugins.infos[name].settings_model
        if model is not None:
            try:
                settings[name] = model.model_validate(settings.get(name, {})).model_dump(mode="json")
            except ValidationError as exc:
                first = exc.errors()[0]
                raise TenantError(f"settings.{name}.{'.'.join(map(str, first['loc']))}", first["msg"]) from None
    values["settings"] = settings
    return values


async def create_tenant(db: AsyncSession, plugins: PluginManager, /, **values: Any) -> Tenant:
    """Add a tenant (the caller commits)."""
    values = validate_tenant(values, plugins)
    if await db.scalar(select(Tenant.id).where(Tenant.slug == values["slug"])):
        raise TenantError("slug", "already used by another tenant")
    tenant = Tenant(**values)
    db.add(tenant)
    await db.flush()
    return tenant


async def update_tenant(db: AsyncSession, plugins: PluginManager, tenant: Tenant, /, **changes: Any) -> Tenant:
    """Change a tenant's definition (the caller commits)."""
    current = {
        "slug": tenant.slug,
        "hostnames": tenant.hostnames,
        "plugins": tenant.plugins,
        "theme": tenant.theme,
        "locales": tenant.locales,
        "default_locale": tenant.default_locale,
        "settings": tenant.settings,
    }
    merged = validate_tenant({**current, **{k: v for k, v in changes.items() if v is not None}}, plugins)
    for key, value in {**changes, **merged}.items():
        if value is not None:
            setattr(tenant, key, value)
    tenant.updated_at = utcnow()
    return tenant
