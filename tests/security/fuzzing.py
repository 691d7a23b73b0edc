"""The machinery of the route fuzzer: every route of the application, the forms of its pages, and
hostile values to send them (see ``test_fuzz.py``)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Mount, Route, Router

from core.web.ids import ID_MAX, IdConvertor

# -- how much: a bounded profile for CI (``make test``), a larger one to run by hand ----------------
PROFILES = {
    # Derandomized: CI sees the same examples on every run (a new finding never blocks someone else).
    "ci": settings(max_examples=4, deadline=None, database=None, derandomize=True, print_blob=True),
    "fuzz": settings(max_examples=25, deadline=None, database=None, print_blob=True),
}
PROFILE_ENV = "PORTIQUE_FUZZ_PROFILE"  # PORTIQUE_FUZZ_PROFILE=fuzz pytest tests/security/test_fuzz.py


def profile() -> settings:
    """The profile chosen by ``PORTIQUE_FUZZ_PROFILE`` (``ci`` by default)."""
    chosen = PROFILES[os.environ.get(PROFILE_ENV, "ci")]
    return settings(chosen, suppress_health_check=list(HealthCheck))


# -- routes, as the application declares them --------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One route: its path template, methods and parameter convertors."""

    path: str
    methods: frozenset[str]
    params: tuple[tuple[str, bool], ...]  # (name, takes an id)

    @property
    def accepts_post(self) -> bool:
        """The route takes a form."""
        return "POST" in self.methods


def targets(routes: list[BaseRoute], prefix: str = "") -> Iterator[Target]:
    """Every route under ``routes`` (mounts walked), static files left out."""
    for route in routes:
        if isinstance(route, Route):
            params = tuple(
                (name, isinstance(convertor, IdConvertor)) for name, convertor in route.param_convertors.items()
            )
            yield Target(prefix + route.path, frozenset(route.methods or {"GET"}), params)
        elif isinstance(route, Mount) and isinstance(route.app, Router):
            yield from targets(list(route.app.routes), prefix + route.path)
        elif isinstance(route, Mount) and route.routes:
            yield from targets(list(route.routes), prefix + route.path)


# -- forms, as the pages show them ------------------------------------------------------------------
@dataclass
class FormFields:
    """Field names of a page's forms, with the values the page offers (defaults and options)."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: str | None) -> None:
        """Record a field (and a value it may take)."""
        known = self.values.setdefault(name, [])
        if value is not None and value not in known and len(known) < 20:
            known.append(value)


class _FormParser(HTMLParser):
    def __init__(self, fields: FormFields) -> None:
        super().__init__()
        self.fields = fields
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name")
        if tag in ("input", "textarea", "button") and name:
            self.fields.add(name, found.get("value"))
        elif tag == "select" and name:
            self.select = name
            self.fields.add(name, None)
        elif tag == "option" and self.select:
            self.fields.add(self.select, found.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def form_fields(html: str, into: FormFields | None = None) -> FormFields:
    """The fields of every form in ``html``."""
    fields = into or FormFields()
    _FormParser(fields).feed(html)
    return fields


def csrf_token_of(html: str) -> str | None:
    """The page's CSRF token (its meta tag)."""
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    return match.group(1) if match else None


# -- values ------------------------------------------------------------------------------------------
HOSTILE = [
    "",
    " ",
    "é",
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "１２",
    "0",
    "-1",
    "+1",
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "1_000",
    " 7 ",
    str(ID_MAX),
    str(ID_MAX + 1),
    str(2**63),
    str(2**64),
    "9" * 40,
    "9" * 5000,
    "a" * 10_000,
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "<script>alert(1)</script>",
    "\"'><svg onload=alert(1)>",
    "' OR '1'='1",
    "%00",
    "%",
    "%ZZ",
    "x@probe.example/../../etc/passwd",
    "a@b",
    "@",
    "ﬀ\u202e\u200b\ufeff",
    "😀" * 50,
    "\r\nSet-Cookie: x=1",
    "true",
    "null",
    "[]",
    "{}",
    "2026-02-30",
    "31/12/2026",
    "9999-12-31",
    "0000-00-00",
]
PLAUSIBLE = {
    "email": "fuzz.tester@example.com",
    "login": "fuzz.tester@example.com",
    "password": "Fuzz-Passw0rd-2026!",
    "password_confirm": "Fuzz-Passw0rd-2026!",
    "current_password": "Fuzz-Passw0rd-2026!",
    "first_name": "Fuzz",
    "last_name": "Tester",
    "name": "Fuzz Tester",
    "username": "fuzztester",
    "phone": "514 555 0199",
    "accept_terms": "y",
    "subject": "A question",
    "description": "Something happened.",
    "body": "A reply.",
    "date": "2026-01-15",
    "code": "123456",
}
_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
_numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)


def values_for(name: str, offered: list[str]) -> st.SearchStrategy[str]:
    """What to put in field ``name``: what the page offers, something plausible, or something hostile."""
    choices: list[st.SearchStrategy[str]] = [st.sampled_from(HOSTILE), _text, _numbers]
    if offered:
        choices.insert(0, st.sampled_from(offered))
    plausible = PLAUSIBLE.get(name) or next((v for k, v in PLAUSIBLE.items() if name.endswith(k)), None)
    if plausible:
        choices.insert(0, st.just(plausible))
    return st.one_of(*choices)


def path_values(name: str, takes_id: bool, known: list[str]) -> st.SearchStrategy[str]:
    """A value for a path parameter (ids: within and beyond the column's range)."""
    if takes_id:
        return st.one_of(
            st.integers(min_value=0, max_value=60).map(str),
            st.sampled_from([str(ID_MAX), str(ID_MAX + 1), str(2**63), "9" * 25, "0" * 12 + "1"]),
        )
    hostile = st.sampled_from([v for v in HOSTILE if v and len(v) < 200])
    return st.one_of(st.sampled_from(known), hostile) if known else hostile


ENCODINGS = ("form", "form", "form", "multipart", "json", "text", "odd-form", "none")
CSRF_MODES = ("field", "field", "field", "header", "hostile-field", "hostile-header", "missing")


@st.composite
def submissions(draw: Any, fields: FormFields) -> dict[str, Any]:
    """A request body for a form: some of its fields (repeated, missing, extra), encoded one way or another."""
    names = sorted(fields.values) or ["q"]
    pairs: list[tuple[str, str]] = []
    for name in names:
        if name == "csrf_token" or draw(st.integers(0, 9)) == 0:
            continue  # a missing field
        repeats = 2 if draw(st.integers(0, 14)) == 0 else 1
        for _ in range(repeats):
            pairs.append((name, draw(values_for(name, fields.values.get(name, [])))))
    for _ in range(draw(st.integers(0, 2))):
        pairs.append((draw(st.sampled_from([*names, "x", "f_", "ticket", "action"])), draw(values_for("", []))))
    return {
        "pairs": pairs,
        "encoding": draw(st.sampled_from(ENCODINGS)),
        "csrf": draw(st.sampled_from(CSRF_MODES)),
        "hostile_token": draw(st.sampled_from(["é", "\x00", "x" * 500, "", "²", "a" * 64, "<>"])),
        "query": draw(
            st.lists(st.tuples(st.sampled_from([*names, "next", "page", "after"]), values_for("", [])), max_size=2)
        ),
    }


def encode(submission: dict[str, Any], token: str | None) -> tuple[dict[str, Any], bytes | None, Any]:
    """(headers, raw body, files) of a submission with ``token`` placed as its CSRF mode says."""
    pairs = list(submission["pairs"])
    headers: dict[str, Any] = {}
    mode = submission["csrf"]
    if mode == "field" and token:
        pairs.insert(0, ("csrf_token", token))
    elif mode == "hostile-field":
        pairs.insert(0, ("csrf_token", submission["hostile_token"]))
    elif mode == "header" and token:
        headers["X-CSRF-Token"] = token
    elif mode == "hostile-header":
        headers["X-CSRF-Token"] = submission["hostile_token"].encode("utf-8")
    encoding = submission["encoding"]
    if encoding == "json":
        headers["Content-Type"] = "application/json"
        return headers, json.dumps(dict(pairs)).encode(), None
    if encoding == "text":
        headers["Content-Type"] = "text/plain"
        return headers, "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass"), None
    if encoding == "odd-form":
        headers["Content-Type"] = "multipart/form-data"  # no boundary
        return headers, b"--x\r\n" + "&".join(f"{k}={v}" for k, v in pairs).encode(), None
    if encoding == "none":
        return headers, None, None
    if encoding == "multipart":
        files = [(name, (None, value)) for name, value in pairs]
        files.append(("attachments", ("upload.zip", b"PK\x03\x04" + b"\x00" * 64, "application/zip")))
        return headers, None, files
    from urllib.parse import urlencode

    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return headers, urlencode(pairs).encode(), None
