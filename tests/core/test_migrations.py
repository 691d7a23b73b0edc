"""Migrations: every branch upgrades from empty, matches the models, and downgrades to base."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from core.db.base import Base
from core.db.migrations import branch_dirs, downgrade, upgrade
from core.plugins import PluginManager
from core.testing import POSTGRES_ENV


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"portique_mig_{uuid.uuid4().hex[:8]}"
    admin_url = server.rsplit("/", 1)[0] + "/postgres"

    async def admin(statement: str) -> None:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _product_table(table_name: str) -> bool:
    """Tables of the product (not of test-only plugins defined under tests/)."""
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return not mapper.class_.__module__.startswith("tests.")
    return True


def _table_of(item: object) -> str:
    table = getattr(item, "table", item)
    return str(getattr(table, "name", ""))


def _differences(url: str) -> list[object]:
    async def compare() -> list[object]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
        await engine.dispose()
        return [
            d
            for d in diff
            if not (isinstance(d, tuple) and d[0] in ("add_table", "add_index") and not _product_table(_table_of(d[1])))
        ]

    return asyncio.run(compare())


def _tables(url: str) -> set[str]:
    async def names() -> set[str]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            found = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return found

    return asyncio.run(names())


def test_every_branch_upgrades_matches_the_models_and_downgrades(empty_database: str) -> None:
    plugins = PluginManager()
    assert {"core", "identity", "approvals"} <= set(branch_dirs(plugins))
    upgrade(empty_database, plugins)
    assert "tenants" in _tables(empty_database)
    assert _differences(empty_database) == []
    downgrade(empty_database, plugins, "base")
    assert _tables(empty_database) <= {"alembic_version"}
    upgrade(empty_database, plugins)
    assert "users" in _tables(empty_database)


def test_every_migrations_folder_is_a_branch_with_a_labelled_first_revision() -> None:
    plugins = PluginManager()
    answers = plugins.hook.portique_migrations_dir()  # the web plugin's: the core's own branch
    assert [set(answer) for answer in answers] == [{"core"}]
    dirs = branch_dirs(plugins)
    assert set(dirs) == {
        "core",
        "identity",
        "approvals",
        "ticketing",
        "privacy",
        "passkeys",
        "consent",
        "console",
        "oidc",
        *plugins.provider_names,
    }
    for label, (owner, folder) in dirs.items():
        assert owner == label or label == "core"
        first = sorted(Path(folder).glob("*_0001_*.py"))
        assert first, f"branch {label} has no first revision"
        assert f"branch_labels: str | Sequence[str] | None = ('{label}',)" in first[0].read_text()
