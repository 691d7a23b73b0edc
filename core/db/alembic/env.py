"""Alembic environment: async engine, every plugin's models, optional per-branch autogenerate."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from core.db.base import Base
from core.db.migrations import table_owner

config = context.config
plugins = config.attributes["plugins"]
only_branch = config.attributes.get("only_branch")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if only_branch is None:
        return True
    table = obj if type_ == "table" else getattr(obj, "table", None)
    if table is None or (reflected and compare_to is None):
        return False
    return table_owner(table, plugins) == only_branch


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
        return
    engine = create_async_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as conn:
        await conn.run_sync(do_run_migrations)
        await conn.commit()
    await engine.dispose()


asyncio.run(run_async())
