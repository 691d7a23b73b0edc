"""Themes: ``themes/<name>/theme.toml`` (brand, colours, contact) plus template and static overrides."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

THEMES_ROOT = Path(str(files("themes")))
DEFAULT_THEME = "default"
CSS_VARIABLES = ("primary", "primary_contrast", "accent", "background", "surface", "text", "muted", "danger", "success")


@dataclass(frozen=True)
class Theme:
    """A brand: name, colours, logo, favicon, contact block and legal links."""

    name: str
    title: str
    colors: dict[str, str]
    logo: str = ""
    favicon: str = ""
    font: str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
    contact: dict[str, Any] = field(default_factory=dict)
    legal: list[dict[str, str]] = field(default_factory=list)
    space_name: dict[str, str] = field(default_factory=dict)

    def space_name_for(self, locale: str) -> str:
        """The name of the customer space in ``locale`` (``[space_name]`` table, by locale or language)."""
        return self.space_name.get(locale) or self.space_name.get(locale.split("_")[0], "")

    @property
    def directory(self) -> Path:
        """The theme's folder."""
        return THEMES_ROOT / self.name

    @property
    def template_dir(self) -> Path:
        """Template overrides of the theme."""
        return self.directory / "templates"

    def css(self) -> str:
        """The theme's CSS custom properties (served at ``/theme/<name>.css``)."""
        lines = [
            f"  --{name.replace('_', '-')}: {value};" for name, value in self.colors.items() if name in CSS_VARIABLES
        ]
        lines.append(f"  --font: {self.font};")
        return ":root {\n" + "\n".join(lines) + "\n}\n"


def available_themes() -> list[str]:
    """Names of the installed themes."""
    return sorted(p.name for p in THEMES_ROOT.iterdir() if (p / "theme.toml").is_file())


@cache
def load_theme(name: str) -> Theme:
    """Read a theme (cached); an unknown name falls back to the default theme."""
    path = THEMES_ROOT / name / "theme.toml"
    if not path.is_file():
        path, name = THEMES_ROOT / DEFAULT_THEME / "theme.toml", DEFAULT_THEME
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    base = (
        {} if name == DEFAULT_THEME else tomllib.loads((THEMES_ROOT / DEFAULT_THEME / "theme.toml").read_text("utf-8"))
    )
    colors = {**base.get("colors", {}), **raw.get("colors", {})}
    return Theme(
        name=name,
        title=raw.get("title", name),
        colors=colors,
        logo=raw.get("logo", ""),
        favicon=raw.get("favicon", ""),
        font=raw.get("font", Theme.font),
        contact=raw.get("contact", {}),
        legal=raw.get("legal", []),
        space_name=raw.get("space_name", {}),
    )
