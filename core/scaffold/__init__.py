"""``portique plugins new NAME``: generate a working provider plugin (in-tree or a standalone package).

The generated plugin implements the hooks most providers need — metadata, a page and its template,
a form, a theme-aware stylesheet, a gettext domain with ``en``/``fr`` catalogs, an Alembic branch
with its first migration, demo data, a support category, a permission — plus a README and tests
that pass at once, so a plugin author starts from something that runs and changes it step by step.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from core.db.base import utcnow
from core.i18n.build import extract
from core.plugins import DEFAULT_PLUGINS, ENTRY_POINT_GROUP

TEMPLATES = Path(__file__).resolve().parent / "templates"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,39}$")
RESERVED = {target.split(".")[1] for target in DEFAULT_PLUGINS} | {"core", "plugins", "tests", "portique"}

# French translations of every message of the generated plugin (checked by the scaffold tests).
FRENCH = {
    "Notes": "Notes",
    "Write notes": "Rédiger des notes",
    "Question about notes": "Question sur les notes",
    "Ask us anything about your notes.": "Posez-nous toutes vos questions sur vos notes.",
    "Note title": "Titre de la note",
    "Title": "Titre",
    "Enter a title.": "Saisissez un titre.",
    "Use at most 200 characters.": "Utilisez au plus 200 caractères.",
    "Your note was saved.": "Votre note a été enregistrée.",
    "Notes shared by %(name)s.": "Notes partagées par %(name)s.",
    "There are no notes yet.": "Il n’y a pas encore de note.",
    "Add a note": "Ajouter une note",
    "Save": "Enregistrer",
}


class ScaffoldError(click.ClickException):
    """The plugin cannot be generated (bad name, existing folder); one clear line."""


@dataclass(frozen=True)
class Names:
    """Every spelling of the plugin's name used by the templates."""

    name: str
    title: str
    import_path: str

    @property
    def class_prefix(self) -> str:
        """``acme_water`` → ``AcmeWater``."""
        return "".join(part.capitalize() for part in self.name.split("_") if part)

    @property
    def slug(self) -> str:
        """Demo tenant slug and URL prefix: ``acme-water``."""
        return self.name.replace("_", "-")

    @property
    def dist(self) -> str:
        """Distribution name of the standalone package: ``portique-acme-water``."""
        return f"portique-{self.slug}"

    def test_imports(self) -> str:
        """The import block of the generated tests (the core and the plugin are both first-party)."""
        third_party = "import pytest\nfrom markupsafe import escape\nfrom sqlalchemy import func, select"
        return f"{third_party}\n\nimport {self.import_path} as plugin\nfrom core.app import create_app"

    def replacements(self, tests_path: str) -> dict[str, str]:
        """Placeholder → value, applied to file names and contents."""
        return {
            "__IMPORT__": self.import_path,
            "__CLASS__": self.class_prefix,
            "__TITLE__": self.title,
            "__PREFIX__": f"/{self.slug}",
            "__SLUG__": self.slug,
            "__DIST__": self.dist,
            "__TICKET__": re.sub(r"[^A-Z]", "", self.name.upper())[:3] or "TKT",
            "__DATE__": utcnow().strftime("%Y-%m-%d %H:%M:%S"),
            "__TESTS__": tests_path,
            "__TEST_IMPORTS__": self.test_imports(),
            "__NAME__": self.name,
        }


def check_name(name: str) -> None:
    """Refuse names that are not a valid, free plugin name."""
    if not NAME_PATTERN.match(name) or "__" in name or name.endswith("_"):
        raise ScaffoldError(
            f"{name!r} is not a valid plugin name: 3–40 lower-case letters, digits and single underscores, "
            "starting with a letter (e.g. acme_water)"
        )
    if keyword.iskeyword(name) or name in RESERVED:
        raise ScaffoldError(f"{name!r} is reserved; choose another plugin name")
    if name in {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}:
        raise ScaffoldError(f"a plugin named {name!r} is already installed")


def check_title(title: str) -> None:
    """Refuse titles that cannot be written as they are into Python, TOML and Markdown files."""
    if not title.strip() or len(title) > 80 or not title.isprintable() or any(c in title for c in '"\\`{}<>'):
        raise ScaffoldError(f'{title!r} is not a usable title: up to 80 printable characters, without " \\ ` {{ }} < >')


def check_module_free(name: str) -> None:
    """Refuse a top-level package name that would shadow an importable module (``email``, ``requests``…)."""
    if importlib.util.find_spec(name) is not None:
        raise ScaffoldError(f"a module named {name!r} is already importable; choose another plugin name")


def _fill(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def _copy_tree(source: Path, target: Path, values: dict[str, str]) -> list[Path]:
    written = []
    for template in sorted(source.rglob("*.tmpl")):
        relative = _fill(str(template.relative_to(source)), values).removesuffix(".tmpl")
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_fill(template.read_text(encoding="utf-8"), values), encoding="utf-8")
        written.append(path)
    return written


def write_catalogs(package: Path, domain: str) -> list[Path]:
    """Extract the package's messages into ``en`` and ``fr`` catalogs (``.po`` and compiled ``.mo``)."""
    locale_dir = package / "locale"
    template = extract(domain, locale_dir, [locale_dir])
    missing = [str(message.id) for message in template if message.id and message.id not in FRENCH]
    if missing:
        raise ScaffoldError(f"scaffold messages without a French translation: {', '.join(missing)}")
    written = []
    for language in ("en", "fr"):
        catalog = Catalog(locale=language, domain=domain, project=domain, fuzzy=False)
        for message in template:
            if not message.id:
                continue
            translation = FRENCH[str(message.id)] if language == "fr" else str(message.id)
            catalog.add(message.id, translation, locations=message.locations)
        folder = locale_dir / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{domain}.po").open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, include_lineno=False)
        with (folder / f"{domain}.mo").open("wb") as handle:
            write_mo(handle, catalog)
        written += [folder / f"{domain}.po", folder / f"{domain}.mo"]
    return written


def _in_tree_import_path(dest: Path, name: str) -> str:
    if dest.name == "plugins" and (dest / "__init__.py").is_file():
        return f"plugins.{name}"
    return name


def generate(name: str, dest: Path, *, standalone: bool = False, title: str | None = None) -> Path:
    """Write a new plugin and return its root folder (the package, or the standalone project).

    In-tree: ``<dest>/<name>/`` (tests in ``<dest>/../tests/plugins/<name>/`` when that project
    layout exists, else in ``<dest>/<name>/tests/``). Standalone: ``<dest>/<name>/`` is a
    pip-installable project with ``pyproject.toml`` (entry point in the ``portique.plugins`` group),
    the ``<name>/`` package and ``tests/``.
    """
    check_name(name)
    dest = dest.resolve()
    root = dest / name
    if root.exists():
        raise ScaffoldError(f"{root} already exists")
    title = title or " ".join(part.capitalize() for part in name.split("_"))
    check_title(title)
    if standalone or _in_tree_import_path(dest, name) == name:
        check_module_free(name)
    if standalone:
        names = Names(name, title, name)
        package, tests_dir = root / name, root / "tests"
    else:
        names = Names(name, title, _in_tree_import_path(dest, name))
        package = root
        project_tests = dest.parent / "tests"
        tests_dir = project_tests / "plugins" / name if project_tests.is_dir() else root / "tests"
        if tests_dir.exists():
            raise ScaffoldError(f"{tests_dir} already exists")
    tests_shown = str(tests_dir.relative_to(root if tests_dir.is_relative_to(root) else dest.parent))
    values = names.replacements(tests_shown)
    _copy_tree(TEMPLATES / "package", package, values)
    if standalone:
        _copy_tree(TEMPLATES / "standalone", root, values)
        (root / "gitignore").rename(root / ".gitignore")
        (package / "README.md").rename(root / "README.md")
    tests_dir.mkdir(parents=True, exist_ok=True)
    (tests_dir / f"test_{name}.py").write_text(
        _fill((TEMPLATES / "tests_module.py.tmpl").read_text(encoding="utf-8"), values), encoding="utf-8"
    )
    if standalone or not (tests_dir / "__init__.py").exists():
        (tests_dir / "__init__.py").touch()
    write_catalogs(package, name)
    return root


@click.command("new")
@click.argument("name")
@click.option("--standalone", is_flag=True, help="A pip-installable package with its own pyproject.toml.")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Parent folder (default: ./plugins in-tree, . standalone).",
)
@click.option("--title", default=None, help="Human title (default: from NAME).")
def new(name: str, standalone: bool, dest: Path | None, title: str | None) -> None:
    """Create a working plugin NAME: hooks, a page, a form, styles, catalogs, a migration, demo data, tests."""
    dest = dest or (Path(".") if standalone else Path("plugins"))
    dest.mkdir(parents=True, exist_ok=True)
    root = generate(name, dest, standalone=standalone, title=title)
    slug = name.replace("_", "-")
    click.echo(f"plugin {name} created in {root}")
    click.echo("Next steps:")
    if standalone:
        click.echo(f"  pip install -e {root}")
    else:
        click.echo(f'  add  {name} = "{_in_tree_import_path(dest.resolve(), name)}"  under')
        click.echo('       [project.entry-points."portique.plugins"] in pyproject.toml, then: pip install -e .')
    click.echo("  portique db upgrade")
    shown = title or " ".join(part.capitalize() for part in name.split("_"))
    click.echo(f'  portique tenants add {slug} --name "{shown}" --plugins {name} --locales en,fr')
    click.echo("  portique demo")
    click.echo(f"  portique serve      # then open http://{slug}.localhost:8000/{slug}/")
