"""Compiling gettext catalogues (``.po`` → ``.mo``), with Babel only.

This module imports nothing of Portique, so the package build (``setup.py``) loads it by its path
to compile every catalogue into a wheel before Portique's own dependencies are installed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_catalogue(po_path: Path) -> Path:
    """Write the ``.mo`` beside ``po_path`` (fuzzy messages left out) and return its path."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, domain=po_path.stem)
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return mo_path


def catalogues_under(roots: Iterable[Path]) -> list[Path]:
    """Every ``locale/<code>/LC_MESSAGES/<domain>.po`` below the given folders, sorted."""
    return sorted(path for root in roots for path in root.glob("**/locale/*/LC_MESSAGES/*.po"))


def uncompiled(po_paths: Iterable[Path]) -> list[Path]:
    """The catalogues that have no ``.mo`` beside them (served as the English source text)."""
    return [po_path for po_path in po_paths if not po_path.with_suffix(".mo").is_file()]


STALE_AFTER = 1.0  # seconds: pip writes a wheel's files at install time, a ``.mo`` a moment before its ``.po``


def stale(po_paths: Iterable[Path]) -> list[Path]:
    """The catalogues changed since their ``.mo`` was compiled (their newest messages untranslated)."""
    return [
        po_path
        for po_path in po_paths
        if po_path.with_suffix(".mo").is_file()
        and po_path.with_suffix(".mo").stat().st_mtime + STALE_AFTER < po_path.stat().st_mtime
    ]
