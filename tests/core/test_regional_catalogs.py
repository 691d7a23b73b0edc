"""Regional catalogues: fr_CA, fr_BE, en_CA… hold only what differs and fall back to their language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.i18n import build
from core.i18n.catalogs import Catalogs
from core.i18n.context import ngettext, use_locale
from core.i18n.regional import QUEBEC_ONLY


def _catalog(directory: Path, code: str, domain: str, messages: dict[object, object]) -> Path:
    """Write ``<directory>/<code>/LC_MESSAGES/<domain>.po`` and its ``.mo``."""
    catalog = Catalog(locale=code, domain=domain, project="portique")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    folder = directory / code / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{domain}.po").open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, include_lineno=False)
    with (folder / f"{domain}.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return folder / f"{domain}.po"


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


# --- Loading ------------------------------------------------------------------------------------


@pytest.fixture
def layered(tmp_path: Path) -> Catalogs:
    """A core domain with fr, fr_CA and fr_BE catalogues, a second core domain, and a provider plugin."""
    identity = tmp_path / "identity"
    _catalog(identity, "fr", "identity", {"E-mail address": "Adresse électronique", "Password": "Mot de passe"})
    _catalog(identity, "fr_CA", "identity", {"E-mail address": "Adresse courriel"})
    _catalog(identity, "fr_BE", "identity", {"E-mail address": "Adresse e-mail"})
    # a domain sorted after "identity" that shares a message but has no regional wording of it
    _catalog(tmp_path / "ticketing", "fr", "ticketing", {"E-mail address": "Adresse électronique"})
    _catalog(tmp_path / "acme", "fr", "acme", {"Password": "Code secret"})
    return Catalogs(
        {
            "identity": ("identity", identity),
            "ticketing": ("ticketing", tmp_path / "ticketing"),
            "acme": ("acme", tmp_path / "acme"),
        },
        defaults=("identity", "ticketing"),
    )


def test_a_regional_catalogue_overrides_only_its_messages(layered):
    core = ("identity", "ticketing")
    quebec = layered.translations("fr_CA", core)
    assert quebec.gettext("E-mail address") == "Adresse courriel"
    assert quebec.gettext("Password") == "Mot de passe"  # from fr: fr_CA does not repeat it
    assert layered.translations("fr_BE", core).gettext("E-mail address") == "Adresse e-mail"
    assert layered.translations("fr", core).gettext("E-mail address") == "Adresse électronique"
    # a region without a catalogue reads its language's
    assert layered.translations("fr_CH", core).gettext("E-mail address") == "Adresse électronique"


def test_a_plugin_rewords_the_core_over_its_regional_wording(layered):
    plugins = ("identity", "ticketing", "acme")
    assert layered.translations("fr_CA", plugins).gettext("Password") == "Code secret"
    assert layered.translations("fr_CA", plugins).gettext("E-mail address") == "Adresse courriel"


def test_french_plurals_treat_zero_as_singular(tmp_path):
    domain_dir = tmp_path / "shop"
    one, many, other = "%(num)s commande attend", "%(num)s de commandes attendent", "%(num)s commandes attendent"
    _catalog(domain_dir, "fr", "shop", {("%(num)s order waits", "%(num)s orders wait"): (one, many, other)})
    translations = Catalogs({"shop": ("shop", domain_dir)}).translations("fr_CA", ["shop"])
    with use_locale("fr_CA", translations):
        texts = [ngettext("%(num)s order waits", "%(num)s orders wait", n) for n in (0, 1, 2, 1_000_000)]
    assert texts == [
        "0 commande attend",
        "1 commande attend",
        "2 commandes attendent",
        "1000000 de commandes attendent",
    ]


# --- make i18n ----------------------------------------------------------------------------------


FRENCH = {"Password": "Mot de passe", "Send": "Envoyer"}


@pytest.fixture
def component(tmp_path: Path) -> tuple[str, Path]:
    """A component with three messages, a complete fr catalogue and a fr_CA one holding one wording."""
    root = tmp_path / "acme"
    (root / "templates").mkdir(parents=True)
    source = 'from core.i18n import gettext as _\n\nTEXTS = [_("E-mail address"), _("Password"), _("Send")]\n'
    (root / "pages.py").write_text(source, encoding="utf-8")
    locale_dir = root / "locale"
    _catalog(
        locale_dir,
        "fr",
        "acme",
        {"E-mail address": "Adresse électronique", "Password": "Mot de passe", "Send": "Envoyer"},
    )
    _catalog(locale_dir, "fr_CA", "acme", {"E-mail address": "Adresse courriel"})
    return "acme", locale_dir


def test_extract_keeps_a_regional_catalogue_to_what_differs(component):
    domain, locale_dir = component
    pages = locale_dir.parent / "pages.py"
    pages.write_text(pages.read_text(encoding="utf-8").replace('_("Send")', '_("Send"), _("Cancel")'), encoding="utf-8")
    dropped = build.update(domain, locale_dir, ("fr",), build.extract(domain, locale_dir, [locale_dir]))
    assert dropped == []
    assert {m.id for m in _read(locale_dir / "fr/LC_MESSAGES/acme.po") if m.id} == {
        "E-mail address",
        "Password",
        "Send",
        "Cancel",
    }
    regional = _read(locale_dir / "fr_CA/LC_MESSAGES/acme.po")
    assert [(m.id, m.string) for m in regional if m.id] == [("E-mail address", "Adresse courriel")]
    assert regional.get("E-mail address").locations == [("pages.py", None)]  # kept up to date like fr's


def test_extract_drops_and_reports_the_regional_wording_of_a_removed_message(component):
    domain, locale_dir = component
    pages = locale_dir.parent / "pages.py"
    pages.write_text(pages.read_text(encoding="utf-8").replace('_("E-mail address"), ', ""), encoding="utf-8")
    dropped = build.update(domain, locale_dir, ("fr",), build.extract(domain, locale_dir, [locale_dir]))
    assert dropped == [f"{locale_dir / 'fr_CA/LC_MESSAGES/acme.po'}: 'E-mail address'"]
    assert [m.id for m in _read(locale_dir / "fr_CA/LC_MESSAGES/acme.po") if m.id] == []


def test_check_does_not_ask_a_regional_catalogue_to_be_complete(component):
    domain, locale_dir = component
    missing, wrong = build.check([(domain, locale_dir, ("fr",))], [locale_dir])
    assert (missing, wrong) == ([], [])


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ({"Password": "Mot de passe"}, "'Password' is worded as in fr: remove it from fr_CA"),
        ({"Sign out": "Se déconnecter"}, "'Sign out' is not a message of fr"),
    ],
)
def test_check_refuses_regional_wordings_that_do_not_differ_or_do_not_exist(component, messages, expected):
    domain, locale_dir = component
    _catalog(locale_dir, "fr_CA", domain, messages)
    missing, wrong = build.check([(domain, locale_dir, ("fr",))], [locale_dir])
    assert missing == []
    assert wrong == [f"{locale_dir / 'fr_CA/LC_MESSAGES/acme.po'}: {expected}"]


def test_check_counts_an_empty_regional_wording_as_untranslated(component):
    domain, locale_dir = component
    path = _catalog(locale_dir, "fr_BE", domain, {"E-mail address": "Adresse e-mail"})
    text = path.read_text(encoding="utf-8").replace('msgstr "Adresse e-mail"', 'msgstr ""')
    path.write_text(text.replace('msgid "E-mail address"', '#, fuzzy\nmsgid "E-mail address"'), encoding="utf-8")
    missing, _wrong = build.check([(domain, locale_dir, ("fr",))], [locale_dir])
    assert missing == [f"{path}: 'E-mail address'"]


def test_check_finds_quebec_words_in_catalogues_read_outside_quebec(component):
    domain, locale_dir = component
    _catalog(
        locale_dir, "fr", domain, {"E-mail address": "Adresse courriel", "Password": "Mot de passe", "Send": "Envoyer"}
    )
    _catalog(locale_dir, "fr_CA", domain, {"Send": "Soumettre"})
    _missing, wrong = build.check([(domain, locale_dir, ("fr",))], [locale_dir])
    assert wrong == [
        f"{locale_dir / 'fr/LC_MESSAGES/acme.po'}: 'E-mail address' says courriel (Québec only): "
        "word it for fr, put it in fr_CA"
    ]


def test_check_finds_plural_forms_that_are_not_the_languages(component):
    domain, locale_dir = component
    path = locale_dir / "fr/LC_MESSAGES/acme.po"
    header = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"
    path.write_text(path.read_text(encoding="utf-8").replace(header, "nplurals=2; plural=(n != 1);"), encoding="utf-8")
    _missing, wrong = build.check([(domain, locale_dir, ("fr",))], [locale_dir])
    assert len(wrong) == 1
    assert "Plural-Forms should be" in wrong[0]


def test_an_english_region_differs_from_the_source_text(component):
    domain, locale_dir = component
    _catalog(locale_dir, "en_CA", domain, {"Send": "Send"})
    _missing, wrong = build.check([(domain, locale_dir, ("fr",))], [locale_dir])
    assert wrong == [f"{locale_dir / 'en_CA/LC_MESSAGES/acme.po'}: 'Send' is worded as in en: remove it from en_CA"]


def test_region_creates_an_empty_regional_catalogue(component):
    domain, locale_dir = component
    path = build.add_region(domain, locale_dir, "nl_BE")
    assert path == locale_dir / "nl_BE/LC_MESSAGES/acme.po"
    assert [m for m in _read(path) if m.id] == []
    with pytest.raises(ValueError, match="not a regional locale"):
        build.add_region(domain, locale_dir, "nl")


def test_compile_compiles_the_regional_catalogues(component):
    domain, locale_dir = component
    for mo in locale_dir.glob("*/LC_MESSAGES/*.mo"):
        mo.unlink()
    written = build.compile_domain(domain, locale_dir)
    assert written == [locale_dir / "fr/LC_MESSAGES/acme.mo", locale_dir / "fr_CA/LC_MESSAGES/acme.mo"]
    catalogs = Catalogs({domain: (domain, locale_dir)})
    assert catalogs.translations("fr_CA", [domain]).gettext("E-mail address") == "Adresse courriel"


def test_the_shipped_catalogues_pass_the_check():
    from core.plugins import PluginManager

    plugins = PluginManager()
    found = build.components(plugins)
    missing, wrong = build.check(found, [d for _, d, _ in found])
    assert (missing, wrong) == ([], [])


def test_the_quebec_words_are_words():
    assert QUEBEC_ONLY.search("Votre adresse courriel")
    assert QUEBEC_ONLY.search("utilisez le clavardage")
    assert not QUEBEC_ONLY.search("Consultez votre courrier indésirable")
    assert not QUEBEC_ONLY.search("Le magasin est fermé")
