"""The one inner shape of a provider plugin package, and a check that tells where a package departs.

The shape (``luminus_energy`` is the model; ``portique plugins new`` generates it)::

    __init__.py    hook implementations only
    routes.py      every page, as named routes (``routes()``)
    <feature>.py   one module per feature (``billing.py``, ``devices.py``, ``users.py``…)
    forms.py       the plugin's forms, where it has several
    backend.py     the protocol the pages need and its local implementation
    models.py      the tables
    rules.py       pure logic: no database, no request
    importers.py   registry importers
    settings.py    the per-tenant settings
    demo.py        demo data
    cli.py         commands, where the plugin has some

``shape_problems(folder)`` lists what departs from it, one sentence each; a plugin's own tests may
call it on their package the way the project's meta-test does on the shipped plugins.
"""

from __future__ import annotations

import ast
from pathlib import Path

MAX_LINES = 450
"""A module longer than this holds more than one job; data modules (``*_texts.py``) are exempt."""

VAGUE_NAMES = frozenset(
    {"pages", "views", "web", "service", "services", "support", "utils", "helpers", "common", "misc"}
    | {"content", "policies", "imports", "registry"}
)
"""Module names that say nothing of the feature inside, or compete with a name of the shape."""

HOME_OF_HOOK = {
    "portique_routes": "routes.py",
    "portique_api_routes": "routes.py",
    "portique_services": "backend.py",
    "portique_registry_importers": "importers.py",
    "portique_demo_data": "demo.py",
    "portique_cli": "cli.py",
}
"""A plugin implementing the hook keeps what it answers in this module."""

IMPURE_IMPORTS = ("sqlalchemy", "starlette", "httpx", "aiosmtplib")
"""What ``rules.py`` must not import: it is pure logic, testable without a database or a request."""


def shape_problems(package: Path) -> list[str]:
    """Where the plugin package in ``package`` departs from the shape; empty when it follows it."""
    init = package / "__init__.py"
    if not init.is_file():
        return [f"{package.name} is not a package (no __init__.py)"]
    tree = ast.parse(init.read_text(encoding="utf-8"))
    return [
        *_non_hooks_in_init(tree),
        *_missing_homes(package, tree),
        *_vague_modules(package),
        *_long_modules(package),
        *_impure_rules(package),
    ]


def _is_hookimpl(node: ast.AST) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Name) and target.id == "hookimpl") or (
        isinstance(target, ast.Attribute) and target.attr == "hookimpl"
    )


def _non_hooks_in_init(tree: ast.Module) -> list[str]:
    problems = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not any(_is_hookimpl(decorator) for decorator in node.decorator_list):
                problems.append(f"__init__.py: {node.name}() is not a hook implementation; move it to a feature module")
        elif isinstance(node, ast.ClassDef):
            problems.append(f"__init__.py: class {node.name} belongs in a module of its own")
    return problems


def _implemented_hooks(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("portique_")
    }


def _missing_homes(package: Path, tree: ast.Module) -> list[str]:
    return [
        f"{hook} is implemented but {module} is missing"
        for hook, module in HOME_OF_HOOK.items()
        if hook in _implemented_hooks(tree) and not (package / module).is_file()
    ]


def _modules(package: Path) -> list[Path]:
    return sorted(path for path in package.glob("*.py") if path.name != "__init__.py")


def _vague_modules(package: Path) -> list[str]:
    return [
        f"{path.name}: the name says nothing of the feature inside; name the module for what it does"
        for path in _modules(package)
        if path.stem in VAGUE_NAMES
    ]


def _long_modules(package: Path) -> list[str]:
    problems = []
    for path in _modules(package):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and not path.stem.endswith("_texts"):
            problems.append(f"{path.name}: {lines} lines (at most {MAX_LINES}); split it by feature")
    return problems


def _impure_rules(package: Path) -> list[str]:
    rules = package / "rules.py"
    if not rules.is_file():
        return []
    imported: set[str] = set()
    for node in ast.walk(ast.parse(rules.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    return [
        f"rules.py imports {name}: keep the database and the request out of the rules"
        for name in sorted(imported)
        if any(name == impure or name.startswith(impure + ".") for impure in IMPURE_IMPORTS)
    ]
