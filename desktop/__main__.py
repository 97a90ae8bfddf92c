"""Entry point: `python -m desktop`, the console script, and the frozen executable.

This is the edge: logging is configured here, and errors become a clear message (console line,
native dialog naming the log file) and an exit code.
"""

from __future__ import annotations

import gc
import logging
import os
import sys

from . import platforms
from .errors import DesktopError, SelfTestFailed
from .kit import KitSettings, load_kit_settings

log = logging.getLogger("desktop")

NO_DIALOG_ENV = "DESKTOP_NO_DIALOG"


def main(argv: list[str] | None = None) -> int:
    """Run the shell and return its exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["build"]:  # python -m desktop build: packaging, not the app
        return _run_build(args[1:])
    # Start-up imports (Flask, SQLAlchemy, GTK) build many objects and set off the cyclic GC
    # again and again: pausing it until the app is served cuts those imports by about a fifth.
    # AppLaunch re-enables it.
    gc.disable()
    kit = KitSettings()
    log_file = None
    headless = "--self-test" in (argv if argv is not None else sys.argv[1:])
    try:
        from .cli import parse_args
        from .logs import configure_logging
        from .paths import resolve_paths

        kit = load_kit_settings()
        options, paths_only = parse_args(kit, argv)
        headless = options.self_test
        paths = resolve_paths(kit.name, options.data_dir)
        if paths_only:
            for label in ("data", "config", "logs", "cache"):
                print(f"{label:7}{getattr(paths, label)}")
            return 0
        paths.create()
        log_file = paths.log_file
        configure_logging(log_file, options.log_level or "INFO")
        log.info("starting %s %s (pid %d, python %s)", kit.name, kit.version, os.getpid(), sys.version.split()[0])

        from .app import run

        return run(kit, paths, options)
    except SelfTestFailed as exc:
        log.error("%s", exc)
        return exc.exit_code
    except DesktopError as exc:
        log.error("%s", exc)
        _report(kit, str(exc), log_file, show_dialog=not headless)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: log it whole, tell the user plainly
        log.critical("unexpected error during start-up", exc_info=True)
        if log_file is None:
            import traceback

            traceback.print_exc()
        _report(kit, f"unexpected error: {type(exc).__name__}: {exc}", log_file, show_dialog=not headless)
        return getattr(os, "EX_SOFTWARE", 70)


def _run_build(argv: list[str]) -> int:
    from .build import main as build_main

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return build_main(argv)
    except DesktopError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return exc.exit_code


def _report(kit: KitSettings, message: str, log_file, *, show_dialog: bool) -> None:
    """Tell the user what went wrong: on the console when there is one, else in a dialog."""
    detail = message + (f"\n\nDetails are in the log file:\n{log_file}" if log_file else "")
    if sys.stderr is not None:
        print(f"{kit.name}: error: {detail}", file=sys.stderr, flush=True)
    interactive = sys.stderr is not None and sys.stderr.isatty()
    if show_dialog and not interactive and not os.environ.get(NO_DIALOG_ENV):
        platforms.current().show_error_dialog(f"{kit.name} could not start", detail)


if __name__ == "__main__":
    sys.exit(main())
