"""Where the static files come from: the core, each theme and each plugin, by URL prefix."""

from __future__ import annotations

from pathlib import Path

from core.plugins import PluginManager
from core.web.themes import THEMES_ROOT, available_themes

CORE_STATIC = Path(__file__).resolve().parents[1] / "static"


def static_folders(plugins: PluginManager) -> dict[str, Path]:
    """Folder served under ``/static/<key>/``: ``core``, ``themes/<name>``, ``plugins/<name>``."""
    folders = {"core": CORE_STATIC}
    for name in available_themes():
        folder = THEMES_ROOT / name / "static"
        if folder.is_dir():
            folders[f"themes/{name}"] = folder
    for plugin, folder in plugins.static_dirs().items():
        folders[f"plugins/{plugin}"] = folder
    return folders
