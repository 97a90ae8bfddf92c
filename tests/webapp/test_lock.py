"""The app lock: asked on every start and after idle time; the password is stored hashed."""

from __future__ import annotations

import time

import pytest

from tests.support.html import texts_of
from tests.webapp.test_notes import create, listed
from webapp import create_app
from webapp.config import TestingConfig
from webapp.extensions import db
from webapp.services import lock


def set_lock(client, password="1234", idle=0, current=""):
    return client.post("/settings/lock", data={"current_password": current, "new_password": password,
                                               "confirm": password, "idle_minutes": str(idle)})


def unlock(client, password="1234", follow=False):
    return client.post("/lock", data={"password": password, "next": "/"}, follow_redirects=follow)


def test_no_lock_by_default(client):
    assert client.get("/").status_code == 200


def test_password_is_hashed(client, app):
    set_lock(client, "correct horse")
    with app.app_context():
        stored = db.session.execute(db.text("SELECT value FROM settings WHERE key='lock_password_hash'")).scalar()
    assert "correct horse" not in stored and stored.startswith("scrypt:")


def test_every_start_asks_for_the_password(client, app, data_dir):
    create(client, title="Secret diary")
    set_lock(client)  # setting it leaves this session unlocked
    assert listed(client, "/") == ["Secret diary"]
    restarted = create_app(TestingConfig, instance_path=str(data_dir))  # a new start of the app...
    restarted.test_client_class = type(client)
    with restarted.test_client() as again:
        again.set_cookie("session", client.get_cookie("session").value)  # ...with the old session cookie
        response = again.get("/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/lock?next=/")
        assert "Secret diary" not in again.get("/lock").get_data(as_text=True)
    with restarted.app_context():
        db.engine.dispose()


def test_locked_app_shows_only_the_lock_screen(client):
    create(client, title="Secret diary")
    set_lock(client)
    client.post("/lock/now")
    for url in ("/", "/notes/1", "/search?q=secret", "/transfer/export.zip", "/settings/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/lock"), url
    api = client.get("/api/v1/notes")
    assert api.status_code == 403 and api.json["error"]["code"] == "locked"
    assert client.get("/healthz").status_code == 200
    with client.get("/static/css/app.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_wrong_password_then_right_one(client):
    create(client, title="Secret diary")
    set_lock(client)
    client.post("/lock/now")
    wrong = unlock(client, "0000")
    assert wrong.status_code == 401
    assert texts_of(wrong.get_data(as_text=True), "field-error") == ["That is not the password."]
    right = unlock(client)
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert listed(client, "/") == ["Secret diary"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)",
                                    "/\\evil.example/", "/\t/evil.example", "/\r\nSet-Cookie: x=1", "/\u2028x"])
def test_no_open_redirect_after_unlock(client, target):
    set_lock(client)
    client.post("/lock/now")
    response = client.post("/lock", data={"password": "1234", "next": target})
    assert response.headers["Location"] == "/"


def test_the_lock_screen_without_a_password_leads_to_the_notes(client):
    """Issue 26: no "locked" screen, and no unlocking, when there is nothing to unlock."""
    assert client.get("/lock").headers["Location"] == "/"
    assert client.post("/lock", data={"password": "", "next": "/"}).headers["Location"] == "/"


def test_parallel_wrong_passwords_wait_for_each_other(client, app, monkeypatch):
    """Issue 26: the delay after a wrong password is not per thread."""
    import threading

    from webapp.views import lock as lock_view

    set_lock(client)
    client.post("/lock/now")
    app.testing = False  # the delay is off in tests otherwise
    monkeypatch.setattr(lock_view, "FAILED_ATTEMPT_DELAY", 0.3)
    started = time.monotonic()
    attempts = [threading.Thread(target=lambda: app.test_client().post("/lock", data={"password": "0000"}))
                for _ in range(4)]
    for attempt in attempts:
        attempt.start()
    for attempt in attempts:
        attempt.join()
    assert time.monotonic() - started >= 4 * 0.3 - 0.05


def test_idle_time_locks(client, app, monkeypatch):
    set_lock(client, idle=5)
    assert client.get("/").status_code == 200
    real_time = time.time
    monkeypatch.setattr(lock.time, "time", lambda: real_time() + 6 * 60)
    assert client.get("/").status_code == 302


def test_api_tokens_work_while_locked(client, app):
    from webapp.services import tokens

    with app.app_context():
        _, token = tokens.create("script")
    set_lock(client)
    client.post("/lock/now")
    assert client.get("/api/v1/notes", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_changing_or_removing_needs_the_current_password(client):
    set_lock(client, "first")
    refused = set_lock(client, "second", current="wrong")
    assert refused.status_code == 422
    assert "That is not the current password." in texts_of(refused.get_data(as_text=True), "field-error")
    assert set_lock(client, "second", current="first").status_code == 302
    removed = client.post("/settings/lock", data={"current_password": "second", "remove": "y", "idle_minutes": "0"})
    assert removed.status_code == 302
    client.post("/lock/now")
    assert client.get("/").status_code == 200  # no lock any more


def test_short_passwords_and_mismatches_are_explained(client):
    short = set_lock(client, "12")
    assert "Field must be between 4 and 200 characters long." in texts_of(short.get_data(as_text=True), "field-error")
    mismatch = client.post("/settings/lock", data={"new_password": "12345", "confirm": "54321", "idle_minutes": "0"})
    assert "The passwords differ." in texts_of(mismatch.get_data(as_text=True), "field-error")
