"""The hosted app's own Flask CLI, run against the desktop data folder.

`flask --app myapp backup` acts on the source tree's instance/ folder; the user's real data lives
in the desktop user folders. `python -m desktop flask backup` (from source) and `MyApp --flask
backup` (the shipped app) build the app exactly as the shell does, then hand it to Flask's CLI.
`invoke_app_cli` is the one way the kit runs an app's command (the first-run commands use it too).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from .config import load_instance_config
from .host import load_flask_app
from .kit import KitSettings
from .launch import flask_config, prepare_process
from .logs import restore_shell_logging
from .migrate import fix_migrations_directory
from .paths import AppPaths

log = logging.getLogger(__name__)


def run_flask_cli(kit: KitSettings, paths: AppPaths, spec: str, args: list[str]) -> int:
    """Run `flask ARGS` for the app `spec` on the desktop data; return the exit code."""
    from click import ClickException
    from click.exceptions import Abort

    instance = load_instance_config(paths.config_file, kit.name)
    prepare_process(kit, paths)
    app = load_flask_app(spec, config=flask_config(kit, paths, instance), instance_path=paths.data)
    fix_migrations_directory(app, kit)
    log.info("running the app's Flask CLI: flask %s", " ".join(args))
    try:
        return invoke_app_cli(app, args, prog_name=f"{kit.slug} --flask",
                              help=f"The Flask commands of {kit.name}, on its desktop data.")
    except ClickException as exc:  # click's own errors (unknown command, bad option) explain themselves
        exc.show()
        return exc.exit_code
    except Abort:
        print("Aborted!", flush=True)
        return 1


def invoke_app_cli(app, args: Sequence[str], *, prog_name: str, help: str | None = None) -> int:
    """Run the command `args` of `app`'s Flask CLI (entry-point commands like Flask-Migrate's `db`
    included); return its exit code.

    Click's errors (ClickException: unknown command, bad option; Abort) and the command's own
    exceptions propagate. While it runs, the app's logging set-up is in force (`flask db upgrade`
    shows Alembic's progress on the console, as it would with `flask`); afterwards the shell's
    logging is put back. Wrap it in `logs.shell_logging_kept()` to keep the shell's log throughout.
    """
    from flask.cli import FlaskGroup

    class AppCli(FlaskGroup):
        def invoke(self, ctx):
            super().invoke(ctx)
            return None  # as with `flask`, what a command returns is not an exit code; ctx.exit(n) is

    group = AppCli(create_app=lambda: app, add_version_option=False, load_dotenv=False,
                   set_debug_flag=False, help=help)
    run_from_cli = os.environ.get("FLASK_RUN_FROM_CLI")  # FlaskGroup sets it for the process
    try:
        code = group.main(args=list(args), prog_name=prog_name, standalone_mode=False)
    except SystemExit as exc:  # the command's own sys.exit()
        code = exc.code
        if code is not None and not isinstance(code, int) and sys.stderr is not None:
            print(code, file=sys.stderr, flush=True)  # sys.exit("message"), as Python would
    finally:
        if run_from_cli is None:
            os.environ.pop("FLASK_RUN_FROM_CLI", None)
        else:
            os.environ["FLASK_RUN_FROM_CLI"] = run_from_cli
        restore_shell_logging()
    return exit_code(code)


def exit_code(code: object) -> int:
    """The process exit code `sys.exit(code)` would give."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1  # sys.exit("message")
