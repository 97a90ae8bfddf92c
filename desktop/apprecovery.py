"""When the app process ends by itself: say so in the window, and bring the app back on request."""

from __future__ import annotations

import logging

from .appprocess import AppProcess
from .crashpage import banner_call, stopped_app
from .server import LocalServer

log = logging.getLogger(__name__)


class AppRecovery:
    """Serves the "stopped" answers on the app's port while its process is down; Restart starts a new one."""

    def __init__(self, app_process: AppProcess, server: LocalServer, window=None) -> None:
        self._app_process, self._server, self._window = app_process, server, window

    def watch(self) -> None:
        self._app_process.on_crash.append(self._crashed)

    def _crashed(self, why: str) -> None:
        app = self._app_process
        self._server.serve(stopped_app(app.app_name, why, app.log_file, restart=self._restart))
        if self._window is not None and not self._window.closed.is_set():
            # Over the page the user is on, so what they typed stays in front of them.
            try:
                self._window.run_js(banner_call(app.app_name, why, app.log_file))
            except Exception:  # noqa: BLE001 - the window is going; the next page says it anyway
                log.warning("could not show the app's stop in the window", exc_info=True)

    def _restart(self) -> None:
        log.info("restarting the app process, as the user asked")
        self._app_process.restart()
