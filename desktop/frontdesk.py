"""What the running app is asked from outside its window: open these files, come to the front.

Requests come from the app's own command line and from later launches (see instance.py), maybe
before the window is up: they wait until it is, then run one at a time.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

from . import applinks
from .errors import FileOpenError

log = logging.getLogger(__name__)

READY_TIMEOUT = 60.0


class Front(Protocol):
    """What shows the app: the native window, or the browser in browser mode."""

    def present(self) -> None: ...
    def show_path(self, path: str) -> None: ...
    def alert(self, message: str) -> None: ...


class Opener(Protocol):
    """What turns a file or an app link into a page of the app (the app process)."""

    def open_file(self, path: Path) -> str: ...
    def open_link(self, link: str) -> str: ...


class Frontdesk:
    """Carries out requests on a worker thread once a front is attached."""

    def __init__(self, launch: Opener) -> None:
        self._launch = launch
        self._front: Front | None = None
        self._ready = threading.Event()
        self._one_at_a_time = threading.Lock()

    def attach(self, front: Front) -> None:
        """The UI is up: requests may be carried out now."""
        self._front = front
        self._ready.set()

    def submit(self, files: list[str], *, present: bool) -> None:
        """Open `files` (and bring the app to the front if `present`), without waiting."""
        if files or present:
            threading.Thread(target=self._handle, args=(files, present), name="frontdesk", daemon=True).start()

    def _handle(self, files: list[str], present: bool) -> None:
        if not self._ready.wait(READY_TIMEOUT):
            log.warning("the app was not ready within %.0f s: dropped a request to open %s", READY_TIMEOUT, files)
            return
        with self._one_at_a_time:
            if present:
                self._front.present()
                log.info("brought the app to the front")
            for name in files:
                self._open(name)

    def _open(self, name: str) -> None:
        """A file (its path, or a file:// URL) or an app link."""
        file = applinks.as_file(name) if applinks.is_link(name) else Path(name)
        try:
            page = self._launch.open_file(file) if file is not None else self._launch.open_link(name)
        except FileOpenError as exc:
            log.warning("%s", exc)
            self._front.alert(str(exc))
            return
        log.info("opened %s: showing %s", file or "a link", page)
        self._front.show_path(page)
