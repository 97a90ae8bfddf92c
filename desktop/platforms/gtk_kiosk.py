"""A kiosk's web view on GTK: no file chooser unless the operator allows it, downloads into one
folder or none, and no page a visitor can't leave.

WebKitGTK answers `<input type=file>` with GTK's file chooser (Home, hidden files, Ctrl+L for any
path) and pywebview answers a download with GTK's save dialog: at a public screen either one
hands the visitor the whole file system. In kiosk mode both go through this policy instead,
as do the app's own `desktop.native.open_dialog` calls (pywebview's `create_file_dialog`).
A link to something that isn't a page (JSON, a stylesheet, a bare image) would fill the kiosk's
window with it, with no back button and no way out until the idle reset: the window stays on the
page it was on instead.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def restrict_kiosk_webview(*, file_dialogs: bool, downloads: str) -> None:
    """From now on, in this process: file dialogs only if `file_dialogs`; downloads saved into
    the folder `downloads` without a dialog, or refused when it is ""; only pages fill the window."""
    from webview.platforms import gtk as pywebview_gtk

    view = pywebview_gtk.BrowserView
    if getattr(view, "_kiosk_files", False):
        return
    original_init, original_dialog, original_navigation = view.__init__, view.create_file_dialog, view.on_navigation
    webkit = pywebview_gtk.webkit

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

    def on_navigation(self, webview, decision, decision_type):
        if isinstance(decision, webkit.ResponsePolicyDecision) and decision.is_main_frame_main_resource() \
                and decision.is_mime_type_supported():  # unsupported types are downloads (above)
            kind = (decision.get_response().get_mime_type() or "").lower()
            if kind not in PAGE_TYPES:
                log.info("kiosk mode: a link to %s (not a page) was not followed: the window stays on its page",
                         kind or "something")
                decision.ignore()
                return True
        return original_navigation(self, webview, decision, decision_type)

    view.__init__ = init
    view.on_navigation = on_navigation
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
