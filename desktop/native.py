"""What a Flask app can ask of the desktop it runs in, from a view or a background job.

    from desktop import native

    @bp.post("/import")
    def import_notes():
        ...
        native.notify("Import finished", f"{count} notes imported", url=url_for("notes.index"))

Every call needs the app context (a request, or `with app.app_context():` in a job). Outside the
desktop window (browser mode, `flask run`, a server with gunicorn) each call is a documented no-op:
it logs one line and returns False, never raises, so the same code runs everywhere.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)

EXTENSION = "desktop"  # app.extensions key the shell sets when the app runs in its window


class Shell(Protocol):
    def notify(self, title: str, body: str, *, url: str | None, only_when_away: bool) -> bool: ...


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


def _shell() -> Shell | None:
    from flask import current_app, has_app_context

    return current_app.extensions.get(EXTENSION) if has_app_context() else None


def _is_app_path(url: str) -> bool:
    from .menus import is_app_path

    return is_app_path(url)
