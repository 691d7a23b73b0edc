"""Placeholders of a reply macro, replaced by an explicit substitution (never a template engine).

A macro body is plain text: ``{first_name}``, ``{ticket_reference}`` and ``{agent_name}`` are the
only words replaced, in one pass, so a value holding ``{agent_name}`` is not expanded again and
``{{ … }}`` or ``{% … %}`` stay text. Values lose their control characters and have the Markdown
that would make links, emphasis or code escaped: a customer's name cannot put a link in a reply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS = ("first_name", "ticket_reference", "agent_name")
VALUE_MAX = 200
_TOKEN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>~!])")


def plain_value(value: str) -> str:
    """``value`` on one line, at most ``VALUE_MAX`` characters, with its Markdown punctuation escaped."""
    line = _CONTROL.sub(" ", value).strip()[:VALUE_MAX]
    return _MARKDOWN.sub(r"\\\1", line)


def fill(body: str, values: Mapping[str, str]) -> str:
    """``body`` with each known placeholder replaced by its value (an empty one when it has none)."""
    safe = {name: plain_value(values.get(name, "")) for name in PLACEHOLDERS}
    return _TOKEN.sub(lambda match: safe[match.group(1)], body)
