"""The shell's side of desktop.native: what the app's calls (made in the app process) do in the window."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .kit import KitSettings
from .notifications import Notifier

if TYPE_CHECKING:  # pragma: no cover
    from .window import NativeWindow

log = logging.getLogger(__name__)


class NativeBridge:
    """Carries out the app's desktop.native calls on the window (see appprocess_main.RemoteShell)."""

    def __init__(self, window: NativeWindow, kit: KitSettings) -> None:
        self.window = window
        self.notifier = Notifier(kit.name, kit.icon_path())

    def handlers(self) -> dict:
        """The calls the app process may make (see appprocess_main.RemoteShell), by name."""

        def open_dialog(kind: str, directory: str | None, file_types: list[str], save_name: str,
                        multiple: bool) -> list[str]:
            chosen = self.open_dialog(kind, directory=Path(directory) if directory else None,
                                      file_types=tuple(file_types), save_name=save_name, multiple=multiple)
            return [str(path) for path in chosen]

        return {"notify": self.notify, "open_dialog": open_dialog}

    def notify(self, title: str, body: str, *, url: str | None, only_when_away: bool = False) -> bool:
        if only_when_away and self.window.is_active():
            log.info("notification %r not shown: the window has the focus", title)
            return False

        def clicked() -> None:  # on the notifier's thread: the window's work goes on one of its own
            threading.Thread(target=self._show, args=(url,), name="notification-click", daemon=True).start()

        return self.notifier.send(title, body, on_clicked=clicked)

    def open_dialog(self, kind: str, *, directory: Path | None, file_types: tuple[str, ...], save_name: str,
                    multiple: bool) -> list[Path]:
        import webview

        dialog_type = {"open": webview.FileDialog.OPEN, "save": webview.FileDialog.SAVE,
                       "folder": webview.FileDialog.FOLDER}[kind]
        window = self.window.native_window
        if window is None or self.window.closed.is_set():
            return []
        self.window.present()  # the dialog belongs over the window the user is looking at
        chosen = window.create_file_dialog(dialog_type, str(directory or ""), multiple, save_name, file_types)
        if not chosen:
            log.info("the %s dialog was cancelled", kind)
            return []
        paths = [Path(chosen)] if isinstance(chosen, str) else [Path(path) for path in chosen]
        log.info("the %s dialog chose %d path(s)", kind, len(paths))  # which ones stays the user's business
        return paths

    def _show(self, url: str | None) -> None:
        log.info("notification clicked: the window comes to the front%s", f" at {url}" if url else "")
        self.window.present()
        if url:
            self.window.go_to(url)
