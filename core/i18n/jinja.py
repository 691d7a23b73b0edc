"""Translations in Jinja templates: ``_``, ``gettext``, ``ngettext``, ``pgettext``, ``{% trans %}``, ``|colon``.

They behave as Jinja's own "newstyle" callables (the translation is a ``%`` format string, the
variables are escaped when autoescaping is on) and follow the same typography as Python code: a
placeholder whose value ends with a period takes no second one.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, pass_context, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup, escape

from core.i18n import context as i18n
from core.i18n.typography import colon, end_sentence


def _fill(ctx: Context, text: str, variables: dict[str, Any]) -> str:
    if not variables and "%" not in text:  # a plain label: nothing to fill in (most calls)
        return Markup(text) if ctx.eval_ctx.autoescape else text  # noqa: S704 - catalogues are trusted
    text = end_sentence(text, variables)
    if ctx.eval_ctx.autoescape:
        return Markup(text) % variables  # noqa: S704 - catalogues are trusted, as in Jinja's own i18n
    return text % variables


@pass_context
def _gettext(ctx: Context, message: str, **variables: Any) -> str:
    return _fill(ctx, i18n.current_translations().gettext(message), variables)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _fill(ctx, i18n.current_translations().ngettext(singular, plural, num), variables)


@pass_context
def _pgettext(ctx: Context, msgctxt: str, message: str, **variables: Any) -> str:
    return _fill(ctx, i18n.current_translations().pgettext(msgctxt, message), variables)


@pass_context
def _npgettext(ctx: Context, msgctxt: str, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _fill(ctx, i18n.current_translations().npgettext(msgctxt, singular, plural, num), variables)


@pass_eval_context
def _colon(eval_ctx: EvalContext, label: Any) -> str:
    """``{{ _("Phone")|colon }}``: the label followed by the locale's colon (``Téléphone :``)."""
    if eval_ctx.autoescape:
        return Markup(colon(str(escape(label)), i18n.current_locale()))  # noqa: S704 - the label is escaped
    return colon(str(label), i18n.current_locale())


def install_translations(env: Environment) -> None:
    """Give ``env`` the request's translations (the ``jinja2.ext.i18n`` extension must be loaded)."""
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # {% trans %} passes its variables along
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext)
    env.filters["colon"] = _colon
