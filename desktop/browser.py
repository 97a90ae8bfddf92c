"""Browser mode: no native window; the user's web browser shows the app."""

from __future__ import annotations

import html
import logging
import os
import threading
from pathlib import Path
from typing import Callable

from . import platforms
from .errors import DesktopError
from .frontdesk import Frontdesk
from .kit import KitSettings
from .logs import tell
from .paths import AppPaths
from .server import LocalServer
from .signals import stop_on_signals

log = logging.getLogger(__name__)


class BrowserFront:
    """The user's web browser as the app's front: pages open through the launch file."""

    def __init__(self, kit: KitSettings, paths: AppPaths, server: LocalServer,
                 share_token: Callable[[str], None] = lambda token: None) -> None:
        self._kit, self._paths, self._server, self._share_token = kit, paths, server, share_token

    def write(self, path: str = "/") -> Path:
        """(Re)write the launch file with a new launch token (each opens one session), leading to `path`."""
        token = self._server.guard.issue_token()
        try:
            self._share_token(token)  # the app process answers the handshake while it runs
        except DesktopError as exc:  # it is down: this process's guard answers, and hands the token on at restart
            log.info("the app process did not take the new launch token now (%s)", exc)
        return write_launch_file(self._paths.browser_launch_file, self._server.guard.entry_url(path, token),
                                 self._kit.name)

    def open(self, path: str = "/") -> bool:
        """Open a page of the app in the default browser; False when no browser could be started."""
        import webbrowser

        return webbrowser.open(self.write(path).as_uri())

    def present(self) -> None:
        """A later launch asked for the app: open it again (a browser tab can't be raised from here)."""
        self.open()

    def show_path(self, path: str) -> None:
        """Show a page of the app in the browser."""
        self.open(path)

    def alert(self, message: str) -> None:
        """Tell the user at the console (and the log)."""
        tell(message)


def run_in_browser(kit: KitSettings, paths: AppPaths, server: LocalServer, frontdesk: Frontdesk, *,
                   open_browser: bool, share_token: Callable[[str], None] = lambda token: None) -> int:
    """Serve the app to the user's browser until Ctrl+C or SIGTERM."""
    # The browser gets the launch token through a file only this user can read, as a command
    # line (seen by every process on the machine) or the console (often logged) would leak it.
    front = BrowserFront(kit, paths, server, share_token=share_token)
    launch_file = front.write()
    stop = threading.Event()
    try:
        with stop_on_signals(stop.set):
            tell(f"{kit.name} is running at {server.url}")
            if open_browser and not front.open():
                tell("Could not start a web browser.")
            tell(f"To open it in a browser, open this file: {launch_file}")
            tell("Press Ctrl+C to stop.")
            frontdesk.attach(front)
            while not stop.wait(0.5):  # a timed wait keeps Ctrl+C responsive on Windows
                pass
        log.info("stopped from the console")
    finally:
        launch_file.unlink(missing_ok=True)
    return 0


def write_launch_file(path: Path, entry_url: str, app_name: str) -> Path:
    """Write the page that hands the launch token to a browser, readable by this user only."""
    page = (
        "<!doctype html><meta charset=utf-8>"
        f"<meta http-equiv=refresh content=\"0;url={html.escape(entry_url)}\">"
        f"<title>Opening {html.escape(app_name)}</title>"
        f"<p><a href=\"{html.escape(entry_url)}\">Open {html.escape(app_name)}</a></p>"
    )
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    platforms.current().restrict_to_owner(path)  # before the token is in it (Windows ignores the mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page)
    return path
