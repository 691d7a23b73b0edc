"""Meta-tests of the plugin contract: every hook is documented and exercised by at least one test.

A hook added to ``core/hookspecs.py`` without a docstring (with ``:param:``/``:return:`` lines),
without a test that names it, or without a ``test_hook_<hook>`` test that calls it through pluggy
(Datasette's rule; see ``tests/core/test_hooks.py``) fails here, with the list of the hooks concerned.
"""

from __future__ import annotations

import ast
import inspect
import types
from pathlib import Path

import pytest

from core import hookspecs
from core.hookspecs import hookimpl
from core.plugins import PluginManager

TESTS = Path(__file__).resolve().parent.parent
HOOKS = sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("portique_"))

# Hooks that no test names yet (2026-11-26). Shrink this list; never grow it. A hook listed here
# that a test now names is reported as a skip ("remove it from PENDING"), so the list stays true.
PENDING: frozenset[str] = frozenset()


def _test_sources() -> dict[Path, str]:
    """Every Python file under ``tests/`` except these meta-tests (tests, conftests, test plugins)."""
    return {
        path: path.read_text(encoding="utf-8")
        for path in TESTS.rglob("*.py")
        if "meta" not in path.relative_to(TESTS).parts
    }


def untested_hooks(hooks: list[str], sources: dict[Path, str]) -> list[str]:
    """Hooks whose name appears in no test source."""
    return [hook for hook in hooks if not any(hook in text for text in sources.values())]


def hook_tests(sources: dict[Path, str]) -> dict[str, str]:
    """``{test name: its source}`` of every ``test_hook_*`` function under ``tests/``."""
    found: dict[str, str] = {}
    for text in sources.values():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_hook_"):
                found[node.name] = ast.get_source_segment(text, node) or ""
    return found


def hooks_without_their_test(hooks: list[str], sources: dict[Path, str]) -> list[str]:
    """Hooks without a ``test_hook_<hook>`` function, or whose function does not name the hook it tests
    beyond its own name (it must implement or call it)."""
    tests = hook_tests(sources)
    missing = []
    for hook in hooks:
        body = tests.get(f"test_hook_{hook}", "").split("\n", 1)[-1]
        if hook not in body:
            missing.append(hook)
    return missing


def undocumented_hooks(module: object) -> list[str]:
    """Hookspecs without a docstring, or whose docstring has no ``:param:``/``:return:`` line."""
    missing = []
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("portique_"):
            continue
        doc = inspect.getdoc(fn) or ""
        summary = doc.split("\n", 1)[0].strip()
        if not summary or (":param " not in doc and ":return:" not in doc):
            missing.append(name)
    return missing


def test_the_contract_has_hooks():
    assert len(HOOKS) >= 20
    for name in HOOKS:
        assert hasattr(getattr(hookspecs, name), "portique_spec"), f"{name} is not marked with @hookspec"


def test_every_hookspec_is_documented():
    missing = undocumented_hooks(hookspecs)
    assert not missing, f"hookspecs without a docstring with :param:/:return: lines: {', '.join(missing)}"


def test_every_parameter_of_a_hook_is_documented():
    missing = []
    for name in HOOKS:
        fn = getattr(hookspecs, name)
        doc = inspect.getdoc(fn) or ""
        for parameter in inspect.signature(fn).parameters:
            if f":param {parameter}:" not in doc:
                missing.append(f"{name}({parameter})")
    assert not missing, f"undocumented hook parameters: {', '.join(missing)}"


def test_every_hook_is_exercised_by_a_test():
    untested = [hook for hook in untested_hooks(HOOKS, _test_sources()) if hook not in PENDING]
    assert not untested, (
        f"hooks that no test under tests/ names (add a test that implements or calls them): {', '.join(untested)}"
    )


def test_every_hook_has_its_test_hook_function():
    """Datasette's rule: ``test_hook_<hook>`` per hookspec, implementing the hook and calling it through pluggy."""
    missing = hooks_without_their_test(HOOKS, _test_sources())
    assert not missing, f"hooks without a test_hook_<hook> test that calls them: {', '.join(missing)}"


def test_pending_list_is_current():
    """Informative: hooks still without a test, and PENDING entries that can go."""
    untested = set(untested_hooks(HOOKS, _test_sources()))
    unknown = sorted(PENDING - set(HOOKS))
    assert not unknown, f"PENDING names hooks that do not exist: {', '.join(unknown)}"
    now_tested = sorted(PENDING - untested)
    if now_tested:
        pytest.skip(f"now tested, remove from PENDING: {', '.join(now_tested)}")


def test_the_checks_catch_an_undocumented_untested_hook(tmp_path):
    """The meta-tests fail for a new hook without docs or tests (checked on a stand-in module)."""

    class Contract:
        @staticmethod
        def portique_documented(tenant: object) -> list[str]:
            """Something.

            :param tenant: the tenant.
            :return: names.
            """
            return []

        @staticmethod
        def portique_new_hook(tenant: object) -> None:
            return None

    module = type("M", (), {})()
    module.portique_documented = Contract.portique_documented  # type: ignore[attr-defined]
    module.portique_new_hook = Contract.portique_new_hook  # type: ignore[attr-defined]
    assert undocumented_hooks(module) == ["portique_new_hook"]
    sources = {tmp_path / "test_x.py": "def test_x(): hooks.portique_documented(tenant=t)"}
    assert untested_hooks(["portique_documented", "portique_new_hook"], sources) == ["portique_new_hook"]
    assert hooks_without_their_test(["portique_documented"], sources) == ["portique_documented"]
    named_only = {tmp_path / "test_y.py": "def test_hook_portique_documented():\n    assert True\n"}
    assert hooks_without_their_test(["portique_documented"], named_only) == ["portique_documented"]
    called = {tmp_path / "test_z.py": "def test_hook_portique_documented():\n    hook.portique_documented(tenant=t)\n"}
    assert hooks_without_their_test(["portique_documented"], called) == []


FOLDER_HOOKS = {
    "portique_template_dirs": "templates",
    "portique_static_dirs": "static",
    "portique_locale_dirs": "locale",
    "portique_migrations_dir": "migrations",
}


def folder_boilerplate(plugins: PluginManager) -> list[str]:
    """Folder hooks whose answer is what the plugin manager finds by convention anyway."""
    found = []
    for name in plugins.modules:
        home = plugins.home_of(name)
        for hook, folder in FOLDER_HOOKS.items():
            if home is None or not plugins.hook_implemented(name, hook):
                continue
            answer = plugins.call_plugin(name, hook)
            conventional = [home / folder] if hook == "portique_template_dirs" else {name: home / folder}
            normalised = (
                [Path(p) for p in answer] if isinstance(answer, list) else {k: Path(v) for k, v in answer.items()}
            )
            if normalised == conventional:
                found.append(f"{name}.{hook}")
    return found


def test_no_plugin_implements_a_folder_hook_the_convention_answers():
    """``templates/``, ``static/``, ``locale/``, ``migrations/`` are found from the package: no boilerplate."""
    assert folder_boilerplate(PluginManager()) == []


def test_the_boilerplate_check_catches_a_hook_that_repeats_the_convention():
    import plugins.lumen_ecommerce as lumen

    here = Path(lumen.__file__).resolve().parent
    module = types.ModuleType("plugins.lumen_ecommerce")
    module.__file__ = lumen.__file__
    module.__path__ = [str(here)]  # type: ignore[attr-defined]
    module.portique_plugin_info = lumen.portique_plugin_info  # type: ignore[attr-defined]

    @hookimpl
    def portique_static_dirs() -> dict[str, Path]:
        return {"lumen_ecommerce": here / "static"}

    module.portique_static_dirs = portique_static_dirs  # type: ignore[attr-defined]
    plugins = PluginManager({"lumen_ecommerce": module}, entry_point_plugins=False)
    assert folder_boilerplate(plugins) == ["lumen_ecommerce.portique_static_dirs"]


def _relay_signature(spec: types.FunctionType) -> tuple[list[tuple[str, str]], str]:
    """What calling ``spec`` through the relay takes (keywords) and answers, as ``HookRelay`` writes it."""
    signature = inspect.signature(spec)
    answer = str(signature.return_annotation)
    first = (getattr(spec, f"{hookspecs.PROJECT}_spec", None) or {}).get("firstresult", False)
    return [(p.name, str(p.annotation)) for p in signature.parameters.values()], answer if first else f"list[{answer}]"


@pytest.mark.parametrize("hook", HOOKS)
def test_the_typed_relay_answers_what_the_spec_says(hook):
    from core.hook_relay import HookRelay

    method = getattr(HookRelay, hook, None)
    assert method is not None, f"add {hook} to core.hook_relay.HookRelay"
    signature = inspect.signature(method)
    params = [(p.name, str(p.annotation)) for p in signature.parameters.values() if p.name != "self"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in list(signature.parameters.values())[1:])
    assert (params, str(signature.return_annotation)) == _relay_signature(getattr(hookspecs, hook))


def test_the_typed_relay_has_no_hook_the_contract_lacks():
    from core.hook_relay import HookRelay

    assert sorted(name for name in vars(HookRelay) if name.startswith("portique_")) == HOOKS
