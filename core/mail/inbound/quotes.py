"""The new text of a reply: quoted history, attribution lines and signatures removed.

``mail-parser-reply`` recognises the "On … wrote:" / "Le … a écrit :" / "Am … schrieb …:" headers,
Outlook's ``From:``/``Sent:`` blocks and the usual signatures in the portals' languages; what it
leaves of a trailing ``>`` quote (an attribution line it does not know, as Dutch Gmail's
"Op … schreef X <…>:") is cut here.
"""

from __future__ import annotations

import html
import re

import nh3
from mailparser_reply.parser import EmailMessage

LANGUAGES = ["en", "fr", "de", "nl"]
_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|tr|h[1-6])>")


def latest_reply(text: str) -> str:
    """The part of a plain-text reply its author wrote (no quoted history, no signature)."""
    text = text.replace("\r\n", "\n")
    replies = EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read().replies
    body = replies[0].body if replies else ""
    return _drop_trailing_quote(body or text).strip()


def _drop_trailing_quote(text: str) -> str:
    lines = text.rstrip().split("\n")
    quoted = len(lines)
    while quoted > 0 and (lines[quoted - 1].startswith(">") or not lines[quoted - 1].strip()):
        quoted -= 1
    if quoted == len(lines):
        return text
    if quoted > 0 and lines[quoted - 1].rstrip().endswith(":"):
        quoted -= 1  # the attribution line of the quote
    return "\n".join(lines[:quoted])


def html_to_text(markup: str) -> str:
    """The text of an HTML-only mail, with quoted ``<blockquote>`` history and styles dropped."""
    spaced = _BLOCK_END.sub(lambda m: m.group(0) + "\n", markup)
    text = nh3.clean(
        spaced, tags=set(), attributes={}, clean_content_tags={"blockquote", "style", "script", "head", "title"}
    )
    lines = [" ".join(line.split()) for line in html.unescape(text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
