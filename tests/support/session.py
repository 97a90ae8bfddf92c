"""A client of a running shell that opens its session the way a browser does: through the launch file."""

from __future__ import annotations

import html
import re
import subprocess
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from tests.support.processes import read_line_with

REFRESH_URL = re.compile(r'http-equiv=refresh content="0;url=([^"]+)"')


class AppSession:
    """Requests with the session cookie the launch file's link hands out."""

    def __init__(self, launch_file: Path) -> None:
        entry_url = html.unescape(REFRESH_URL.search(launch_file.read_text()).group(1))
        self.url = entry_url.split("/__desktop__/", 1)[0] + "/"
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        # Where the link leads, after the handshake (the app may answer it with an error page).
        self.first_status, self.first_page = self.request(entry_url)
        names = {cookie.name for cookie in self.cookies}
        assert any(n.startswith("desktop_session_") for n in names), "no session opened"

    def request(self, url_or_path: str, *, method: str = "GET", data: bytes | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        """Status and body of one request (redirects followed)."""
        url = url_or_path if url_or_path.startswith("http") else self.url + url_or_path.lstrip("/")
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with self._opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def get(self, path: str = "/") -> tuple[int, str]:
        """GET a path of the app."""
        return self.request(path)


def session_from_output(proc: subprocess.Popen) -> AppSession:
    """Read the shell's console until it names its launch file; open a session with it."""
    line = read_line_with(proc, "open this file: ")
    return AppSession(Path(line.split("open this file: ", 1)[1].strip()))


def session_from_launch_file(path: Path, timeout: float) -> AppSession:
    """Wait for a launch file to appear, then open a session with it."""
    deadline = time.monotonic() + timeout
    while not path.is_file():
        if time.monotonic() > deadline:
            raise AssertionError(f"no launch file at {path} within {timeout} s")
        time.sleep(0.05)
    return AppSession(path)
