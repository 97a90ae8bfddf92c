"""Logging set-up, called once from the entry point (never at import).

Everything goes to a rotating file in the log dir. A console handler is added only when there is
a console: windowed and frozen builds have sys.stderr set to None.

The hosted app may reconfigure logging behind the shell's back: a standard Flask-Migrate env.py
runs Alembic's `logging.config.fileConfig`, which closes and removes the root handlers, sets the
root level to WARN and disables every logger it doesn't name. `restore_shell_logging()` undoes
that once the app's code has run (after the start-up steps, after a Flask CLI command).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import logging.handlers
import sys
import time
from collections.abc import Iterator
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
CONSOLE_FORMAT = "%(levelname)s %(name)s: %(message)s"

# Loggers the shell writes to or sets up itself: re-enabled after an app's fileConfig.
SHELL_LOGGERS = ("desktop", "werkzeug", "pywebview", "py.warnings")

# What configure_logging / set_level installed, for restore_shell_logging.
_shell_handlers: list[logging.Handler] = []
_guest_handlers: list[logging.Handler] = []  # kept like the shell's while a shell_logging_kept() block runs
_shell_levels: dict[str, int | str] = {}


def configure_logging(log_file: Path | None, level: str = "INFO", *, access_log: bool = False,
                      console_level: str | int = logging.WARNING, console_format: str = CONSOLE_FORMAT) -> None:
    """Send the root logger to `log_file` (rotating) and to stderr when there is one (the app
    process logs everything there: the window process writes it into the log file)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    _shell_handlers.clear()
    root.setLevel(level)
    if log_file is not None:
        file_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True
        )
        file_handler.setFormatter(logging.Formatter(FORMAT))
        file_handler.addFilter(RepeatLimit())  # a flood of one error must not rotate the earlier log away
        root.addHandler(file_handler)
        _shell_handlers.append(file_handler)
    if sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(console_format))
        console.setLevel(console_level)  # the file has the detail; by default the console only problems
        console.addFilter(RepeatLimit())
        root.addHandler(console)
        _shell_handlers.append(console)
    _set_levels({
        "": level,
        # Werkzeug logs every request at INFO; that is noise unless asked for.
        "werkzeug": logging.INFO if access_log else logging.WARNING,
        # pywebview logs its own start-up chatter at INFO.
        "pywebview": logging.WARNING if level != "DEBUG" else logging.DEBUG,
    })
    logging.getLogger("pywebview").addFilter(_PAGE_MOVED_ON)  # a set: adding it again changes nothing
    logging.captureWarnings(True)


class RepeatLimit(logging.Filter):
    """At most `limit` records of one kind (logger, level, message template) a minute: another
    program opening a thousand connections, or a page retrying a failing request, would otherwise
    write the same line until the rotating log has pushed out everything that came before it."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        super().__init__()
        self.limit, self.window = limit, window
        self._seen: dict[tuple, list] = {}  # kind -> [window start, count]

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        kind = (record.name, record.levelno, str(record.msg)[:200])
        entry = self._seen.get(kind)
        if entry is None or now - entry[0] >= self.window:
            if len(self._seen) > 1000:  # many kinds, each seen rarely: start over
                self._seen.clear()
            dropped = entry[1] - self.limit if entry is not None and entry[1] > self.limit else 0
            self._seen[kind] = [now, 1]
            if dropped:
                record.msg = f"{record.msg} (and {dropped} more like it in the last minute, left out)"
            return True
        entry[1] += 1
        if entry[1] == self.limit:
            record.msg = f"{record.msg} (more like it in the next minute are left out)"
        return entry[1] <= self.limit


class _PageMovedOnFilter(logging.Filter):
    """pywebview gives each loaded page its bridge in two scripts, from a thread; when the user has
    already gone on to the next page in between (Ctrl+N right as the list shows), the second runs in
    the new page and fails with "window.pywebview._createApi" undefined. Nothing is lost (the new
    page gets its own bridge when it loads), so that is a debug line, not an error in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or "window.pywebview._createApi" not in record.getMessage():
            return True
        if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
            return False
        record.levelno, record.levelname, record.exc_info, record.exc_text = logging.DEBUG, "DEBUG", None, None
        return True


_PAGE_MOVED_ON = _PageMovedOnFilter()


def set_level(level: str, *, access_log: bool = False) -> None:
    """Change the level once the instance config is known."""
    _set_levels({"": level, "werkzeug": logging.INFO if access_log else logging.WARNING})


def _set_levels(levels: dict[str, int | str]) -> None:
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)
        _shell_levels[name] = level


def restore_shell_logging() -> None:
    """Undo what the app's own logging set-up did to the shell's log.

    If any handler configure_logging installed is gone from the root logger (Alembic's fileConfig
    closes and removes them), the root logger gets the shell's handlers back in place of the ones
    it has now (fileConfig's own console handler would print every INFO line on the console). The
    levels the shell set come back, and the shell's loggers (`desktop`, `desktop.*`, `werkzeug`,
    ...) are enabled again. A closed file handler reopens its file on the next record.
    """
    root = logging.getLogger()
    ours = [*_shell_handlers, *_guest_handlers]
    if any(handler not in root.handlers for handler in ours):
        for handler in list(root.handlers):
            if handler not in ours:
                root.removeHandler(handler)
        for handler in ours:
            if handler not in root.handlers:
                root.addHandler(handler)
    for name, level in _shell_levels.items():
        logging.getLogger(name or None).setLevel(level)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and _is_shell_logger(name):
            logger.disabled = False


@contextlib.contextmanager
def shell_logging_kept(*extra: logging.Handler) -> Iterator[None]:
    """While inside, `logging.config.fileConfig` and `dictConfig` (as an app's Alembic env.py calls
    them) are followed at once by `restore_shell_logging()`: what the app's code logs next (the
    migration steps) still reaches the shell's log file, not a console handler of its own.

    `extra` handlers sit on the root logger for the block, kept there like the shell's own.
    """
    import logging.config  # not at start-up: only an app's code needs it

    root = logging.getLogger()
    for handler in extra:
        _guest_handlers.append(handler)
        root.addHandler(handler)
    originals = {name: getattr(logging.config, name) for name in ("fileConfig", "dictConfig")}

    def followed_by_restore(configure):
        @functools.wraps(configure)
        def configure_then_restore(*args, **kwargs):
            try:
                return configure(*args, **kwargs)
            finally:
                restore_shell_logging()

        return configure_then_restore

    for name, configure in originals.items():
        setattr(logging.config, name, followed_by_restore(configure))
    try:
        yield
    finally:
        for name, configure in originals.items():
            setattr(logging.config, name, configure)
        restore_shell_logging()
        for handler in extra:
            _guest_handlers.remove(handler)
            root.removeHandler(handler)


def _is_shell_logger(name: str) -> bool:
    return any(name == shell or name.startswith(shell + ".") for shell in SHELL_LOGGERS)


def tell(message: str) -> None:
    """Tell the person at the console (and the log)."""
    logging.getLogger("desktop").info(message)
    print_line(message)


def print_line(line: str) -> None:
    """Print a line on stdout, if there is one (windowed builds have none)."""
    if sys.stdout is not None:
        print(line, flush=True)
