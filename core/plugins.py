"""The plugin manager: default plugins, entry-point plugins, and per-tenant hook callers."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pluggy
from pydantic import BaseModel

from core import hookspecs
from core.plugin_info import PluginInfo
from core.services import ServiceRegistry, offers_of

if TYPE_CHECKING:
    from core.hook_relay import HookRelay
    from core.tenancy.models import Tenant

ENTRY_POINT_GROUP = "portique.plugins"
M = TypeVar("M", bound=BaseModel)

# Core features built as plugins: the contract is exercised by the core itself.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "core.web.plugin",
    "core.identity.plugin",
    "core.consent.plugin",
    "core.approvals.plugin",
    "core.ticketing.plugin",
    "core.privacy.plugin",
    "core.retention.plugin",
    "core.console.plugin",
    "core.oidc.plugin",
    "core.headless.plugin",
    "core.passkeys.plugin",
    "core.devmail.plugin",
)


class PluginError(RuntimeError):
    """A plugin cannot be loaded; the message names the plugin and the reason in one line."""


def _import(name: str, target: str) -> ModuleType:
    try:
        return importlib.import_module(target)
    except Exception as exc:
        raise PluginError(f"plugin {name!r} failed to import ({target}): {type(exc).__name__}: {exc}") from exc


class TenantHooks:
    """The hook relay of one tenant: only the default plugins and those the tenant enables answer."""

    def __init__(self, manager: PluginManager, enabled: Iterable[str]) -> None:
        self._manager = manager
        allowed = set(enabled) | set(manager.default_names)
        self._excluded = [module for name, module in manager.modules.items() if name not in allowed]
        self._callers: dict[str, Any] = {}

    def __getattr__(self, hook_name: str) -> Any:
        caller = self._callers.get(hook_name)
        if caller is None:
            if not self._excluded:
                caller = getattr(self._manager.pm.hook, hook_name)
            else:
                caller = self._manager.pm.subset_hook_caller(hook_name, self._excluded)
            self._callers[hook_name] = caller
        return caller


class PluginManager:
    """Loads and validates plugins once per application; hook order is sorted by plugin name."""

    def __init__(self, extra: dict[str, ModuleType] | None = None, *, entry_point_plugins: bool = True) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.modules: dict[str, ModuleType] = {}
        self.default_names: list[str] = []
        found: dict[str, ModuleType] = {}
        for target in DEFAULT_PLUGINS:
            name = target.split(".")[1]
            found[name] = _import(name, target)
            self.default_names.append(name)
        if entry_point_plugins:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                found.setdefault(ep.name, _import(ep.name, ep.value))
        for name, module in (extra or {}).items():
            found[name] = module
        # pluggy calls the last registered first: register in reverse order to call in sorted order.
        for name in sorted(found, reverse=True):
            self._register(name, found[name])
        self.modules = {name: found[name] for name in sorted(found)}
        self._plugin_callers: dict[tuple[str, str], Any] = {}
        self.infos = self._collect_infos()
        self._tenant_hooks: dict[tuple[str, ...], TenantHooks] = {}
        self._services: dict[tuple[Any, ...], ServiceRegistry] = {}
        self._settings: dict[tuple[Any, ...], BaseModel] = {}

    def _register(self, name: str, module: ModuleType) -> None:
        try:
            self.pm.register(module, name=name)
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {name!r} is invalid: {exc}") from exc

    def _collect_infos(self) -> dict[str, PluginInfo]:
        infos: dict[str, PluginInfo] = {}
        for name in self.modules:
            if not self.hook_implemented(name, "portique_plugin_info"):
                raise PluginError(f"plugin {name!r} does not implement portique_plugin_info")
            info = self.call_plugin(name, "portique_plugin_info")
            if info.name != name:
                raise PluginError(f"plugin {name!r} declares the name {info.name!r}; they must match")
            infos[name] = info
        return infos

    @property
    def hook(self) -> HookRelay:
        """The relay over every plugin (start-up hooks, CLI)."""
        return cast("HookRelay", self.pm.hook)

    @property
    def provider_names(self) -> list[str]:
        """Plugins a tenant may enable (everything but the default ones)."""
        return [name for name in self.modules if name not in self.default_names]

    def for_tenant(self, tenant: Tenant) -> HookRelay:
        """Hook relay restricted to the tenant's enabled plugins (cached per plugin set)."""
        key = tuple(sorted(set(tenant.plugins or [])))
        hooks = self._tenant_hooks.get(key)
        if hooks is None:
            hooks = self._tenant_hooks[key] = TenantHooks(self, key)
        return cast("HookRelay", hooks)

    def enabled_names(self, tenant: Tenant) -> list[str]:
        """Default plugins and the tenant's own, sorted, that are actually installed."""
        wanted = set(tenant.plugins or []) | set(self.default_names)
        return [name for name in self.modules if name in wanted]

    def package_of(self, name: str) -> str:
        """The package a plugin lives in: itself, or the package holding a ``<package>.plugin`` module."""
        module_name = self.modules[name].__name__
        if hasattr(self.modules[name], "__path__") or not module_name.endswith(".plugin"):
            return module_name
        return module_name.rsplit(".", 1)[0]

    def call_plugin(self, name: str, hook: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of ``hook`` through pluggy (every other plugin left out).

        :return: the plugin's answer, or ``None`` when it does not implement the hook or answers ``None``.
        """
        caller = self._plugin_callers.get((name, hook))
        if caller is None:
            others = [module for other, module in self.modules.items() if other != name]
            caller = self._plugin_callers[(name, hook)] = self.pm.subset_hook_caller(hook, others)
        answer = caller(**kwargs)
        if caller.spec is not None and caller.spec.opts.get("firstresult"):
            return answer
        return answer[0] if answer else None

    def services(self, tenant: Tenant) -> ServiceRegistry:
        """The tenant's services by protocol (``portique_services``), rebuilt when the tenant changes."""
        key = (tenant.id, tenant.updated_at, tuple(sorted(set(tenant.plugins or []))))
        registry = self._services.get(key)
        if registry is None:
            offers = [
                offer
                for name in self.enabled_names(tenant)
                for offer in offers_of(
                    name, self.package_of(name), self.call_plugin(name, "portique_services", tenant=tenant)
                )
            ]
            for stale in [k for k in self._services if k[0] == tenant.id]:
                del self._services[stale]
            registry = self._services[key] = ServiceRegistry(offers)
        return registry

    def hook_implemented(self, name: str, hook: str) -> bool:
        """Whether plugin ``name`` implements ``hook`` (asked of pluggy, not of the module)."""
        return any(impl.plugin_name == name for impl in getattr(self.pm.hook, hook).get_hookimpls())

    def home_of(self, name: str) -> Path | None:
        """The folder of a plugin's package, where its conventional folders live (``None`` for a lone module)."""
        module = self.modules[name]
        file = getattr(module, "__file__", None)
        if file is None or not (hasattr(module, "__path__") or module.__name__.endswith(".plugin")):
            return None
        return Path(file).resolve().parent

    def _conventional(self, name: str, folder: str) -> Path | None:
        home = self.home_of(name)
        path = home / folder if home is not None else None
        return path if path is not None and path.is_dir() else None

    def _folders(self, name: str, hook: str, folder: str) -> dict[str, Path]:
        """A plugin's ``{key: folder}`` answer to ``hook``, else ``{name: <package>/<folder>}`` when it exists."""
        if self.hook_implemented(name, hook):
            return {key: Path(path) for key, path in (self.call_plugin(name, hook) or {}).items()}
        found = self._conventional(name, folder)
        return {name: found} if found is not None else {}

    def template_dirs(self, name: str) -> list[Path]:
        """A plugin's template folders: ``portique_template_dirs`` if it answers, else ``templates/``."""
        if self.hook_implemented(name, "portique_template_dirs"):
            return [Path(path) for path in self.call_plugin(name, "portique_template_dirs") or []]
        found = self._conventional(name, "templates")
        return [found] if found is not None else []

    def static_dirs(self) -> dict[str, Path]:
        """Static folders by mount name (``/static/plugins/<name>/``), of every plugin."""
        return {
            key: path
            for name in self.modules
            for key, path in self._folders(name, "portique_static_dirs", "static").items()
        }

    def locale_dirs(self) -> dict[str, tuple[str, Path]]:
        """Gettext domain → (owning plugin, ``locale`` folder), of every plugin."""
        return {
            key: (name, path)
            for name in self.modules
            for key, path in self._folders(name, "portique_locale_dirs", "locale").items()
        }

    def migration_dirs(self) -> dict[str, tuple[str, Path]]:
        """Alembic branch label → (owning plugin, versions folder), of every plugin."""
        return {
            key: (name, path)
            for name in self.modules
            for key, path in self._folders(name, "portique_migrations_dir", "migrations").items()
        }

    def plugin_settings(self, tenant: Tenant, model: type[M]) -> M:
        """The settings of the plugin whose ``PluginInfo.settings_model`` is ``model``, on ``tenant``.

        Validated by ``model`` (defaults for what the operator did not save) and cached until the
        tenant changes; treat the answer as read-only.
        """
        owners = [name for name, info in self.infos.items() if info.settings_model is model]
        if not owners:
            raise PluginError(f"no plugin declares {model.__qualname__} as its settings model")
        key = (tenant.id, tenant.updated_at, model)
        found = self._settings.get(key) if tenant.id is not None else None
        if found is None:
            found = model.model_validate(tenant.plugin_settings(owners[0]))
            if tenant.id is not None:
                for stale in [k for k in self._settings if k[0] == tenant.id and k[2] is model]:
                    del self._settings[stale]
                self._settings[key] = found
        return cast(M, found)

    def implemented_hooks(self, name: str) -> list[str]:
        """Names of the hooks a plugin implements."""
        module = self.modules[name]
        return sorted(n for n, _ in inspect.getmembers(module) if n.startswith("portique_"))


async def resolve(results: Iterable[Any]) -> list[Any]:
    """Await the awaitable answers of an async-capable hook; drop ``None`` answers."""
    resolved = []
    for result in results:
        if inspect.isawaitable(result):
            result = await result
        if result is not None:
            resolved.append(result)
    return resolved


async def resolve_one(result: Any) -> Any:
    """Await a single hook answer if it is awaitable."""
    return await result if inspect.isawaitable(result) else result


def flatten(results: Iterable[Iterable[Any] | None]) -> list[Any]:
    """Flatten the list-of-lists answer of a collecting hook."""
    return [item for result in results if result for item in result]
