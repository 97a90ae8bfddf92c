"""Windows: Edge WebView2 through pywebview's edgechromium backend."""

from __future__ import annotations

GUI = "edgechromium"


def prepare_environment() -> None:
    """Nothing to set on Windows."""


def adapt_webview() -> None:
    """Nothing to work around here."""


def close_modal_dialogs() -> None:
    """Not needed here: closing the window ends its dialogs."""


def has_display() -> bool:
    """A Windows session always has a desktop to draw on."""
    return True


def show_error_dialog(title: str, message: str) -> bool:
    """Show a MessageBox (works even when pywebview failed to load)."""
    import ctypes

    MB_ICONERROR = 0x10
    ctypes.windll.user32.MessageBoxW(None, message, title, MB_ICONERROR)
    return True
