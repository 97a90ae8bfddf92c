"""A kiosk's files on GTK: no file chooser unless the operator allows it, downloads into one folder or none.

WebKitGTK answers `<input type=file>` with GTK's file chooser (Home, hidden files, Ctrl+L for any
path) and pywebview answers a download with GTK's save dialog: at a public screen either one
hands the visitor the whole file system. In kiosk mode both go through this policy instead,
as do the app's own `desktop.native.open_dialog` calls (pywebview's `create_file_dialog`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


def restrict_kiosk_files(*, file_dialogs: bool, downloads: str) -> None:
    """From now on, in this process: file dialogs only if `file_dialogs`; downloads saved into
    the folder `downloads` without a dialog, or refused when it is ""."""
    from webview.platforms import gtk as pywebview_gtk

    view = pywebview_gtk.BrowserView
    if getattr(view, "_kiosk_files", False):
        return
    original_init, original_dialog = view.__init__, view.create_file_dialog

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.webview.connect("run-file-chooser", on_file_chooser)

    def on_file_chooser(_view, request) -> bool:
        if file_dialogs:
            return False  # WebKit shows its chooser
        log.info("kiosk mode: a page asked for the file chooser: refused ([kiosk] file_dialogs is false)")
        request.cancel()
        return True

    def create_file_dialog(self, *args, **kwargs):
        if file_dialogs:
            return original_dialog(self, *args, **kwargs)
        log.info("kiosk mode: a file dialog was refused ([kiosk] file_dialogs is false)")
        return None

    def on_download_decide_destination(self, download, suggested_filename) -> bool:
        if not downloads:
            log.info("kiosk mode: a download was refused ([kiosk] downloads names no folder)")
            download.cancel()
            return True
        try:
            destination = free_name(Path(downloads), suggested_filename)
        except OSError as exc:
            log.warning("kiosk mode: a download was refused: the downloads folder %s can't be used (%s)",
                        downloads, exc.strerror or exc)
            download.cancel()
            return True
        log.info("kiosk mode: downloading into %s", destination)
        download.set_destination(pywebview_gtk.glib.filename_to_uri(str(destination)))
        return True

    view.__init__ = init
    view.create_file_dialog = create_file_dialog
    view.on_download_decide_destination = on_download_decide_destination
    view._kiosk_files = True


def free_name(folder: Path, suggested: str) -> Path:
    """A path in `folder` for a file the page calls `suggested`, taken by no file yet: the name
    without any folder part, "download" if that leaves nothing, then "name (2).ext" and so on."""
    folder.mkdir(parents=True, exist_ok=True)
    name = os.path.basename((suggested or "").replace("\\", "/")).strip().lstrip(".") or "download"
    stem, dot, extension = name.rpartition(".")
    if not stem:
        stem, dot, extension = name, "", ""
    candidate, number = folder / name, 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{stem} ({number}){dot}{extension}"
    return candidate
