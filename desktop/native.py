"""What a Flask app can ask of the desktop it runs in, from a view or a background job.

    from desktop import native

    @bp.post("/import")
    def import_notes():
        ...
        native.notify("Import finished", f"{count} notes imported", url=url_for("notes.index"))

    paths = native.open_dialog("save", save_name="notes.zip")  # the system's own dialog; [] if cancelled

Every call needs the app context (a request, or `with app.app_context():` in a job). Outside the
desktop window (browser mode, `flask run`, a server with gunicorn) each call is a documented no-op:
it logs one line and returns False, never raises, so the same code runs everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

log = logging.getLogger(__name__)

EXTENSION = "desktop"  # app.extensions key the shell sets when the app runs in its window


DialogKind = Literal["open", "save", "folder"]


class Shell(Protocol):
    def notify(self, title: str, body: str, *, url: str | None, only_when_away: bool) -> bool: ...
    def open_dialog(self, kind: DialogKind, *, directory: Path | None, file_types: Sequence[str], save_name: str,
                    multiple: bool) -> list[Path]: ...


def available() -> bool:
    """Whether the app runs in the desktop window (so the calls below do something)."""
    return _shell() is not None


def notify(title: str, body: str = "", *, url: str | None = None, only_when_away: bool = False) -> bool:
    """Show a desktop notification. Clicking it brings the window to the front, showing `url`
    (a path of the app, e.g. from url_for) if given. With `only_when_away`, nothing is shown
    while the user is looking at the window (it has the focus). Returns whether it was shown."""
    if url is not None and not _is_app_path(url):
        raise ValueError(f"notify(url=...) takes a path of the app, such as url_for(...), not {url!r}")
    shell = _shell()
    if shell is None:
        log.info("notify(%r): not in the desktop window, so nothing is shown", title)
        return False
    return shell.notify(title, body, url=url, only_when_away=only_when_away)


def open_dialog(kind: DialogKind = "open", *, directory: str | Path | None = None, file_types: Sequence[str] = (),
                save_name: str = "", multiple: bool = False) -> list[Path]:
    """Ask the user for files ("open"), a place to save ("save") or a folder ("folder") with the
    system's own dialog over the window, and wait for the answer. The paths come back to your
    server-side code only: the page learns what your view chooses to tell it.

    `file_types` are like ("Markdown (*.md;*.markdown)", "All files (*.*)"). Returns the chosen
    paths ([] if the user cancelled, and outside the desktop window, where it logs one line)."""
    if kind not in ("open", "save", "folder"):
        raise ValueError(f"open_dialog(kind=...) is 'open', 'save' or 'folder', not {kind!r}")
    shell = _shell()
    if shell is None:
        log.info("open_dialog(%r): not in the desktop window, so no dialog is shown", kind)
        return []
    return shell.open_dialog(kind, directory=Path(directory) if directory else None, file_types=tuple(file_types),
                             save_name=save_name, multiple=multiple)


def _shell() -> Shell | None:
    from flask import current_app, has_app_context

    return current_app.extensions.get(EXTENSION) if has_app_context() else None


def _is_app_path(url: str) -> bool:
    from .localurls import is_app_path

    return is_app_path(url)
