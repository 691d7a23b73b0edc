"""The plugin manager finds a plugin package's folders by convention; the folder hooks win when implemented."""

from __future__ import annotations

import types
from pathlib import Path

from core.api import PluginInfo, hookimpl
from core.plugins import PluginManager
from tests.core.sample import alpha

ROOT = Path(__file__).resolve().parents[2]
LUMEN = ROOT / "plugins" / "lumen_ecommerce"


def _manager(**extra: types.ModuleType) -> PluginManager:
    return PluginManager(extra, entry_point_plugins=False)


def _lumen() -> PluginManager:
    import plugins.lumen_ecommerce as lumen

    return _manager(lumen_ecommerce=lumen)


def test_a_package_plugin_without_folder_hooks_gets_its_four_folders():
    plugins = _lumen()
    assert not any(
        plugins.hook_implemented("lumen_ecommerce", hook)
        for hook in (
            "portique_template_dirs",
            "portique_static_dirs",
            "portique_locale_dirs",
            "portique_migrations_dir",
        )
    )
    assert plugins.template_dirs("lumen_ecommerce") == [LUMEN / "templates"]
    assert plugins.static_dirs()["lumen_ecommerce"] == LUMEN / "static"
    assert plugins.locale_dirs()["lumen_ecommerce"] == ("lumen_ecommerce", LUMEN / "locale")
    assert plugins.migration_dirs()["lumen_ecommerce"] == ("lumen_ecommerce", LUMEN / "migrations")


def test_the_core_default_plugins_get_the_folders_of_their_package():
    plugins = _manager()
    core = ROOT / "core"
    assert plugins.template_dirs("identity") == [core / "identity" / "templates"]
    assert plugins.static_dirs() == {
        "console": core / "console" / "static",
        "identity": core / "identity" / "static",
        "passkeys": core / "passkeys" / "static",
        "ticketing": core / "ticketing" / "static",
    }
    assert plugins.locale_dirs()["console"] == ("console", core / "console" / "locale")
    # A folder the package does not have is not invented: approvals has no templates.
    assert plugins.template_dirs("approvals") == []


def test_a_folder_hook_wins_over_the_convention():
    plugins = _manager()
    # The web plugin keeps the core's catalogue and migrations elsewhere, under the key "core".
    assert plugins.locale_dirs()["core"] == ("web", ROOT / "core" / "locale")
    assert plugins.migration_dirs()["core"] == ("web", ROOT / "core" / "db" / "versions")
    assert "web" not in plugins.locale_dirs()


def test_a_lone_module_plugin_has_no_conventional_folders():
    lone = types.ModuleType("tests.core.lone_plugin")
    lone.__file__ = str(ROOT / "tests" / "core" / "lone_plugin.py")

    @hookimpl
    def portique_plugin_info() -> PluginInfo:
        return PluginInfo(name="lone", version="1.0", title="Lone")

    lone.portique_plugin_info = portique_plugin_info  # type: ignore[attr-defined]
    plugins = _manager(lone=lone, alpha=alpha)
    assert plugins.home_of("lone") is None
    assert plugins.template_dirs("lone") == []
    assert "lone" not in plugins.static_dirs()
    # alpha is a module too: its portique_template_dirs answer is what counts.
    assert plugins.template_dirs("alpha") == [Path(alpha.__file__).resolve().parent / "templates"]
