"""Catalog maintenance: ``python -m core.i18n.build extract|compile|check [--domain NAME]``.

Each gettext domain (the core's, each default plugin's, each provider plugin's) lives beside its
code in ``<component>/locale/<lang>/LC_MESSAGES/<domain>.po``. ``make i18n`` extracts and updates
them, compiles them, and fails when a message of a shipped language has no translation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.plugins import PluginManager

CORE_LANGUAGES = ("fr", "nl", "de")
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
OPTIONS = {
    "**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "false"},
    "**/templates/**.txt": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"},
}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_gettext": None, "_l": None}


def components(plugins: PluginManager) -> list[tuple[str, Path, tuple[str, ...]]]:
    """(domain, locale dir, languages) of every component with a catalog."""
    found: list[tuple[str, Path, tuple[str, ...]]] = []
    for name, module in plugins.modules.items():
        impl = getattr(module, "portique_locale_dirs", None)
        info = plugins.infos[name]
        for domain, directory in ((impl() if impl else None) or {}).items():
            languages: tuple[str, ...]
            if info.default:
                languages = CORE_LANGUAGES
            else:
                languages = tuple(sorted({code.split("_")[0] for code in info.locales} - {"en"}))
            found.append((domain, Path(directory), languages))
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


def update(domain: str, locale_dir: Path, languages: tuple[str, ...], template: Catalog) -> None:
    """Create or update ``<lang>/LC_MESSAGES/<domain>.po`` from the extracted template."""
    for language in languages:
        po_path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
        if po_path.exists():
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=domain)
            template.creation_date = catalog.creation_date  # no churn when nothing changed
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
        else:
            catalog = Catalog(locale=language, domain=domain, project="portique")
            catalog.update(template, no_fuzzy_matching=True)
        po_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)


def compile_all(plugins: PluginManager) -> int:
    """Write the ``.mo`` next to every ``.po``; returns how many."""
    count = 0
    for domain, locale_dir, _languages in components(plugins):
        for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po")):
            with po_path.open("rb") as handle:
                catalog = read_po(handle, domain=domain)
            with po_path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            count += 1
    return count


def untranslated(plugins: PluginManager) -> list[str]:
    """``file: msgid`` of every message without a (non-fuzzy) translation in a shipped language."""
    missing: list[str] = []
    for domain, locale_dir, languages in components(plugins):
        for language in languages:
            po_path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
            if not po_path.exists():
                missing.append(f"{po_path}: catalog missing")
                continue
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=domain)
            for message in catalog:
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy or not all(strings):
                    missing.append(f"{po_path}: {message.id if isinstance(message.id, str) else message.id[0]!r}")
    return missing


def main(argv: list[str]) -> int:
    """Entry point of ``make i18n`` (``extract``, ``compile``, ``check``)."""
    plugins = PluginManager()
    action = argv[0] if argv else "check"
    found = components(plugins)
    all_dirs = [d for _, d, _ in found]  # every component, so nested ones stay out of their parent's domain
    if "--domain" in argv:
        wanted = argv[argv.index("--domain") + 1]
        found = [item for item in found if item[0] == wanted]
    if action == "extract":
        for domain, locale_dir, languages in found:
            update(domain, locale_dir, languages, extract(domain, locale_dir, all_dirs))
        print(f"updated {len(found)} domains")
        return 0
    if action == "compile":
        print(f"compiled {compile_all(plugins)} catalogs")
        return 0
    missing = [line for line in untranslated(plugins) if any(str(d) in line for _, d, _ in found)]
    for line in missing:
        print(f"untranslated: {line}")
    print(f"{len(missing)} untranslated message(s)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
