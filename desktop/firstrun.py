"""First-run commands: the app's own Flask CLI commands, run once per data folder.

`first_run = ["init-db"]` in [tool.desktop] runs `flask init-db` (on the desktop data) the first
time the app starts with a data folder, before it is served: what a developer types once after
cloning, done for the user. Each command is recorded in `<data>/.desktop-first-run.json` once it
has succeeded; a failed command is not, so the next start tries it again (and the app does not
start this time: the window explains why). The commands' output goes to the log.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shlex
import time
from pathlib import Path

from .errors import AppLoadError
from .kit import KitSettings
from .logs import shell_logging_kept
from .paths import AppPaths

log = logging.getLogger(__name__)

RECORD_FILE = ".desktop-first-run.json"  # in the user data folder


def run_first_run(app, settings: KitSettings, paths: AppPaths) -> None:
    """Run the `first_run` commands not yet run for this data folder; raise AppLoadError if one fails."""
    if not settings.first_run:
        return
    record = paths.data / RECORD_FILE
    done = read_record(record)
    for command in settings.first_run:
        if command in done:
            continue
        try:
            args = shlex.split(command)
        except ValueError as exc:
            raise AppLoadError(f"[tool.desktop] first_run command {command!r} cannot be read: {exc}") from exc
        if not args:
            continue
        log.info("first run: flask %s", command)
        started = time.monotonic()
        _run(app, settings, command, args)
        log.info("first run: flask %s done in %.1f s", command, time.monotonic() - started)
        done[command] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        write_record(record, done)


def _run(app, settings: KitSettings, command: str, args: list[str]) -> None:
    """Run one command, its output into the log; AppLoadError if it fails."""
    from click import ClickException
    from click.exceptions import Abort

    from .appcli import invoke_app_cli  # not at import: appcli imports the launch module

    output = io.StringIO()
    errors = _LastError()  # what the command logged before it gave up (Flask-Migrate logs, then exits)
    failure = None
    try:
        # No console to answer a prompt: one reads end-of-input and gives up (click's Abort).
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output), _no_stdin(), \
                shell_logging_kept(errors):
            code = invoke_app_cli(app, args, prog_name=f"{settings.slug} --flask")
        if code != 0:
            failure = f"it exited with code {code}"
            if errors.message:
                failure += f" ({errors.message})"
    except ClickException as exc:
        failure = exc.format_message()
    except Abort:
        failure = "it asked a question, and there is nobody to answer it at start-up"
    except Exception as exc:  # noqa: BLE001 - the app's own error, reported with its traceback
        log.error("first run: flask %s failed", command, exc_info=True)
        failure = f"{type(exc).__name__}: {exc}"
    finally:
        _log_output(command, output.getvalue())
    if failure is not None:
        last = _last_line(output.getvalue())
        detail = f" (its last output: {last})" if last and last not in failure else ""
        raise AppLoadError(f"the first-run command 'flask {command}' failed: {failure}{detail}. "
                           "It runs again at the next start.")


class _LastError(logging.Handler):
    """Keeps the message of the last error logged."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.message = ""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            lines = record.getMessage().strip().splitlines()
        except Exception:  # noqa: BLE001 - a log call with bad arguments
            self.handleError(record)
            return
        if lines:
            self.message = lines[0]


@contextlib.contextmanager
def _no_stdin():
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO()
    try:
        yield
    finally:
        sys.stdin = saved


def _log_output(command: str, text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            log.info("flask %s: %s", command, line.rstrip())


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def read_record(record: Path) -> dict[str, str]:
    """The commands already run in this data folder (command -> when)."""
    try:
        text = record.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AppLoadError(f"cannot read {record}: {exc.strerror}") from exc
    try:
        data = json.loads(text)
        completed = data["completed"]
        if not isinstance(completed, dict) or not all(isinstance(key, str) for key in completed):
            raise TypeError("'completed' is not a table of commands")
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        # Running the commands again could wipe the data (an init-db often starts afresh): ask.
        raise AppLoadError(f"{record} is damaged ({exc}). It lists the first-run commands already run "
                           "on this data; delete it to run them all again, or repair it.") from exc
    return {key: str(value) for key, value in completed.items()}


def write_record(record: Path, done: dict[str, str]) -> None:
    """Write the record atomically (a temporary file, then a rename over the old one)."""
    partial = record.with_name(record.name + ".tmp")
    try:
        with open(partial, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"completed": done}, indent=2) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, record)
    except OSError as exc:
        raise AppLoadError(f"cannot record the first-run commands in {record}: {exc.strerror}") from exc
