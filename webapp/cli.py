"""Flask CLI commands: `flask --app webapp seed-demo 1000`, `export`, `import`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import with_appcontext


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(seed_demo)


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
