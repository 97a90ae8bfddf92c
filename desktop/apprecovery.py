"""When the app process ends by itself, or stops answering: say so in the window, and bring the
app back on request.

A crash is seen at once (the process ends). A hang is seen by asking: every few seconds the window
process asks the app process's server, on the app's own port, whether it is there; an app that
answers nothing for a while (a C extension or a regular expression holding the interpreter, a
stopped process) gets the same banner as a crash, saying it is not responding, and the window
process starts answering on the port beside it (the hung process accepts nothing), so the banner's
Restart reaches it. If the app answers again (asked over the pipe to its process, as this
process's server then shares the port), the banner goes and the app has its port back.
"""

from __future__ import annotations

import logging
import threading

from .appprocess import AppProcess
from .crashpage import BANNER_ID, banner_call, hung_message, stopped_app, stopped_message
from .server import ALIVE_PATH, LocalServer

log = logging.getLogger(__name__)

PING_INTERVAL = 3.0  # seconds between two questions
PING_TIMEOUT = 3.0  # an answer later than this is no answer
MISSES = 3  # unanswered questions in a row before the app is said to hang (~10-20 s)


class AppRecovery:
    """Serves the "stopped" answers on the app's port while its process is down; Restart starts a new one."""

    def __init__(self, app_process: AppProcess, server: LocalServer, window=None) -> None:
        self._app_process, self._server, self._window = app_process, server, window
        self.hung = False

    def watch(self) -> None:
        self._app_process.on_crash.append(self._crashed)
        threading.Thread(target=self._watch_for_hangs, name="app-process-hang-watch", daemon=True).start()

    def _crashed(self, why: str) -> None:
        app = self._app_process
        self._take_over(stopped_message(app.app_name, why), headline=f"{app.app_name} stopped")

    def _take_over(self, message: str, *, headline: str) -> None:
        app = self._app_process
        self._server.serve(stopped_app(app.app_name, message, app.log_file, restart=self._restart, headline=headline))
        self._show(banner_call(app.app_name, message, app.log_file))

    def _show(self, script: str) -> None:
        if self._window is not None and not self._window.closed.is_set():
            # Over the page the user is on, so what they typed stays in front of them.
            try:
                self._window.run_js(script)
            except Exception:  # noqa: BLE001 - the window is going; the next page says it anyway
                log.warning("could not show the app's state in the window", exc_info=True)

    def _restart(self) -> None:
        log.info("restarting the app process, as the user asked")
        hung, self.hung = self.hung, False
        self._app_process.restart(kill=hung)

    # -- hangs ----------------------------------------------------------------------------------
    def _watch_for_hangs(self) -> None:
        from .selftest import http_status

        misses = 0
        url = self._server.url.rstrip("/") + ALIVE_PATH
        window_closed = self._window.closed if self._window is not None else threading.Event()
        while not window_closed.wait(PING_INTERVAL):
            app = self._app_process
            if not app.settled.is_set() or app.crashed or app.error is not None or app.stopping:
                misses = 0
                continue
            if self.hung:
                # While it hangs this process answers on the port too (both accept on the one
                # listening socket), so a question there could reach this process's own server:
                # ask the app process itself, over the pipe between the two.
                answered = app.answers(timeout=PING_TIMEOUT)
            else:
                answered = http_status(url, timeout=PING_TIMEOUT, cookie=self._server.guard.cookie_header()) == 204
            if answered:
                misses = 0
                if self.hung:
                    self._recovered()
                continue
            misses += 1
            if misses == MISSES and not self.hung:
                self._hung(misses * (PING_INTERVAL + PING_TIMEOUT))

    def _hung(self, seconds: float) -> None:
        app = self._app_process
        self.hung = True
        log.error("the app process (pid %s) is not responding: no answer for %.0f s", app.pid, seconds)
        self._take_over(hung_message(app.app_name, seconds), headline=f"{app.app_name} is not responding")

    def _recovered(self) -> None:
        log.info("the app process answers again")
        self.hung = False
        self._server.pause()
        from .banner import banner_js

        self._show(banner_js(BANNER_ID, None))
