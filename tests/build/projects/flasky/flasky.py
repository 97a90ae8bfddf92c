import os

import click

from app import create_app

app = create_app(os.getenv("FLASK_CONFIG") or "default")


@app.cli.command()
def deploy():
    """Run deployment tasks."""
    click.echo("Deployed.")
