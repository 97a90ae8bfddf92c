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
