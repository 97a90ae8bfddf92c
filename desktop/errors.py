"""The shell's one exception root. Each error carries the exit code the process ends with."""

from __future__ import annotations

import os


class DesktopError(Exception):
    """An expected failure, reported to the user as a clear message (no traceback)."""

    exit_code = 1


class UsageError(DesktopError):
    """Bad command-line options or environment."""

    exit_code = getattr(os, "EX_USAGE", 64)


class ConfigError(DesktopError):
    """The kit settings ([tool.desktop]) are missing or invalid."""

    exit_code = getattr(os, "EX_CONFIG", 78)


class AppLoadError(DesktopError):
    """The hosted Flask app could not be imported or created."""

    exit_code = getattr(os, "EX_SOFTWARE", 70)


class DataDirError(DesktopError):
    """A user directory could not be created or written."""

    exit_code = getattr(os, "EX_CANTCREAT", 73)


class DisplayError(DesktopError):
    """No native window can be shown (no display, or no GUI backend)."""

    exit_code = getattr(os, "EX_UNAVAILABLE", 69)


class FileOpenError(DesktopError):
    """A file the user opened with the app could not be opened (the app keeps running)."""

    exit_code = getattr(os, "EX_DATAERR", 65)


class AlreadyRunning(DesktopError):
    """Another launch owns this data folder and did not take over this launch's request."""

    exit_code = getattr(os, "EX_TEMPFAIL", 75)


class SelfTestFailed(DesktopError):
    """The self-test ran but a check failed (its JSON line says which)."""

    exit_code = 1


class RelaunchRequested(Exception):
    """Not a failure: the user chose "Restart now" for a staged update (or a kiosk reached its
    update hour). The launcher starts the app again once everything has shut down, which applies
    the update."""


def sentence(text: str) -> str:
    """`text` ending in one full stop: a reason that brings its own is not given a second."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def describe(exc: BaseException) -> str:
    """What to tell the user of `exc`: our own errors say it all; others name their type too."""
    return str(exc) if isinstance(exc, DesktopError) else f"{type(exc).__name__}: {exc}"
