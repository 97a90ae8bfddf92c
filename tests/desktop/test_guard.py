"""The local server's guard: only the window's session gets in (issue 7, local-server security)."""

from __future__ import annotations

import http.client
import logging
import threading

import pytest
from flask import Flask, jsonify, request

from desktop.server import LocalServer


def hosted_app() -> Flask:
    app = Flask(__name__)
    app.get("/", endpoint="index")(lambda: "notes")
    app.post("/notes", endpoint="save")(lambda: "saved")
    app.route("/api/v1/notes", methods=["GET", "POST"], endpoint="api")(
        lambda: jsonify(auth=request.headers.get("Authorization")))
    return app


@pytest.fixture
def server():
    server = LocalServer(app_name="Inkwell", bearer_path="/api/")
    server.serve(hosted_app())
    yield server
    server.stop()


def send(server: LocalServer, path: str = "/", *, method: str = "GET", headers: dict | None = None,
         session: bool = False, body: bytes | None = None) -> tuple[int, dict, str]:
    """One raw request (http.client sends exactly the Host header we give it)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
    if session:
        headers["Cookie"] = server.guard.cookie_header()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def entry_path(server: LocalServer) -> str:
    return server.entry_url.split(f":{server.port}", 1)[1]


def test_the_shells_own_answers_run_nothing_and_no_frame_holds_them(server):
    """Issue 26: the 403 page and the hand-over carried no CSP or frame protection."""
    for path in ("/", entry_path(server)):
        headers = send(server, path)[1]
        assert "default-src 'none'" in headers["Content-Security-Policy"], path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_a_request_without_the_session_gets_a_plain_403_page(server):
    status, headers, body = send(server)
    assert status == 403 and headers["Content-Type"].startswith("text/html")
    assert "This address belongs to Inkwell, an app on this computer" in body and "Open Inkwell from its launcher" in body
    assert "notes" not in body


def test_the_launch_token_opens_a_strict_http_only_session(server):
    status, headers, _ = send(server, entry_path(server))
    assert status == 303 and headers["Location"] == "/"
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"desktop_session_{server.port}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert server.guard.token not in cookie  # the cookie is not the token
    session_cookie = cookie.split(";", 1)[0]
    assert send(server, headers={"Cookie": session_cookie})[0] == 200


def test_a_launch_token_opens_one_session_once(server):
    """Issue 26: it could be replayed for the whole launch (from WebKit's disk cache, a browser's history)."""
    spent = []
    server.guard.on_spent = spent.append
    assert send(server, entry_path(server))[0] == 303
    status, headers, _ = send(server, entry_path(server))  # the same link again, without the cookie
    assert status == 403 and "Set-Cookie" not in headers
    assert spent == [server.guard.token] and server.guard.token not in server.guard.secrets()["tokens"]
    fresh = server.guard.issue_token()  # a browser opening the app again gets a new one
    path = server.guard.entry_url("/", fresh).split(f":{server.port}", 1)[1]
    assert send(server, path)[0] == 303 and send(server, path)[0] == 403


def test_a_restarted_app_process_takes_only_the_unspent_tokens(server):
    from desktop.guard import SessionGuard

    send(server, entry_path(server))
    restarted = SessionGuard(server.port, secrets_from=server.guard.secrets())
    assert server.guard.token not in restarted.secrets()["tokens"]
    assert restarted.cookie_header() == server.guard.cookie_header()  # the same session for the launch


@pytest.mark.parametrize("token", ["", "wrong", "x" * 43])
def test_a_wrong_token_opens_nothing(server, token):
    status, headers, _ = send(server, f"/__desktop__/session?token={token}")
    assert status == 403 and "Set-Cookie" not in headers


@pytest.mark.parametrize("target", ["//evil.example/", "/%5Cevil.example/", "/%09/evil.example",
                                    "/%0d%0aSet-Cookie:%20injected=1", "/%E2%80%A8x", "https://evil.example/"])
def test_the_session_link_only_leads_to_this_server(server, target):
    """Issue 26: no header injection (CRLF), no hang (U+2028), no way off this server."""
    path = entry_path(server).replace("next=/", f"next={target}")
    status, headers, _ = send(server, path)
    assert status == 303 and headers["Location"] == "/"
    assert "injected" not in str(headers)


def test_the_session_link_keeps_a_page_with_text_beyond_ascii(server):
    path = entry_path(server).replace("next=/", "next=/search%3Fq%3Dcaf%C3%A9")
    assert send(server, path)[1]["Location"] == "/search?q=caf%C3%A9"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1", "127.0.0.1:1",
                                  "localhost.evil.example:{port}", ""])
def test_a_forged_host_is_refused_even_with_the_session(server, host):
    """DNS rebinding: a page on evil.example resolves its name to 127.0.0.1."""
    status, _, body = send(server, headers={"Host": host.format(port=server.port)}, session=True)
    assert status == 403 and "another host" in body


def test_a_cookie_of_the_same_name_from_another_local_port_is_ignored(server):
    """Issue 26: a page on another port set one for 127.0.0.1 (cookies ignore ports); the browser sends both."""
    forged = f"{server.guard.cookie_name}=planted"
    for cookie in (f"{forged}; {server.guard.cookie_header()}", f"{server.guard.cookie_header()}; {forged}"):
        assert send(server, headers={"Cookie": cookie})[0] == 200
    assert send(server, headers={"Cookie": forged})[0] == 403


def test_localhost_by_name_is_accepted(server):
    assert send(server, headers={"Host": f"localhost:{server.port}"}, session=True)[0] == 200


def test_a_cross_origin_post_is_refused_even_with_the_session(server):
    status, _, body = send(server, "/notes", method="POST", session=True, body=b"x=1",
                           headers={"Origin": "http://evil.example",
                                    "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and "another site" in body


def test_another_local_port_is_another_origin(server):
    headers = {"Origin": f"http://127.0.0.1:{server.port + 1}"}
    assert send(server, "/notes", method="POST", session=True, headers=headers)[0] == 403


def test_a_same_origin_post_goes_through(server):
    for origin in (f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}", None):
        headers = {"Origin": origin} if origin else {}
        assert send(server, "/notes", method="POST", session=True, headers=headers)[:1] == (200,)


def test_an_opaque_origin_needs_the_session_like_any_other_request(server):
    """Own forms send "Origin: null" under no-referrer; a foreign opaque origin has no cookie."""
    assert send(server, "/notes", method="POST", session=True, headers={"Origin": "null"})[0] == 200
    assert send(server, "/notes", method="POST", headers={"Origin": "null"})[0] == 403


def test_a_cross_site_navigation_is_refused(server):
    assert send(server, session=True, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403


def test_scripts_with_an_api_token_skip_the_session_on_the_api_only(server):
    bearer = {"Authorization": "Bearer ink_abc"}
    status, _, body = send(server, "/api/v1/notes", headers=bearer)
    assert status == 200 and "ink_abc" in body  # the app checks the token itself
    assert send(server, "/", headers=bearer)[0] == 403
    status, headers, body = send(server, "/api/v1/notes")
    assert status == 403 and headers["Content-Type"] == "application/json" and '"forbidden"' in body
    # A foreign page can't make a browser send a bearer token, but refuse its Origin anyway.
    assert send(server, "/api/v1/notes", method="POST", headers={**bearer, "Origin": "http://evil.example"})[0] == 403


def test_the_token_never_reaches_the_access_log(server, caplog):
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        send(server, entry_path(server))
        send(server, f"/__desktop__/session?token={server.guard.token}&next=/x")
    assert "/__desktop__/session" in caplog.text
    assert server.guard.token not in caplog.text and "session?(query left out)" in caplog.text


def test_each_launch_has_its_own_token_and_session():
    first, second = LocalServer(), LocalServer()
    try:
        assert first.guard.token != second.guard.token
        assert first.guard.cookie_header().split("=")[1] != second.guard.cookie_header().split("=")[1]
    finally:
        first.stop()
        second.stop()


@pytest.mark.browser
def test_a_foreign_page_in_the_users_browser_cannot_change_anything(browser, live_server, app):
    """CSRF from another local origin: the browser holds the session cookie, and still it is refused."""
    from werkzeug.serving import make_server

    from webapp.extensions import db
    from webapp.models import Note
    from webapp.services import notes

    with app.app_context():
        note_id = notes.create(notes.validate("Keep me", "years of writing", "")).id
    attack = (f"<form method=post action='{live_server.url}notes/{note_id}/trash'></form>"
              "<script>document.forms[0].submit()</script>").encode()
    evil = make_server("127.0.0.1", 0, lambda env, start: (start("200 OK", [("Content-Type", "text/html")]), [attack])[1])
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live_server.entry_url)  # the user has the app open in this browser
        with page.expect_navigation(url=f"{live_server.url}notes/{note_id}/trash"):
            page.goto(f"http://127.0.0.1:{evil.server_port}/")
        assert "Forbidden" in page.content() and "another site" in page.content()
    finally:
        context.close()
        evil.shutdown()
        evil.server_close()
    with app.app_context():
        assert db.session.get(Note, note_id).deleted_at is None
