"""Build step of the ``portique`` distribution: every gettext catalogue is compiled into the package.

The ``.mo`` files are not kept in git; ``pip wheel .``, ``pip install .`` and ``pip install -e .``
compile each ``locale/<code>/LC_MESSAGES/<domain>.po`` of the core and the plugins with Babel (a
build requirement), so an installed Portique serves every shipped language. The rest of the
metadata is in ``pyproject.toml``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent
PACKAGES_WITH_CATALOGUES = ("core", "plugins")


def _compiling_module():  # type: ignore[no-untyped-def]
    """``core/i18n/compiling.py``, loaded by path: Portique's dependencies are not installed yet."""
    spec = importlib.util.spec_from_file_location("_portique_compiling", SOURCE / "core" / "i18n" / "compiling.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithCatalogues(build_py):
    """``build_py``, then the ``.mo`` of every ``.po`` (in the source tree for an editable install)."""

    def run(self) -> None:
        super().run()
        root = SOURCE if self.editable_mode else Path(self.build_lib)
        compiling = _compiling_module()
        for po_path in compiling.catalogues_under(root / name for name in PACKAGES_WITH_CATALOGUES):
            compiling.compile_catalogue(po_path)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
