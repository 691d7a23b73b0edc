"""Jinja environments: one per (theme, enabled plugins), cached; loader theme → plugins → core."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from markupsafe import Markup

from core.i18n.formatting import format_date, format_datetime, format_money, format_number, format_phone
from core.i18n.jinja import install_translations
from core.web.themes import DEFAULT_THEME, THEMES_ROOT

CORE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


_csrf_token: ContextVar[str] = ContextVar("portique_csrf_token", default="")


def bind_csrf_token(token: str) -> None:
    """Make ``token`` the CSRF token templates see while the current page renders."""
    _csrf_token.set(token)


class _CurrentCsrfToken:
    """``{{ csrf_token }}`` for macros imported without the page's context (a Jinja global)."""

    def __str__(self) -> str:
        return _csrf_token.get()

    def __html__(self) -> str:
        return str(Markup.escape(_csrf_token.get()))


def _nl2br(value: str) -> Markup:
    escaped = Markup.escape(value or "")
    return Markup("<br>\n").join(escaped.split("\n"))


class Templates:
    """Builds and caches the Jinja environment of each theme and plugin set."""

    def __init__(self, plugin_dirs: Mapping[str, list[Path]], globals_: Mapping[str, Any] | None = None) -> None:
        self.plugin_dirs = plugin_dirs
        self.globals = dict(globals_ or {})
        self._envs: dict[tuple[str, tuple[str, ...]], Environment] = {}

    def environment(self, theme: str, providers: tuple[str, ...], defaults: tuple[str, ...]) -> Environment:
        """The environment of a theme with these provider plugins and the core's default plugins."""
        key = (theme, (*providers, "|", *defaults))
        env = self._envs.get(key)
        if env is None:
            env = self._envs[key] = self._build(theme, providers, defaults)
        return env

    def _loaders(self, names: tuple[str, ...]) -> list[BaseLoader]:
        return [FileSystemLoader([str(path) for path in self.plugin_dirs.get(name, [])]) for name in names]

    def _build(self, theme: str, providers: tuple[str, ...], defaults: tuple[str, ...]) -> Environment:
        # The original of any page a provider or theme replaces stays reachable as "core:<name>".
        original = ChoiceLoader([*self._loaders(defaults), FileSystemLoader([str(CORE_TEMPLATES)])])
        theme_dirs = [str(THEMES_ROOT / theme / "templates")]
        if theme != DEFAULT_THEME:
            theme_dirs.append(str(THEMES_ROOT / DEFAULT_THEME / "templates"))
        loader = ChoiceLoader(
            [
                PrefixLoader({"core": original}, delimiter=":"),
                FileSystemLoader(theme_dirs),
                *self._loaders(providers),
                original,
            ]
        )
        env = Environment(
            loader=loader,
            autoescape=select_autoescape(["html", "xml"], default_for_string=True),
            extensions=["jinja2.ext.i18n"],
            auto_reload=False,
            trim_blocks=True,
            lstrip_blocks=True,
            enable_async=False,
        )
        install_translations(env)
        env.filters.update(
            date=format_date,
            datetime=format_datetime,
            money=format_money,
            number=format_number,
            phone=format_phone,
            nl2br=_nl2br,
        )
        env.globals["csrf_token"] = _CurrentCsrfToken()
        env.globals.update(self.globals)
        return env
