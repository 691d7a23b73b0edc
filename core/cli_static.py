"""``portique static collect DIR``: copy every static folder where a web server can serve it."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from core.plugins import PluginManager
from core.web.static import static_folders


@click.group()
def static() -> None:
    """Static files (CSS, scripts, images) of the core, the themes and the plugins."""


@static.command("collect")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--clear", is_flag=True, help="Empty TARGET first (files of removed plugins go away).")
def collect(target: Path, clear: bool) -> None:
    """Copy the static folders into TARGET, laid out as the URLs: TARGET/core, TARGET/themes/<name>…

    Point the web server's ``/static/`` at TARGET (``alias TARGET/;`` in nginx); run it again after
    each upgrade or plugin change.
    """
    try:
        plugins = PluginManager()
    except Exception as exc:  # noqa: BLE001 - a broken plugin is reported in one line
        raise click.ClickException(str(exc)) from None
    if clear and target.exists():
        shutil.rmtree(target)
    total = 0
    for mount, folder in static_folders(plugins).items():
        destination = target / mount
        shutil.copytree(folder, destination, dirs_exist_ok=True)
        count = sum(1 for path in folder.rglob("*") if path.is_file())
        total += count
        click.echo(f"/static/{mount}/  {count} file(s)  from {folder}")
    click.echo(f"{total} file(s) in {target}")
