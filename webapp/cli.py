"""Flask CLI commands: `flask --app webapp seed-demo 1000`, `export`, `import`, `backup`, `restore`."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from jinja2.filters import do_filesizeformat


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    for command in (seed_demo, export_command, import_command, backup_command, restore_command):
        app.cli.add_command(command)


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(path: Path) -> None:
    """Write every note (with attachments) to the zip file PATH."""
    from .services import export

    with click.progressbar(length=1, label="Exporting") as bar, open(path, "wb") as target:
        count = export.export_zip(target, progress=lambda done, total: (setattr(bar, "length", total), bar.update(1)))
    click.echo(f"Exported {count} notes to {path}.")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path) -> None:
    """Import the notes in the zip file PATH (made by export, or any zip of .md files)."""
    from .services import importer

    try:
        with click.progressbar(length=1, label="Importing") as bar:
            report = importer.import_zip(path, progress=lambda done, total: (setattr(bar, "length", total), bar.update(1)))
    except importer.ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Imported {report.created} notes and {report.attachments} attachments; "
               f"skipped {report.duplicates} already present.")
    for problem in report.problems:
        click.echo(f"  skipped: {problem}", err=True)


@click.command("seed-demo")
@with_appcontext
@click.argument("count", type=click.IntRange(1, 1_000_000))
@click.option("--seed", "seed_value", type=int, default=7, show_default=True, help="random seed (same seed, same notes)")
def seed_demo(count: int, seed_value: int) -> None:
    """Add COUNT realistic demo notes (with tags and history) to the database."""
    from .services import demo

    started = time.perf_counter()
    with click.progressbar(length=count, label="Adding notes") as bar:
        done = 0
        while done < count:
            step = min(5000, count - done)
            demo.seed(step, seed_value=seed_value + done)
            done += step
            bar.update(step)
    click.echo(f"Added {count} notes in {time.perf_counter() - started:.1f} s.")


@click.command("backup")
@click.option("--list", "list_only", is_flag=True, help="list the backups instead of making one")
@with_appcontext
def backup_command(list_only: bool) -> None:
    """Back the notes database up now (or list the backups)."""
    from .services import backups

    if list_only:
        for backup in backups.list_backups():
            click.echo(f"{backup.name}  {backup.created:%Y-%m-%d %H:%M} UTC  {do_filesizeformat(backup.size)}")
        return
    try:
        backup = backups.create()
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {backup.path}.")


@click.command("restore")
@click.argument("name", required=False)
@with_appcontext
def restore_command(name: str | None) -> None:
    """Put backup NAME (default: the latest) in place of the notes database; the current one is kept."""
    from .services import backups

    latest = backups.latest_backup()
    if name is None and latest is None:
        raise click.ClickException("there is no backup to restore")
    name = name or latest.name
    try:
        kept = backups.restore(name)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {name}. The database as it was is kept as {kept}.")
