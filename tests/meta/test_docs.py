"""The documentation: the hook reference covers the whole contract, and the site builds with no warning."""

from __future__ import annotations

import importlib.util
import inspect
import os
import subprocess
import sys
from pathlib import Path

from core import __version__, hookspecs

ROOT = Path(__file__).resolve().parents[2]


def _gen_hooks():
    spec = importlib.util.spec_from_file_location("gen_hooks", ROOT / "docs" / "gen_hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_reference_documents_every_hook():
    page = _gen_hooks().render()
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction):
        if not name.startswith("portique_"):
            continue
        assert f"### `{name}`" in page
        section = page.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
        assert f"def {name}(" in section
        assert "Dispatch:" in section
        assert ("first result wins" in section) == bool(fn.portique_spec.get("firstresult"))
        assert "**Returns**" in section


def test_hook_reference_parses_parameters_and_returns():
    gen = _gen_hooks()
    description, params, returns = gen.parse_docstring(inspect.getdoc(hookspecs.portique_nav_items) or "")
    assert description.startswith("Links for the main navigation")
    assert [name for name, _ in params] == ["tenant", "user"]
    assert "NavItem" in returns


def test_script_writes_the_page(tmp_path):
    target = tmp_path / "hooks.md"
    assert _gen_hooks().main([str(target)]) == 0
    assert target.read_text().startswith("# Hook reference")


def test_site_builds_strictly(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING" not in result.stderr
    assert (tmp_path / "site" / "plugins" / "hooks" / "index.html").is_file()
    assert "portique_ticket_categories" in (tmp_path / "site" / "plugins" / "hooks" / "index.html").read_text()


def test_changelog_names_the_current_version():
    assert f"## [{__version__}]" in (ROOT / "CHANGELOG.md").read_text()


def test_screenshots_hook_shows_only_the_screenshots_present(tmp_path):
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "docs" / "screenshots.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    present = {"lumen_ecommerce-home": tmp_path / "a.png", "tutorial-notes": tmp_path / "b.png"}
    lumen = module.gallery("providers/lumen_ecommerce.md", present)
    assert "../screenshots/lumen_ecommerce-home.png" in lumen
    assert "register" not in lumen
    assert module.gallery("providers/luminus_energy.md", present) == ""
    assert "../screenshots/tutorial-notes.png" in module.gallery("plugins/tutorial.md", present)
    assert module.gallery("security.md", present) == ""


def test_cli_prints_the_version_the_changelog_describes():
    from click.testing import CliRunner

    from core.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"portique, version {__version__}"
