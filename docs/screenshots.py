"""MkDocs hook: show the screenshots the browser tests took, when they are there.

``tests/meta/test_screenshots.py`` writes ``var/docs/screenshots/<plugin>-home.png``,
``<plugin>-register.png`` and ``tutorial-notes.png`` (run ``pytest -m browser tests/meta``). They
are not committed: this hook adds those present to the site and to the matching pages, so the
build stays strict whether or not the browser tests ran first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "var" / "docs" / "screenshots"
CAPTIONS = {"home": "Home page of the demo tenant", "register": "Registration page"}


def _present() -> dict[str, Path]:
    return {path.stem: path for path in sorted(SHOTS.glob("*.png"))} if SHOTS.is_dir() else {}


def on_files(files: Any, config: Any) -> Any:
    """Add the screenshots as site files under ``screenshots/``."""
    from mkdocs.structure.files import File

    for stem, path in _present().items():
        files.append(File.generated(config, f"screenshots/{stem}.png", abs_src_path=str(path)))
    return files


def gallery(page_uri: str, present: dict[str, Path]) -> str:
    """Markdown to append to ``page_uri`` (empty when there is nothing to show)."""
    if page_uri == "plugins/tutorial.md" and "tutorial-notes" in present:
        return (
            "\n\n## What you will see\n\n"
            "![The Notes page of a generated plugin](../screenshots/tutorial-notes.png)\n\n"
            "*The page of a freshly generated plugin, taken by the browser tests.*\n"
        )
    if page_uri.startswith("providers/"):
        plugin = Path(page_uri).stem
        shots = [(kind, f"{plugin}-{kind}") for kind in CAPTIONS if f"{plugin}-{kind}" in present]
        if shots:
            images = "\n\n".join(f"![{CAPTIONS[kind]}](../screenshots/{stem}.png)" for kind, stem in shots)
            return f"\n\n## Screenshots\n\nTaken by the browser tests on the demo tenant.\n\n{images}\n"
    return ""


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Append the page's screenshots."""
    return markdown + gallery(page.file.src_uri, _present())
