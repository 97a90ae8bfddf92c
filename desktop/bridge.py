"""The shell's side of desktop.native: what the app's calls do in the window."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from .kit import KitSettings
from .native import EXTENSION
from .notifications import Notifier

if TYPE_CHECKING:  # pragma: no cover
    from flask import Flask

    from .window import NativeWindow

log = logging.getLogger(__name__)


class NativeBridge:
    """Set as app.extensions["desktop"] when the app runs in the shell's window."""

    def __init__(self, window: NativeWindow, kit: KitSettings) -> None:
        self.window = window
        self.notifier = Notifier(kit.name, kit.icon_path())

    def attach(self, app: Flask) -> None:
        app.extensions[EXTENSION] = self

    def notify(self, title: str, body: str, *, url: str | None, only_when_away: bool = False) -> bool:
        if only_when_away and self.window.is_active():
            log.info("notification %r not shown: the window has the focus", title)
            return False

        def clicked() -> None:  # on the notifier's thread: the window's work goes on one of its own
            threading.Thread(target=self._show, args=(url,), name="notification-click", daemon=True).start()

        return self.notifier.send(title, body, on_clicked=clicked)

    def _show(self, url: str | None) -> None:
        log.info("notification clicked: the window comes to the front%s", f" at {url}" if url else "")
        self.window.present()
        if url:
            self.window.go_to(url)
