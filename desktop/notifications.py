"""Desktop notifications, through desktop-notifier: the freedesktop Notifications service over
D-Bus on Linux, toasts on Windows, the notification centre on macOS.

desktop-notifier is asyncio-based: its loop runs on a thread of its own for as long as the app,
so a click on a notification reaches the shell while the window's loop runs. Sending never
raises: a desktop with no notification service logs a warning and shows nothing.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

SEND_TIMEOUT = 5.0


class Notifier:
    """Sends notifications for one app (its name and icon), starting the machinery on first use."""

    def __init__(self, app_name: str, icon: Path | None = None) -> None:
        self.app_name = app_name
        self.icon = icon
        self._loop: Any = None  # asyncio's loop, made on first use (asyncio is not imported at start)
        self._notifier: Any = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        import asyncio

        from desktop_notifier import DesktopNotifier, Icon

        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="notifications", daemon=True).start()
        icon = Icon(path=self.icon) if self.icon is not None else None
        self._notifier = DesktopNotifier(app_name=self.app_name, app_icon=icon)

    def send(self, title: str, body: str, on_clicked: Callable[[], None] | None = None) -> bool:
        """Show a notification; `on_clicked` runs (on the notifier's thread) if the user clicks it."""
        with self._lock:
            if self._loop is None:
                try:
                    self._start()
                except Exception:  # noqa: BLE001 - no backend here: notifications are a nicety
                    log.warning("notifications are not available here", exc_info=True)
                    return False
        import asyncio

        sending = self._notifier.send(title=title, message=body, on_clicked=on_clicked)
        future = asyncio.run_coroutine_threadsafe(sending, self._loop)
        try:
            future.result(SEND_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - a missing or slow service: say so, go on
            log.warning("the notification %r could not be shown: %s", title, exc)
            return False
        log.info("notification shown: %s", title)
        return True
