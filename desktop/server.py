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
from pathlib import Path
from typing import Callable

from .earlystart import LOOPBACK, bind_loopback
from .guard import SessionGuard

log = logging.getLogger(__name__)

TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s]+")
IDLE_TIMEOUT = 30.0  # seconds a connection may sit without sending its request (or taking the answer)
ALIVE_PATH = "/__desktop__/alive"  # the window process's "are you there?" to the app process (apprecovery.py)


def bind_remembered(port_file: Path) -> socket.socket:
    """A listening socket on the port the app used last time, if it is free: the window's pages keep
    their origin (http://127.0.0.1:PORT), and with it their web storage (localStorage, IndexedDB)
    and the HTTP cache, which browsers keep per origin. Another port if it is taken (then that one
    is remembered)."""
    try:
        preferred = int(port_file.read_text().strip())
    except (OSError, ValueError):
        preferred = 0
    sock = bind_loopback(preferred if 1024 <= preferred <= 65535 else 0)
    port = sock.getsockname()[1]
    if preferred and port != preferred:
        log.warning("port %d, the app's until now, is taken: it is served on %d, and its pages start with "
                    "empty web storage (localStorage, IndexedDB)", preferred, port)
    if port != preferred:
        try:
            port_file.parent.mkdir(parents=True, exist_ok=True)
            port_file.write_text(f"{port}\n")
        except OSError as exc:  # the next launch gets another origin: its pages start with empty storage
            log.warning("could not remember the app's port in %s: %s", port_file, exc)
    return sock


class LocalServer:
    """Serve one WSGI app on 127.0.0.1, behind `guard`; `ready` is set once requests are answered."""

    # How often serve_forever checks for shutdown(): bounds how long stop() takes.
    POLL_INTERVAL = 0.05

    def __init__(self, *, app_name: str = "the app", bearer_path: str = "", sock: socket.socket | None = None,
                 guard_secrets: dict[str, str] | None = None) -> None:
        # The app process serves on the window process's socket, with its guard's secrets: one
        # port and one session for the whole launch, however often the app process restarts.
        self._socket = sock if sock is not None else bind_loopback()
        self.port: int = self._socket.getsockname()[1]
        self.guard = SessionGuard(self.port, app_name=app_name, bearer_path=bearer_path, secrets_from=guard_secrets)
        self.ready = threading.Event()
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the app, with a trailing slash."""
        return f"http://{LOOPBACK}:{self.port}/"

    @property
    def socket(self) -> socket.socket:
        """The listening socket, for the app process that answers on it."""
        return self._socket

    def fileno(self) -> int:
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
        cap_connections(server)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": self.POLL_INTERVAL},
            name="wsgi-server", daemon=True,
        )
        self._thread.start()
        self.ready.set()
        log.info("serving on %s", self.url)

    def pause(self, timeout: float = 2.0) -> None:
        """Stop answering but keep listening: requests wait in the backlog for the next serve()
        (here or in the app process). The requests being answered finish on their own threads."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()  # Werkzeug's copy of the socket; ours stays open
            if self._thread is not None:
                self._thread.join(timeout)
        self.ready.clear()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop answering, close the sockets and wait for the server thread."""
        self.pause(timeout)
        self._socket.close()
        log.info("server stopped")


def cap_connections(server, limit: int | None = None) -> None:
    """At most `limit` connections at a time (a quarter of the open-file limit, at most 256): more,
    and they are closed at once. Anything on the machine can connect to the port; a program that
    opens a thousand connections and sends nothing would otherwise use up the app's file
    descriptors (the database, attachments) and stall it. Idle ones time out (IDLE_TIMEOUT)."""
    if limit is None:
        limit = 256
        try:
            import resource

            limit = max(16, min(limit, resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 4))
        except (ImportError, ValueError, OSError):  # Windows: no such limit to share
            pass
    slots = threading.BoundedSemaphore(limit)
    process_request, process_request_thread = server.process_request, server.process_request_thread

    def admit(request, client_address):
        if not slots.acquire(blocking=False):
            log.warning("more than %d connections at once: closed a new one", limit)
            server.shutdown_request(request)
            return
        try:
            process_request(request, client_address)
        except BaseException:
            slots.release()
            raise

    def serve_then_free(request, client_address):
        try:
            process_request_thread(request, client_address)
        finally:
            slots.release()

    server.process_request, server.process_request_thread = admit, serve_then_free


def request_handler():
    """Werkzeug's request handler, quieter and without the launch token in the log."""
    from werkzeug.serving import WSGIRequestHandler

    class RequestHandler(WSGIRequestHandler):
        """Werkzeug's handler, minus the version banner and the launch token in the access log."""

        server_version = "local"
        sys_version = ""

        timeout = IDLE_TIMEOUT  # an idle connection (another program's, a dead client's) is closed

        def log(self, type: str, message: str, *args) -> None:
            line = message % args if args else message
            if ALIVE_PATH not in line:  # every few seconds: not worth a line
                super().log(type, TOKEN_IN_URL.sub(r"\1(hidden)", line))

        def log_request(self, code="-", size="-") -> None:
            path = getattr(self, "path", None)
            if path is None or "?" not in path:
                return super().log_request(code, size)
            self.path = path.split("?", 1)[0] + "?(query left out)"  # search words, tokens: not in the log
            try:
                super().log_request(code, size)
            finally:
                self.path = path

    return RequestHandler
