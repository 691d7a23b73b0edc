"""Helpers of the Luminus tests."""

from __future__ import annotations

import re


def csrf_of(html: str) -> str:
    """The CSRF token of the page's own form (the last one), after checking that no form has an empty token."""
    tokens = re.findall(r'name="csrf_token" value="([^"]*)"', html)
    assert tokens, "no csrf_token in the page"
    assert all(tokens), "a form of the page has an empty csrf_token"
    return tokens[-1]
