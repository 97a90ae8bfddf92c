"""The `FLASK_APP=flasky.py` shape: a module that builds `app` with the package's factory and then
extends it (a migration tool, commands of its own), so the factory alone lacks them."""

import os

import click

from sample_apps import create_app_needing_a_config_name

app = create_app_needing_a_config_name(os.getenv("FLASK_CONFIG") or "production")


@app.cli.command()
def deploy():
    """Run deployment tasks."""
    click.echo("deployed")
