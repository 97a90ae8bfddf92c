"""The local WSGI server: loopback only, on a port the OS picks, on a background thread.

The socket is bound and listening before the app exists: the window can be pointed at the URL at
once, and its first request waits in the socket's backlog until `serve()` runs. This lets the
Flask app (whose imports take about half a second) be built while the GUI toolkit starts.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from typing import Callable

from .guard import SessionGuard

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s]+")
BACKLOG = 128


def bind_loopback() -> socket.socket:
    """A listening TCP socket on 127.0.0.1, on a free port the OS picks while binding.

    Port 0 means no probe-then-bind race: no other process can take the port in between.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no other socket may share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        sock.bind((LOOPBACK, 0))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


class LocalServer:
    """Serve one WSGI app on 127.0.0.1, behind `guard`; `ready` is set once requests are answered."""

    # How often serve_forever checks for shutdown(): bounds how long stop() takes.
    POLL_INTERVAL = 0.05

    def __init__(self, *, app_name: str = "the app", bearer_path: str = "") -> None:
        self._socket = bind_loopback()
        self.port: int = self._socket.getsockname()[1]
        self.guard = SessionGuard(self.port, app_name=app_name, bearer_path=bearer_path)
        self.ready = threading.Event()
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the app, with a trailing slash."""
        return f"http://{LOOPBACK}:{self.port}/"

    def fileno(self) -> int:
        """The listening socket, for a server process that takes over answering (dev mode)."""
        return self._socket.fileno()

    @property
    def entry_url(self) -> str:
        """The URL that opens the window's session (it holds the launch token: never log it)."""
        return self.guard.entry_url()

    def serve(self, wsgi_app: Callable) -> None:
        """Start answering requests with `wsgi_app`, behind the guard, on a daemon thread."""
        from werkzeug.serving import make_server

        server = make_server(
            LOOPBACK, self.port, self.guard.wrap(wsgi_app), threaded=True,
            request_handler=request_handler(), fd=self._socket.fileno(),
        )
        server.daemon_threads = True  # a hung request must not keep the process alive
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": self.POLL_INTERVAL},
            name="wsgi-server", daemon=True,
        )
        self._thread.start()
        self.ready.set()
        log.info("serving on %s", self.url)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop answering, close the sockets and wait for the server thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout)
        self._socket.close()
        log.info("server stopped")


def request_handler():
    """Werkzeug's request handler, quieter and without the launch token in the log."""
    from werkzeug.serving import WSGIRequestHandler

    class RequestHandler(WSGIRequestHandler):
        """Werkzeug's handler, minus the version banner and the launch token in the access log."""

        server_version = "local"
        sys_version = ""

        def log(self, type: str, message: str, *args) -> None:
            super().log(type, TOKEN_IN_URL.sub(r"\1(hidden)", message % args if args else message))

    return RequestHandler
