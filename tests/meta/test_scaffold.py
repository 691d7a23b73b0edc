"""``portique plugins new``: the generated plugin works at once, in-tree and as a pip-installable package."""

from __future__ import annotations

import asyncio
import importlib
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from core.app import create_app
from core.cli import main
from core.db.base import Base
from core.db.migrations import upgrade
from core.i18n import build
from core.i18n.catalogs import Catalogs
from core.plugins import PluginManager
from core.scaffold import ScaffoldError, check_name, generate
from core.tenancy.service import create_tenant
from core.testing import DEFAULT_TENANT

PYTHON = Path(sys.executable)
VENV_BIN = PYTHON.parent


def _import_from(folder: Path, name: str) -> ModuleType:
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    return importlib.import_module(name)


@pytest.fixture
def forget_plugin() -> Iterator[list[str]]:
    """Unload generated plugins afterwards: modules, ``sys.path`` entries and their tables."""
    names: list[str] = []
    before = list(sys.path)
    yield names
    sys.path[:] = before
    for name in names:
        for table in [t for t in Base.metadata.sorted_tables if t.name.startswith(f"{name}_")]:
            Base.metadata.remove(table)
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


@pytest.mark.parametrize("name", ["Acme", "a", "acme-water", "acme__water", "class", "identity", "core", "9lives"])
def test_bad_names_are_refused(name):
    with pytest.raises(ScaffoldError):
        check_name(name)


@pytest.mark.parametrize("title", ['Acme "Water"', "a\\b", "x" * 81, "Acme {{ x }}", " "])
def test_bad_titles_are_refused(tmp_path, title):
    with pytest.raises(ScaffoldError, match="not a usable title"):
        generate("acme_title", tmp_path, title=title)
    assert not (tmp_path / "acme_title").exists()


def test_an_installed_plugin_name_is_refused():
    with pytest.raises(ScaffoldError, match="already installed"):
        check_name("lumen_ecommerce")


def test_a_standalone_package_may_not_shadow_an_importable_module(tmp_path):
    result = CliRunner().invoke(main, ["plugins", "new", "email", "--standalone", "--dest", str(tmp_path)])
    assert result.exit_code == 1
    assert "already importable" in result.output
    assert not (tmp_path / "email").exists()


def test_an_existing_folder_is_not_overwritten(tmp_path):
    (tmp_path / "acme_gas").mkdir()
    result = CliRunner().invoke(main, ["plugins", "new", "acme_gas", "--dest", str(tmp_path)])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_cli_generates_an_in_tree_plugin_with_its_tests(tmp_path):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "__init__.py").touch()
    (tmp_path / "tests").mkdir()
    result = CliRunner().invoke(main, ["plugins", "new", "acme_gas", "--dest", str(tmp_path / "plugins")])
    assert result.exit_code == 0, result.output
    assert 'acme_gas = "plugins.acme_gas"' in result.output
    package = tmp_path / "plugins" / "acme_gas"
    for relative in (
        "__init__.py",
        "routes.py",
        "notes.py",
        "forms.py",
        "models.py",
        "demo.py",
        "README.md",
        "templates/acme_gas/index.html",
        "static/acme_gas.css",
        "migrations/acme_gas_0001_initial.py",
        "locale/fr/LC_MESSAGES/acme_gas.po",
        "locale/fr/LC_MESSAGES/acme_gas.mo",
        "locale/en/LC_MESSAGES/acme_gas.po",
    ):
        assert (package / relative).is_file(), relative
    test_module = tmp_path / "tests" / "plugins" / "acme_gas" / "test_acme_gas.py"
    assert "import plugins.acme_gas as plugin" in test_module.read_text()
    leftovers = [
        str(path.relative_to(tmp_path))
        for path in tmp_path.rglob("*")
        if path.is_file() and path.suffix != ".mo" and re.search(r"__[A-Z]+__", path.read_text(encoding="utf-8"))
    ]
    assert leftovers == [], f"placeholders left in {leftovers}"


def test_french_catalog_is_complete(tmp_path):
    root = generate("acme_tea", tmp_path)
    with (root / "locale" / "fr" / "LC_MESSAGES" / "acme_tea.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    messages = [m for m in catalog if m.id]
    assert len(messages) >= 10
    assert all(m.string and not m.fuzzy for m in messages)


def test_generated_catalogs_take_a_regional_catalogue(tmp_path):
    """A generated plugin passes ``check`` and falls back to ``fr`` from the regional catalogue it adds."""
    root = generate("acme_tea", tmp_path)
    locale_dir = root / "locale"
    component = [("acme_tea", locale_dir, ("fr",))]
    assert build.check(component, [locale_dir]) == ([], [])
    path = build.add_region("acme_tea", locale_dir, "fr_CA")
    with path.open("rb") as handle:
        quebec = read_po(handle, locale="fr_CA")
    quebec.add("Enter a title.", "Entrez un titre.")
    with path.open("wb") as handle:
        write_po(handle, quebec, width=100, sort_output=True, include_lineno=False)
    assert build.check(component, [locale_dir]) == ([], [])
    build.compile_domain("acme_tea", locale_dir)
    translations = Catalogs({"acme_tea": ("acme_tea", locale_dir)}).translations("fr_CA", ["acme_tea"])
    assert translations.gettext("Enter a title.") == "Entrez un titre."
    assert translations.gettext("Save") == "Enregistrer"


async def test_generated_plugin_serves_its_page_on_the_tenant_that_enables_it(
    tmp_path, portique_settings, forget_plugin
):
    generate("acme_water", tmp_path)
    forget_plugin.append("acme_water")
    plugin = _import_from(tmp_path, "acme_water")
    app = create_app(portique_settings, extra_plugins={"acme_water": plugin}, access_log=False)
    portal = app.state.portal
    try:
        tables = [t for t in Base.metadata.sorted_tables if t.name == "acme_water_notes"]
        async with portal.database.engine.begin() as conn:
            await conn.run_sync(lambda sync: Base.metadata.create_all(sync, tables=tables))
        async with portal.database.session() as session:
            water = await create_tenant(session, portal.plugins, slug="water", plugins=["acme_water"], **DEFAULT_TENANT)
            await create_tenant(session, portal.plugins, slug="other", **DEFAULT_TENANT)
            await session.commit()
        await portal.registry.refresh(force=True)
        async with portal.database.session(water.id) as db:
            await plugin.portique_demo_data(tenant=water, db=db)
            await db.commit()

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://water.localhost") as client:
            page = await client.get("/acme-water/")
            assert page.status_code == 200
            assert "Welcome to Acme Water" in page.text
            assert "/static/plugins/acme_water/acme_water.css" in page.text
            french = await client.get("/acme-water/", headers={"Accept-Language": "fr"})
            assert "Notes partagées par" in french.text
            css = await client.get("/static/plugins/acme_water/acme_water.css")
            assert "var(--primary)" in css.text
        async with httpx.AsyncClient(transport=transport, base_url="http://other.localhost") as client:
            assert (await client.get("/acme-water/")).status_code == 404
        async with portal.database.engine.begin() as conn:
            await conn.run_sync(lambda sync: Base.metadata.drop_all(sync, tables=tables))
    finally:
        await portal.database.dispose()


def test_generated_migration_matches_the_models(tmp_path, forget_plugin):
    generate("acme_power", tmp_path / "src")
    forget_plugin.append("acme_power")
    plugin = _import_from(tmp_path / "src", "acme_power")
    url = f"sqlite+aiosqlite:///{tmp_path / 'mig.db'}"
    plugins = PluginManager({"acme_power": plugin}, entry_point_plugins=False)
    upgrade(url, plugins, "acme_power@head")

    async def differences() -> tuple[list[str], list[object]]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            table = Base.metadata.tables["acme_power_notes"]
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(
                        sync,
                        opts={
                            "compare_type": True,
                            "include_object": lambda o, n, t, r, c: (
                                n == table.name or getattr(o, "table", None) is table
                            ),
                        },
                    ),
                    Base.metadata,
                )
            )
        await engine.dispose()
        return names, diff

    names, diff = asyncio.run(differences())
    assert "acme_power_notes" in names
    assert diff == []


def test_standalone_package_installs_with_its_entry_point_and_its_tests_pass(tmp_path):
    result = CliRunner().invoke(
        main, ["plugins", "new", "acme_cable", "--standalone", "--dest", str(tmp_path), "--title", "L'Énergie & Câble"]
    )
    assert result.exit_code == 0, result.output
    project = tmp_path / "acme_cable"
    assert 'acme_cable = "acme_cable"' in (project / "pyproject.toml").read_text()
    # The generated tests pass as they are (they register the plugin through create_app's extra_plugins).
    tests = subprocess.run(  # noqa: S603 - fixed arguments
        [str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    assert "8 passed" in tests.stdout
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    # The wheel an author would publish carries the templates, styles, catalogs and migrations.
    wheel = subprocess.run(  # noqa: S603
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert wheel.returncode == 0, wheel.stderr[-3000:]
    (built,) = (tmp_path / "dist").glob("portique_acme_cable-0.1.0-*.whl")
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
    for packaged in (
        "acme_cable/templates/acme_cable/index.html",
        "acme_cable/static/acme_cable.css",
        "acme_cable/locale/fr/LC_MESSAGES/acme_cable.mo",
        "acme_cable/migrations/acme_cable_0001_initial.py",
    ):
        assert packaged in names, packaged
    probe = (
        "from importlib.metadata import entry_points;"
        "print(sorted(e.name + '=' + e.value for e in entry_points(group='portique.plugins')))"
    )
    install = subprocess.run(  # noqa: S603
        [*pip, "install", "--no-deps", "--no-build-isolation", "-e", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        assert install.returncode == 0, install.stderr[-3000:]
        found = subprocess.run(  # noqa: S603
            [str(PYTHON), "-c", probe], capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path
        )
        assert "acme_cable=acme_cable" in found.stdout
    finally:
        subprocess.run(  # noqa: S603
            [*pip, "uninstall", "-y", "portique-acme-cable"], capture_output=True, timeout=300, check=False
        )
    after = subprocess.run(  # noqa: S603
        [str(PYTHON), "-c", probe], capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path
    )
    assert "acme_cable" not in after.stdout
