"""`flask desktop ...`: the kit's commands as a Flask CLI group, the way Flask-Migrate adds `flask db`.

Registered through the `flask.commands` entry point, so any project with the kit installed has
`flask --app yourapp desktop init|run|dev|self-test|build|package|flask`. Each hands over to the
same code as `python -m desktop COMMAND`; `init` takes the app from Flask's own `--app`.
"""

from __future__ import annotations

import click

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@click.group("desktop", help="Ship this Flask app as a desktop application (flask-desktop).")
def cli() -> None:
    """The group; each sub-command is a thin door to desktop.commands."""


def _door(name: str, help_text: str) -> None:
    @cli.command(name, help=help_text, context_settings=PASS_THROUGH)
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    @click.pass_context
    def command(ctx: click.Context, args: tuple[str, ...]) -> None:
        from .commands import main

        argv = list(args)
        if name == "init" and "--app" not in argv:
            import_path = getattr(ctx.find_object(_script_info_class()), "app_import_path", None)
            if import_path:
                argv = ["--app", import_path, *argv]
        ctx.exit(main([name, *argv]))


def _script_info_class():
    from flask.cli import ScriptInfo

    return ScriptInfo


for _name, _help in (
    ("init", "Write a [tool.desktop] table for this app into pyproject.toml."),
    ("run", "Run the app in its native window (options: run --help)."),
    ("dev", "Run it in developer mode: the window follows your edits."),
    ("self-test", "Open the window, check the app, print one JSON line."),
    ("build", "Build the PyInstaller bundle in dist/ (--onefile for one file)."),
    ("package", "Make this OS's installers in dist/ (Linux: a per-user install and a .deb)."),
    ("keys", "Signing keys and the update repository: keys init, keys rotate."),
    ("publish", "Build and add a signed version to the update repository."),
    ("flask", "Run one of the app's Flask commands on the desktop data folder."),
):
    _door(_name, _help)
