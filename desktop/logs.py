"""Logging set-up, called once from the entry point (never at import).

Everything goes to a rotating file in the log dir. A console handler is added only when there is
a console: windowed and frozen builds have sys.stderr set to None.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"


def configure_logging(log_file: Path | None, level: str = "INFO", *, access_log: bool = False) -> None:
    """Send the root logger to `log_file` (rotating) and to stderr when there is one."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    if log_file is not None:
        file_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True
        )
        file_handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(file_handler)
    if sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console.setLevel(logging.WARNING)  # the file has the detail; the console only problems
        root.addHandler(console)
    # Werkzeug logs every request at INFO; that is noise unless asked for.
    logging.getLogger("werkzeug").setLevel(logging.INFO if access_log else logging.WARNING)
    # pywebview logs its own start-up chatter at INFO.
    logging.getLogger("pywebview").setLevel(logging.WARNING if level != "DEBUG" else logging.DEBUG)
    logging.captureWarnings(True)


def set_level(level: str, *, access_log: bool = False) -> None:
    """Change the level once the instance config is known."""
    logging.getLogger().setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.INFO if access_log else logging.WARNING)


def tell(message: str) -> None:
    """Tell the person at the console (and the log)."""
    logging.getLogger("desktop").info(message)
    print_line(message)


def print_line(line: str) -> None:
    """Print a line on stdout, if there is one (windowed builds have none)."""
    if sys.stdout is not None:
        print(line, flush=True)
