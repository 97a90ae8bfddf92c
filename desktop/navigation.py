"""Which pages the window may show: the app's own. Other links open in the user's browser.

In kiosk mode they open nowhere: the person at the kiosk stays inside the app.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto"})


class NavigationPolicy:
    """Decides each navigation of the window; `keep_in_window(url)` is what the platform asks."""

    def __init__(self, base_url: str, *, kiosk: bool = False) -> None:
        base = urlsplit(base_url)
        self.kiosk = kiosk
        self._own = {(base.scheme, base.hostname, base.port), (base.scheme, "localhost", base.port)}

    def is_own(self, url: str) -> bool:
        """The URL is a page of the app itself."""
        parts = urlsplit(url)
        if parts.scheme == "blob":  # an object URL the page made: blob:http://127.0.0.1:port/...
            parts = urlsplit(parts.path)
        try:
            return (parts.scheme, parts.hostname, parts.port) in self._own
        except ValueError:  # a malformed port
            return False

    def keep_in_window(self, url: str) -> bool:
        """True to let the window load `url`; otherwise open it elsewhere (or nowhere) and say False."""
        if url in ("", "about:blank") or self.is_own(url):
            return True
        scheme = urlsplit(url).scheme
        if self.kiosk:
            log.info("kiosk mode: blocked a link to a %s address outside the app", scheme or "relative")
        elif scheme in EXTERNAL_SCHEMES:
            log.info("opening a %s link in the system browser", scheme)
            threading.Thread(target=_open_in_browser, args=(url,), name="open-link", daemon=True).start()
        else:
            log.warning("refused to open a %s: link from the app", scheme)
        return False


def _open_in_browser(url: str) -> None:
    import webbrowser

    if not webbrowser.open(url):
        log.warning("no web browser could be started for a link")
