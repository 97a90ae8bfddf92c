"""The app's own entry point: what the shipped executable (and `python -m desktop run`) runs.

This is the edge: logging is configured here, and errors become a clear message (console line,
native dialog naming the log file) and an exit code. Its command line is the shell's options and
files to open, never the builder's commands.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from pathlib import Path

from . import platforms
from .errors import DesktopError, RelaunchRequested, SelfTestFailed
from .kit import KitSettings

log = logging.getLogger("desktop")

NO_DIALOG_ENV = "DESKTOP_NO_DIALOG"


def main(argv: list[str] | None = None) -> int:
    """The frozen app: run with the settings the bundle carries."""
    from .earlystart import is_app_process, start_early, wants_app

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--finish-update"]:  # Windows: this staged update switches the install (updatehandover.py)
        from .updatehandover import finish_update
        from .updateinstall import self_test

        return finish_update(args[1:], self_test=self_test)
    if is_app_process():  # started by the window process to serve the app (see appprocess.py)
        from .appprocess_main import main as app_process_main

        return app_process_main()
    from .kit import load_bundled_settings

    settings = load_bundled_settings()
    if settings is not None and wants_app(sys.argv[1:] if argv is None else argv):
        start_early()  # a no-op when the bundle's entry script has already done it
    if settings is None:  # the launcher run from source: behave like `python -m desktop run`
        from .__main__ import main as developer_main

        return developer_main(["run", *(sys.argv[1:] if argv is None else argv)])
    return run_app(settings, argv)


def run_app(kit: KitSettings, argv: list[str] | None = None) -> int:
    """Run the shell for `kit` with the app's command line `argv`; return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    platforms.current().prepare_console()  # a windowed Windows build: print to the console it came from
    # Start-up imports (Flask, SQLAlchemy, GTK) build many objects and set off the cyclic GC
    # again and again: pausing it until the app is served cuts those imports by about a fifth.
    # AppLaunch re-enables it.
    gc.disable()
    log_file = None
    headless = "--self-test" in args
    try:
        from .cli import parse_args
        from .logs import configure_logging
        from .paths import resolve_paths

        options, paths_only = parse_args(kit, args)
        headless = options.self_test or options.flask is not None
        paths = resolve_paths(kit.name, options.data_dir)
        if paths_only:
            for label in ("data", "config", "logs", "cache"):
                print(f"{label:7}{getattr(paths, label)}")
            return 0
        paths.create()
        log_file = paths.log_file
        configure_logging(log_file, options.log_level or "INFO")
        log.info("starting %s %s (pid %d, python %s)", kit.name, kit.version, os.getpid(), sys.version.split()[0])
        if options.set_kiosk_pin:
            from .config import load_instance_config
            from .kioskpin import hash_pin, read_new_pin, store_pin_hash

            load_instance_config(paths.config_file, kit.name)  # writes the commented default first
            store_pin_hash(paths.config_file, hash_pin(read_new_pin(sys.stdin)))
            print(f"The kiosk exit PIN is set (hashed in {paths.config_file}).")
            return 0
        if options.flask is not None:
            gc.enable()
            from .appcli import run_flask_cli

            return run_flask_cli(kit, paths, options.app, options.flask)
        if options.check_updates:
            return check_updates_now(kit, paths)
        if not options.self_test and apply_staged_update(kit, paths, options) == "handed-over":
            return 0  # the staged version switches the install once this process has gone, then starts

        from .app import run

        return exit_cleanly(run(kit, paths, options))
    except RelaunchRequested:
        return relaunch(args)
    except SelfTestFailed as exc:
        log.error("%s", exc)
        return exc.exit_code
    except DesktopError as exc:
        log.error("%s", exc)
        report(kit, str(exc), log_file, show_dialog=not headless)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: log it whole, tell the user plainly
        log.critical("unexpected error during start-up", exc_info=True)
        if log_file is None:
            import traceback

            traceback.print_exc()
        report(kit, f"unexpected error: {type(exc).__name__}: {exc}", log_file, show_dialog=not headless)
        return getattr(os, "EX_SOFTWARE", 70)


def check_updates_now(kit: KitSettings, paths) -> int:
    """--check-updates: one check, download and stage, said on the console; 0 unless it failed."""
    from .updateservice import UpdateService

    service = UpdateService(kit, paths, notify=lambda status: None)
    status = service.check_now(asked=True)
    state = status["state"]
    print({"ready": f"{kit.name} {status.get('version')} is downloaded and verified: it applies at the next start.",
           "none": status.get("message", "no update"), "managed": status.get("message", ""),
           "error": f"update failed: {status.get('message', '')}"}.get(state, state), flush=True)
    return 1 if state == "error" else 0


def apply_staged_update(kit: KitSettings, paths, options) -> str:
    """At start: a staged update replaces this version if it passes its own self-test; then this
    process becomes the new version. If it fails, the old version is put back and starts.
    On Windows the staged version does the switch once this process is gone ("handed-over")."""
    from .updateinstall import apply_staged, discard_leftovers, install_dir, self_test, staged_version

    folder = install_dir()
    if folder is None:
        return "none"
    discard_leftovers(folder)
    if staged_version(folder) is None:
        return "none"
    # Only with an update staged: the rest stays off every other start's path.
    from .instance import InstanceLock
    from .updatehandover import hand_over_to_staged, switches_from_outside

    running = InstanceLock(paths.data, kit.name)
    if not running.acquire():  # a second launch (a file opened, a link): the running one applies it later
        log.info("an update is staged; it applies when %s next starts on its own", kit.name)
        return "none"
    running.release()
    executable = Path(sys.executable).resolve().relative_to(folder)  # X, or Contents/MacOS/X in a .app
    data_args = ["--data-dir", options.data_dir] if options.data_dir else []
    if switches_from_outside():
        hand_over_to_staged(folder, executable, sys.argv[1:], data_args, paths.log_file)
        return "handed-over"
    outcome = apply_staged(folder, executable, lambda exe: self_test(exe, data_args))
    if outcome == "applied":
        new = str(folder / executable)
        log.info("starting the updated version")
        logging.shutdown()
        os.execv(new, [new, *sys.argv[1:]])
    return outcome


def relaunch(args: list[str]) -> int:
    """Start this app again with the same arguments (a staged update applies on the way)."""
    if not getattr(sys, "frozen", False):
        log.info("a restart was asked for; from source, start it again yourself")
        return 0
    log.info("restarting to apply the update")
    logging.shutdown()
    os.execv(sys.executable, [sys.executable, *args])
    return 0  # not reached


LINGER_SECONDS = 1.0


def exit_cleanly(code: int) -> int:
    """The shell has shut down in order (window, server, database, lock): a thread still running
    that is not a daemon (a toolkit's or a library's) would keep the process alive with no window,
    and the next launch would find it "already running". Give such threads a moment, then end the
    process anyway, naming them in the log."""
    deadline = time.monotonic() + LINGER_SECONDS
    lingering = []
    for thread in threading.enumerate():
        if thread is threading.current_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            lingering.append(thread.name)
    if not lingering:
        return code
    log.warning("threads still running after shutdown: %s; ending the process anyway", ", ".join(lingering))
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(code)


def report(kit: KitSettings, message: str, log_file, *, show_dialog: bool) -> None:
    """Tell the user what went wrong: on the console when there is one, else in a dialog."""
    detail = message + (f"\n\nDetails are in the log file:\n{log_file}" if log_file else "")
    if sys.stderr is not None:
        print(f"{kit.name}: error: {detail}", file=sys.stderr, flush=True)
    interactive = sys.stderr is not None and sys.stderr.isatty()
    if show_dialog and not interactive and not os.environ.get(NO_DIALOG_ENV):
        platforms.current().show_error_dialog(f"{kit.name} could not start", detail)
