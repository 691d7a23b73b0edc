"""Every shipped plugin, and the one the scaffold generates, has the one inner shape of ``core.scaffold.shape``."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.scaffold import generate
from core.scaffold.shape import shape_problems

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(path.parent.name for path in (ROOT / "plugins").glob("*/__init__.py"))


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_plugin_has_the_shape(name):
    assert shape_problems(ROOT / "plugins" / name) == []


def test_the_generated_plugin_has_the_shape(tmp_path):
    root = generate("acme_shape", tmp_path)
    package = next(path.parent for path in root.rglob("__init__.py") if path.parent.name == "acme_shape")
    assert shape_problems(package) == []


def test_the_check_names_each_departure(tmp_path):
    package = tmp_path / "acme_mess"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from core.api import hookimpl\n\n"
        "def helper():\n    return 1\n\n"
        "@hookimpl\ndef portique_routes(tenant):\n    return []\n\n"
        "class Thing:\n    pass\n"
    )
    (package / "services.py").write_text("X = 1\n")
    (package / "billing.py").write_text("X = 1\n" * 451)
    (package / "library_texts.py").write_text("X = 1\n" * 900)
    (package / "rules.py").write_text("from sqlalchemy import select\n")
    problems = shape_problems(package)
    assert problems == [
        "__init__.py: helper() is not a hook implementation; move it to a feature module",
        "__init__.py: class Thing belongs in a module of its own",
        "portique_routes is implemented but routes.py is missing",
        "services.py: the name says nothing of the feature inside; name the module for what it does",
        "billing.py: 451 lines (at most 450); split it by feature",
        "rules.py imports sqlalchemy: keep the database and the request out of the rules",
    ]
