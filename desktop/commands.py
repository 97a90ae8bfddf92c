"""The developer's commands: `python -m desktop COMMAND` (and `flask desktop COMMAND`).

    init        write a [tool.desktop] table into the project's pyproject.toml
    run         run the app in its window (the default: `python -m desktop --browser` works too)
    dev         run it in developer mode (the window follows your edits)
    self-test   open the window, check it, print one JSON line
    build       a PyInstaller bundle in dist/
    package     the installers this OS can make (Linux: a per-user install, and a .deb on Debian/Ubuntu)
    keys        signing keys and the update repository (keys init, keys rotate)
    publish     build and add a signed version to the update repository
    flask       the app's own Flask commands, on the desktop data folder

Each works from the project's folder (or below it), or with --project DIR. The shipped app never
has these: its command line is the shell's (see launcher.py).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from .errors import DesktopError, UsageError

COMMANDS = ("init", "run", "dev", "self-test", "build", "package", "keys", "publish", "flask")
USAGE = __doc__.split("\n\n")[1]


def main(argv: list[str] | None = None) -> int:
    """Dispatch a developer command; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    project, args = _take_project(args)
    if args[:1] in (["-h"], ["--help"]) and len(args) == 1:
        print(f"usage: python -m desktop [--project DIR] COMMAND [ARGS]\n\ncommands:\n{USAGE}\n\n"
              "`python -m desktop run --help` lists the app's options.")
        return 0
    command = args[0] if args and args[0] in COMMANDS else "run"
    rest = args[1:] if args and args[0] == command else args
    if command in ("run", "dev", "self-test"):
        from .earlystart import start_early, wants_app

        if wants_app(rest):
            start_early()
    try:
        return _dispatch(command, rest, project)
    except DesktopError as exc:
        print(f"{command}: error: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code


def _dispatch(command: str, rest: list[str], project: Path | None) -> int:
    if command == "init":
        from .builder.init import main as init_main

        return init_main(rest, project=project)
    if command in ("keys", "publish"):
        from .builder.updatecommands import keys_command, publish_command

        return (keys_command if command == "keys" else publish_command)(rest, project=project)
    if command in ("build", "package"):
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        from .builder.commands import build_command, package_command

        return (build_command if command == "build" else package_command)(rest, project=project)
    settings = _settings(project)
    if command == "flask":
        options, rest = _leading_shell_options(rest)
        rest = [*options, "--flask", *rest]
    elif command == "dev":
        rest = ["--dev", *rest]
    elif command == "self-test":
        rest = ["--self-test", *rest]
    from .launcher import run_app

    return run_app(settings, rest)


def _settings(project: Path | None):
    from .project import load_project, make_importable

    settings = load_project(project)
    make_importable(settings)
    return settings


def _leading_shell_options(args: list[str]) -> tuple[list[str], list[str]]:
    """`flask --data-dir DIR routes`: the shell's options before the app's command are the shell's."""
    taken: list[str] = []
    while args and args[0] in ("--data-dir", "--app", "--log-level") and len(args) > 1:
        taken += args[:2]
        args = args[2:]
    return taken, args


def _take_project(args: list[str]) -> tuple[Path | None, list[str]]:
    """Remove `--project DIR` (anywhere before a lone `--`) from `args`."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--project" or arg.startswith("--project="):
            value = arg.partition("=")[2] if "=" in arg else (args[index + 1] if index + 1 < len(args) else "")
            if not value:
                raise SystemExit("error: --project needs a folder")
            folder = Path(value)
            if not folder.is_dir():
                print(f"error: --project {value}: no such folder", file=sys.stderr)
                raise SystemExit(UsageError.exit_code)
            width = 1 if "=" in arg else 2
            return folder, args[:index] + args[index + width:]
    return None, args
