"""Linux: GTK 3 with WebKit2GTK 4.1 through PyGObject."""

from __future__ import annotations

import logging
import os

GUI = "gtk"

log = logging.getLogger(__name__)


def prepare_environment() -> None:
    """Turn off WebKit's DMA-BUF renderer unless the user chose: faster start, no blank windows."""
    # Measured under Xvfb: start to "loaded" about 1.0 s with it off, 1.2-1.8 s with it on; some
    # GPU drivers also show an empty window with it on.
    os.environ.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")


def has_display() -> bool:
    """An X11 or Wayland display is reachable."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def show_error_dialog(title: str, message: str) -> bool:
    """Show a GTK message dialog and wait until the user closes it."""
    if not has_display():
        return False
    try:
        import gi

        gi.require_version("Gtk", "3.0")
        from gi.repository import Gtk

        if not Gtk.init_check(None)[0]:
            return False
        dialog = Gtk.MessageDialog(
            message_type=Gtk.MessageType.ERROR, buttons=Gtk.ButtonsType.CLOSE, text=title
        )
        dialog.format_secondary_text(message)
        dialog.set_title(title)
        dialog.run()
        dialog.destroy()
        while Gtk.events_pending():
            Gtk.main_iteration()
        return True
    except Exception:  # the dialog is a courtesy: the error is in the log either way
        log.debug("could not show a GTK error dialog", exc_info=True)
        return False
