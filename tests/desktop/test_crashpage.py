"""While the app process is down: the page says so, the app's requests get a JSON 503, Restart needs the window."""

from __future__ import annotations

import json

from werkzeug.test import Client

from desktop.banner import ACTION_HEADER
from desktop.crashpage import RESTART_ACTION, RESTART_PATH, banner_call, stopped_app


def client(restarts: list) -> Client:
    return Client(stopped_app("Notes", "Notes stopped unexpectedly (killed by SIGKILL).", "/home/me/.local/state/notes/log/app.log",
                              restart=lambda: restarts.append(True)))


def test_a_page_asked_for_says_what_happened_names_the_log_and_offers_restart():
    response = client([]).get("/notes/3", headers={"Accept": "text/html,*/*"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Cache-Control"] == "no-store"
    assert "Notes stopped unexpectedly (killed by SIGKILL)." in page and "app.log" in page
    assert "Restart" in page


def test_the_apps_own_requests_get_a_json_error_its_page_can_show():
    response = client([]).post("/notes/3/autosave", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "Restart it from its window" in json.loads(response.get_data())["error"]["message"]


def test_restart_takes_a_post_with_the_windows_header():
    restarts: list = []
    app = client(restarts)
    assert app.get(RESTART_PATH).status_code == 400
    assert app.post(RESTART_PATH).status_code == 400  # a cross-site form can't add the header
    assert restarts == []
    assert app.post(RESTART_PATH, headers={ACTION_HEADER: "other"}).status_code == 400
    assert app.post(RESTART_PATH, headers={ACTION_HEADER: RESTART_ACTION}).status_code == 200
    assert restarts == [True]


def test_the_banner_script_is_plain_ascii_with_the_text_as_json():
    script = banner_call("Notes «dev»", "Notes «dev» stopped unexpectedly (exit code 1).", "/home/mé/app.log")
    assert script.isascii()  # pywebview's GTK backend cuts scripts with multi-byte characters short
    assert '"Notes \\u00abdev\\u00bb stopped unexpectedly (exit code 1). Nothing you saved' in script


def test_the_page_runs_only_its_own_script_and_no_frame_holds_it():
    """Issue 26: the shell's own pages carried no CSP or frame protection."""
    import re

    response = client([]).get("/notes/3", headers={"Accept": "text/html"})
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f"<script nonce={nonce}>" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in policy and response.headers["X-Frame-Options"] == "DENY"
    assert client([]).get("/", headers={"Accept": "text/html"}).headers["Content-Security-Policy"] != policy
