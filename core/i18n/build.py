"""Catalog maintenance: ``python -m core.i18n.build extract|compile|check [--domain NAME]``.

Each gettext domain (the core's, each default plugin's, each provider plugin's) lives beside its
code in ``<component>/locale/<lang>/LC_MESSAGES/<domain>.po``. ``make i18n`` extracts and updates
them, compiles them, and fails when a message of a shipped language has no translation.

Regional catalogues (``fr_CA``, ``fr_BE``, ``en_CA``, ``nl_BE`` beside ``fr``, ``en``, ``nl``) hold
only what the region words otherwise: extraction never fills them, the check never asks them to be
complete, and compilation compiles them with the rest. ``python -m core.i18n.build region fr_CA
--domain NAME`` creates an empty one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from core.i18n.catalogs import catalog_path
from core.i18n.compiling import compile_catalogue
from core.i18n.regional import (
    as_source_language,
    base_language,
    keep_only_overrides,
    key,
    problems,
    quebec_words,
    region_of,
    regional_codes,
    strings,
)
from core.plugins import PluginManager

CORE_LANGUAGES = ("fr", "nl", "de")
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
OPTIONS = {
    "**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "false"},
    "**/templates/**.txt": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"},
}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_gettext": None, "_l": None}


Component = tuple[str, Path, tuple[str, ...]]  # (domain, locale dir, shipped languages)


def components(plugins: PluginManager) -> list[Component]:
    """(domain, locale dir, languages) of every component with a catalog."""
    found: list[Component] = []
    for domain, (name, directory) in plugins.locale_dirs().items():
        info = plugins.infos[name]
        languages: tuple[str, ...]
        if info.default:
            languages = CORE_LANGUAGES
        else:
            languages = tuple(sorted({code.split("_")[0] for code in info.locales} - {"en"}))
        found.append((domain, directory, languages))
    return found


def _source_root(domain: str, locale_dir: Path) -> Path:
    return locale_dir.parent


def _skip_other_components(root: Path, others: list[Path]) -> Callable[[str], bool]:
    def keep(dirname: str) -> bool:
        path = Path(dirname).resolve()
        return path.name not in ("locale", "__pycache__", "migrations") and not any(path == other for other in others)

    return keep


def extract(domain: str, locale_dir: Path, all_dirs: list[Path]) -> Catalog:
    """Messages of one component's code and templates (sub-components excluded)."""
    root = _source_root(domain, locale_dir)
    others = [d.parent.resolve() for d in all_dirs if d.parent.resolve() != root.resolve()]
    catalog = Catalog(project="portique", domain=domain)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), METHOD_MAP, OPTIONS, keywords=KEYWORDS, directory_filter=_skip_other_components(root, others)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _read(po_path: Path, code: str, domain: str) -> Catalog:
    with po_path.open("rb") as handle:
        return read_po(handle, locale=code, domain=domain)


def _write(po_path: Path, catalog: Catalog) -> None:
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)


def _updated(po_path: Path, code: str, domain: str, template: Catalog) -> Catalog:
    if po_path.exists():
        catalog = _read(po_path, code, domain)
        template.creation_date = catalog.creation_date  # no churn when nothing changed
    else:
        catalog = Catalog(locale=code, domain=domain, project="portique")
    catalog.update(template, no_fuzzy_matching=True)
    return catalog


def update(domain: str, locale_dir: Path, languages: tuple[str, ...], template: Catalog) -> list[str]:
    """Create or update ``<lang>/LC_MESSAGES/<domain>.po`` from the extracted template.

    A language's catalogue receives every message. A regional one (``fr_CA`` beside ``fr``) keeps
    only its own wordings; those of messages gone from the code are dropped and returned as
    ``file: msgid`` lines.
    """
    dropped: list[str] = []
    for language in languages:
        po_path = catalog_path(locale_dir, language, domain, ".po")
        catalog = _updated(po_path, language, domain, template)
        catalog.obsolete.clear()
        _write(po_path, catalog)
    for code in regional_codes(locale_dir, domain):
        po_path = catalog_path(locale_dir, code, domain, ".po")
        catalog = _updated(po_path, code, domain, template)
        dropped += [f"{po_path}: {msgid!r}" for msgid in keep_only_overrides(catalog)]
        _write(po_path, catalog)
    return dropped


def add_region(domain: str, locale_dir: Path, code: str) -> Path:
    """Create the empty regional catalogue ``<code>/LC_MESSAGES/<domain>.po`` (``fr_CA``, ``en_CA``…)."""
    if not region_of(code):
        raise ValueError(f"{code!r} is not a regional locale such as fr_CA or nl_BE")
    po_path = catalog_path(locale_dir, code, domain, ".po")
    if not po_path.exists():
        _write(po_path, Catalog(locale=code, domain=domain, project="portique"))
    return po_path


def compile_domain(domain: str, locale_dir: Path) -> list[Path]:
    """Write the ``.mo`` next to each ``.po`` of ``domain``, regional catalogues included."""
    return [compile_catalogue(po_path) for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po"))]


def compile_all(plugins: PluginManager) -> int:
    """Compile every catalogue of every component; returns how many."""
    return sum(len(compile_domain(domain, locale_dir)) for domain, locale_dir, _languages in components(plugins))


def _plural_forms_problem(catalog: Catalog, code: str) -> list[str]:
    rule = get_plural(code)
    if (catalog.num_plurals, catalog.plural_expr) == (rule.num_plurals, rule.plural_expr):
        return []
    return [f"Plural-Forms should be {rule.plural_forms!r}, not {catalog.plural_forms!r}"]


def _untranslated(po_path: Path, catalog: Catalog) -> list[str]:
    lines = []
    for message in catalog:
        forms = strings(message)
        complete = all(forms) and (not message.pluralizable or len(forms) >= catalog.num_plurals)
        if message.id and (message.fuzzy or not complete):
            lines.append(f"{po_path}: {key(message)!r}")
    return lines


def _catalog_problems(po_path: Path, catalog: Catalog, code: str) -> list[str]:
    """Plural-Forms not the language's (the wrong form is picked), Québec words read elsewhere."""
    return [f"{po_path}: {problem}" for problem in _plural_forms_problem(catalog, code) + quebec_words(catalog, code)]


def check(found: list[Component], all_dirs: list[Path]) -> tuple[list[str], list[str]]:
    """(untranslated messages, other catalogue problems) of the given components.

    Every message of a shipped language needs a translation in every plural form. A regional
    catalogue needs none; what it holds must be complete, be a message of its language and be
    worded otherwise.
    """
    missing: list[str] = []
    wrong: list[str] = []
    for domain, locale_dir, languages in found:
        bases: dict[str, Catalog] = {}
        for language in languages:
            po_path = catalog_path(locale_dir, language, domain, ".po")
            if not po_path.exists():
                missing.append(f"{po_path}: catalog missing")
                continue
            bases[language] = _read(po_path, language, domain)
            wrong += _catalog_problems(po_path, bases[language], language)
            missing += _untranslated(po_path, bases[language])
        for code in regional_codes(locale_dir, domain):
            po_path = catalog_path(locale_dir, code, domain, ".po")
            regional = _read(po_path, code, domain)
            wrong += _catalog_problems(po_path, regional, code)
            missing += _untranslated(po_path, regional)
            language = base_language(code)
            if language == "en":  # English has no catalogue: the region differs from the source text
                bases[language] = as_source_language(extract(domain, locale_dir, all_dirs))
            if language in bases:
                wrong += [f"{po_path}: {problem}" for problem in problems(regional, bases[language], code)]
            else:
                wrong.append(f"{po_path}: no {language} catalog to fall back to")
    return missing, wrong


def main(argv: list[str]) -> int:
    """Entry point of ``make i18n`` (``extract``, ``compile``, ``check``, ``region CODE``)."""
    plugins = PluginManager()
    action = argv[0] if argv else "check"
    found = components(plugins)
    all_dirs = [d for _, d, _ in found]  # every component, so nested ones stay out of their parent's domain
    if "--domain" in argv:
        wanted = argv[argv.index("--domain") + 1]
        found = [item for item in found if item[0] == wanted]
    if action == "extract":
        for domain, locale_dir, languages in found:
            for line in update(domain, locale_dir, languages, extract(domain, locale_dir, all_dirs)):
                print(f"dropped regional wording of a message no longer in the code: {line}")
        print(f"updated {len(found)} domains")
        return 0
    if action == "compile":
        print(f"compiled {compile_all(plugins)} catalogs")
        return 0
    if action == "region":
        if len(argv) < 2 or "--domain" not in argv:
            print("usage: python -m core.i18n.build region CODE --domain NAME  (CODE: fr_CA, fr_BE, en_CA, nl_BE…)")
            return 2
        for domain, locale_dir, _languages in found:
            print(f"created {add_region(domain, locale_dir, argv[1])}")
        return 0
    missing, wrong = check(found, all_dirs)
    for line in missing:
        print(f"untranslated: {line}")
    for line in wrong:
        print(f"wrong: {line}")
    if wrong:
        print(f"{len(wrong)} catalog problem(s)")
    print(f"{len(missing)} untranslated message(s)")
    return 1 if missing or wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
