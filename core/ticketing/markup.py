"""Ticket text: a small Markdown subset rendered to HTML and sanitised with nh3 (no stored XSS)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable(
    ["image", "heading", "lheading", "table"], ignoreInvalid=True
)


def render_markdown(text: str) -> Markup:
    """HTML of ``text`` (paragraphs, emphasis, lists, quotes, code, links), safe to put in a page.

    Raw HTML in the source is shown as text; links keep only http(s)/mailto and get
    ``rel="noopener noreferrer nofollow"``.
    """
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
