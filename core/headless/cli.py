"""``portique api schema``: the OpenAPI schema of the apps' API (every installed plugin enabled)."""

from __future__ import annotations

from pathlib import Path

import click

from core.headless.openapi import as_text
from core.headless.tenant_api import reference_schema
from core.plugins import PluginManager


@click.group()
def api() -> None:
    """The JSON API for native apps."""


@api.command("schema")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to this file.")
def schema(output: Path | None) -> None:
    """Print (or write) the OpenAPI 3.1 schema, as docs/api/openapi.json keeps it."""
    text = as_text(reference_schema(PluginManager()))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
