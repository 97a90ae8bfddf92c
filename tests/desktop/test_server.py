"""The loopback server."""

from __future__ import annotations

import threading
import urllib.request

from flask import Flask

from desktop.server import LocalServer
from tests.support.processes import port_is_closed


def hello_app() -> Flask:
    app = Flask(__name__)
    app.get("/")(lambda: "hello")
    return app


def get(server: LocalServer, path: str = "") -> str:
    """GET a path with the window's session cookie."""
    request = urllib.request.Request(server.url + path, headers={"Cookie": server.guard.cookie_header()})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def test_serves_on_loopback_with_an_os_chosen_port():
    server = LocalServer()
    try:
        assert server.url == f"http://127.0.0.1:{server.port}/"
        assert server.port > 0
        server.serve(hello_app())
        assert server.ready.is_set()
        assert get(server) == "hello"
    finally:
        server.stop()
    assert port_is_closed(server.port)


def test_early_request_waits_for_the_app():
    """The window may ask before the app is built: the request waits, it does not fail."""
    server = LocalServer()
    answers: list[str] = []
    early = threading.Thread(target=lambda: answers.append(get(server)))
    early.start()
    try:
        early.join(0.3)
        assert early.is_alive()  # still waiting in the listen backlog
        server.serve(hello_app())
        early.join(10)
        assert answers == ["hello"]
    finally:
        server.stop()


def test_stop_before_serving_frees_the_port():
    server = LocalServer()
    server.stop()
    assert port_is_closed(server.port)


def test_slow_request_does_not_block_others():
    gate = threading.Event()
    app = hello_app()
    app.get("/slow", endpoint="slow")(lambda: (gate.wait(10), "slow")[1])
    server = LocalServer()
    server.serve(app)
    try:
        slow = threading.Thread(target=get, args=(server, "slow"))
        slow.start()
        assert get(server) == "hello"  # answered while /slow is still running
        gate.set()
        slow.join(10)
    finally:
        server.stop()


def test_no_version_banner():
    server = LocalServer()
    server.serve(hello_app())
    try:
        request = urllib.request.Request(server.url, headers={"Cookie": server.guard.cookie_header()})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "Werkzeug" not in response.headers["Server"]
            assert "Python" not in response.headers["Server"]
    finally:
        server.stop()


def test_idle_connections_time_out_and_too_many_are_closed(monkeypatch):
    """Issue 26: ~1,100 idle connections from another user stalled the app at the fd limit of 1024."""
    import socket
    import time

    from desktop import server as server_module
    from tests.support.processes import wait_for

    monkeypatch.setattr(server_module, "IDLE_TIMEOUT", 0.5)
    real_cap = server_module.cap_connections
    monkeypatch.setattr(server_module, "cap_connections", lambda server: real_cap(server, limit=8))
    server = LocalServer()
    server.serve(hello_app())
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(20)]  # they send nothing
    try:
        def closed(connection) -> bool:
            connection.settimeout(0.05)
            try:
                return connection.recv(1) == b""
            except TimeoutError:
                return False

        wait_for(lambda: sum(closed(c) for c in idle) >= 12, timeout=5)  # beyond the cap: closed at once

        def answered() -> bool:
            try:
                return get(server) == "hello"
            except OSError:  # the cap is still full of idle connections
                return False

        started = time.monotonic()
        wait_for(answered, timeout=10)  # the idle ones time out, and the window's requests get through
        assert time.monotonic() - started < 5
        assert all(closed(c) for c in idle)
    finally:
        for connection in idle:
            connection.close()
        server.stop()


def test_the_access_log_leaves_queries_out(caplog):
    import logging

    server = LocalServer()
    server.serve(hello_app())
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            get(server, "?q=my+private+search")
    finally:
        server.stop()
    assert "private" not in caplog.text and "GET /?(query left out)" in caplog.text
