"""Alembic, driven programmatically: one branch for the core and one per plugin, upgraded together."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.base import Base
from core.plugins import PluginManager

ALEMBIC_DIR = Path(__file__).resolve().parent / "alembic"


def branch_dirs(plugins: PluginManager) -> dict[str, tuple[str, Path]]:
    """Branch label → (owning plugin, versions folder): each plugin's ``migrations/``, or its
    ``portique_migrations_dir`` answer."""
    return plugins.migration_dirs()


def table_owner(table: Table, plugins: PluginManager) -> str:
    """The branch label that owns ``table``: the plugin whose package defines its model."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            module = mapper.class_.__module__
            break
    else:
        return "core"
    best, best_len = "core", 0
    for name, plugin_module in plugins.modules.items():
        package = (
            plugin_module.__name__.rsplit(".", 1)[0]
            if plugin_module.__name__.endswith(".plugin")
            else plugin_module.__name__
        )
        if (
            (module == package or module.startswith(package + "."))
            and len(package) > best_len
            and package != "core.web"
        ):
            best, best_len = name, len(package)
    labels = {owner: label for label, (owner, _) in branch_dirs(plugins).items()}
    return labels.get(best, "core")


def alembic_config(database_url: str, plugins: PluginManager) -> Config:
    """An Alembic configuration whose ``version_locations`` are every branch's folder."""
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    locations = [str(path) for _, path in branch_dirs(plugins).values()]
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    config.set_main_option("sqlalchemy.url", database_url)
    config.attributes["plugins"] = plugins
    return config


def _sqlite_file_missing(database_url: str) -> bool:
    url = make_url(database_url)
    return url.get_backend_name() == "sqlite" and bool(url.database) and not Path(url.database or "").exists()


async def unapplied_heads(engine: AsyncEngine, plugins: PluginManager) -> list[str]:
    """The head revisions (of the core's and the plugins' branches) the database has not reached.

    Empty when ``portique db upgrade`` has nothing to do. A SQLite file that does not exist is not
    created: every head is unapplied.
    """
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(False), plugins))
    heads = set(script.get_heads())
    if _sqlite_file_missing(engine.url.render_as_string(False)):
        return sorted(heads)
    async with engine.connect() as conn:
        current = await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads())
    reached = {revision.revision for revision in script.iterate_revisions(current, "base")} if current else set()
    return sorted(heads - reached)


def stamp(database_url: str, plugins: PluginManager, target: str = "heads") -> None:
    """Record ``target`` as applied without running a migration (a schema made by ``create_all``)."""
    command.stamp(alembic_config(database_url, plugins), target)


def upgrade(database_url: str, plugins: PluginManager, target: str = "heads") -> None:
    """Upgrade every branch (core and plugins) to ``target``."""
    command.upgrade(alembic_config(database_url, plugins), target)


def downgrade(database_url: str, plugins: PluginManager, target: str = "base") -> None:
    """Downgrade to ``target`` (``base`` removes every table)."""
    command.downgrade(alembic_config(database_url, plugins), target)


def revision(
    database_url: str,
    plugins: PluginManager,
    label: str,
    message: str,
    *,
    autogenerate: bool,
    depends_on: str = "identity",
) -> None:
    """Create a revision on one branch; with ``autogenerate`` it compares only that branch's tables.

    The database is first upgraded to every head, so the comparison sees the current schema. A
    branch's first revision is labelled with the branch and depends on ``depends_on``.
    """
    config = alembic_config(database_url, plugins)
    config.attributes["only_branch"] = label
    _owner, path = branch_dirs(plugins)[label]
    path.mkdir(parents=True, exist_ok=True)
    if autogenerate:
        command.upgrade(config, "heads")
    count = len(list(path.glob("*.py")))
    if count == 0:
        command.revision(
            config,
            message=message,
            autogenerate=autogenerate,
            head="base",
            branch_label=label,
            version_path=str(path),
            depends_on=depends_on,
            rev_id=f"{label}_0001",
        )
    else:
        command.revision(
            config,
            message=message,
            autogenerate=autogenerate,
            head=f"{label}@head",
            version_path=str(path),
            rev_id=f"{label}_{count + 1:04d}",
        )
