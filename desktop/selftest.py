"""--self-test: open the real window, check it shows the app, close it, report one JSON line.

Works unchanged from source and from a bundle, so packaging is checked by running the product.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import STARTED_AT
from .window import NativeWindow

log = logging.getLogger(__name__)

LOAD_TIMEOUT = 30.0
# `loaded` fires before the first paint; two animation frames later the page has been drawn.
START_TWO_FRAMES_JS = (
    "window.__desktopPainted = false;"
    "requestAnimationFrame(() => requestAnimationFrame(() => { window.__desktopPainted = true; }));"
)
# Every request the page made, or means to make, to another origin: what breaks offline.
FOREIGN_REQUESTS_JS = """(() => {
  const own = location.origin, found = new Set();
  const add = (u) => { try { const url = new URL(u, location.href);
    if ((url.protocol === "http:" || url.protocol === "https:") && url.origin !== own) found.add(url.href); } catch (e) {} };
  performance.getEntriesByType("resource").forEach((entry) => add(entry.name));
  document.querySelectorAll("script[src], link[href]:not([rel~=alternate]):not([rel=canonical]), img[src], "
    + "iframe[src], source[src], video[src], audio[src], embed[src], object[data]")
    .forEach((el) => add(el.src || el.href || el.data));
  return JSON.stringify([...found].sort());
})()"""


@dataclass
class SelfTestReport:
    """What the self-test saw; `ok` only when every check passed."""

    app: str = ""
    backend: str | None = None
    url: str = ""
    title: str | None = None
    painted: bool = False
    start_status: int | None = None  # the start page: an error page (4xx/5xx) fails the test
    health_path: str = ""
    health_status: int | None = None  # the app's health path, when it has one
    foreign_requests: list[str] = field(default_factory=list)
    allowed_origins: list[str] = field(default_factory=list)  # [tool.desktop] allowed_origins
    readiness: list[dict[str, Any]] = field(default_factory=list)
    loaded_ms: int | None = None
    exit_ms: int | None = None
    errors: list[str] = field(default_factory=list)
    kiosk: dict[str, Any] = field(default_factory=dict)
    # Wall-clock marks, for benchmark harnesses that time the process from outside.
    loaded_at: float | None = None
    closing_at: float | None = None

    @property
    def ok(self) -> bool:
        """Every check passed."""
        healthy = not self.health_path or self.health_status == 200
        started = self.start_status is not None and self.start_status < 400
        return not self.errors and bool(self.title) and self.painted and started and healthy

    def to_json(self) -> str:
        """The single line printed on stdout."""
        data: dict[str, Any] = {"ok": self.ok}
        data.update({k: v for k, v in self.__dict__.items()})
        return json.dumps(data, separators=(", ", ": "))


def check_window(window: NativeWindow, report: SelfTestReport, base_url: str, *, cookie: str = "",
                 after_load: Callable[[], None] | None = None) -> None:
    """Run on pywebview's worker thread: check the page, then close the window."""
    try:
        if not window.wait_loaded(LOAD_TIMEOUT):
            report.errors.append(f"the page did not load within {LOAD_TIMEOUT:.0f} s")
            return
        report.loaded_at = window.loaded_at or time.time()  # when pywebview said so, not when this thread woke
        report.loaded_ms = round((time.perf_counter() - STARTED_AT) * 1000 - (time.time() - report.loaded_at) * 1000)
        if after_load is not None:
            after_load()
        window.run_js(START_TWO_FRAMES_JS)
        report.painted = window.wait_for_js("window.__desktopPainted")
        report.title = window.run_js("document.title")
        report.foreign_requests = _json_list(window.run_js(FOREIGN_REQUESTS_JS))
        refused = [url for url in report.foreign_requests if _origin(url) not in report.allowed_origins]
        if refused:  # what the page needs from another site is not there offline
            report.errors.append(f"the start page asks another site for {', '.join(refused[:3])}"
                                 + (f" and {len(refused) - 3} more" if len(refused) > 3 else "")
                                 + ": offline it won't show. Serve it from the app (vendor it), or list its site "
                                   "in [tool.desktop] allowed_origins")
        start_url = base_url.rstrip("/") + "/"
        report.start_status = http_status(start_url, cookie=cookie)
        if report.start_status is None or report.start_status >= 400:
            report.errors.append(f"the start page {start_url} answered {report.start_status}")
        if report.health_path:
            health_url = base_url.rstrip("/") + report.health_path
            report.health_status = http_status(health_url, cookie=cookie)
            if report.health_status != 200:
                report.errors.append(f"{health_url} answered {report.health_status}")
        if not report.title:
            report.errors.append("the page has no title")
    except Exception as exc:  # report, don't crash the GUI thread
        log.exception("self-test check failed")
        report.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        report.backend = window.backend
        report.kiosk = window.kiosk_state()
        report.closing_at = time.time()
        window.close()


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _json_list(value: Any) -> list[str]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [str(item) for item in items] if isinstance(items, list) else []


def http_status(url: str, timeout: float = 5.0, *, cookie: str = "") -> int | None:
    """GET `url` (with the session `cookie`) and return the HTTP status (None when nothing answered)."""
    import urllib.error
    import urllib.request  # here, not at the top: it is slow to import and off the start-up path

    try:
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy: it's 127.0.0.1
        with direct.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None
