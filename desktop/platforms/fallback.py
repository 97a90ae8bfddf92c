"""Any other OS: let pywebview pick, and report errors on the console only."""

from __future__ import annotations

GUI = None


def prepare_environment() -> None:
    """Nothing known to set."""


def adapt_webview() -> None:
    """Nothing to work around here."""


def close_modal_dialogs() -> None:
    """Not needed here: closing the window ends its dialogs."""


def has_display() -> bool:
    """Assume a display; pywebview will say if there is none."""
    return True


def show_error_dialog(title: str, message: str) -> bool:
    """No native dialog here."""
    return False
