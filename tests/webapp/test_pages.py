"""What a visitor sees: pages, static files, security headers, no network."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import webapp
from webapp import create_app
from webapp.extensions import db

PACKAGE = Path(webapp.__file__).parent


def test_start_page_greets_a_first_time_user(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Notes · Inkwell</title>" in page
    assert "Welcome to Inkwell" in page
    assert "Write your first note" in page


def test_stylesheet_is_served_locally(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"


def test_static_files_are_kept_by_the_browser_until_they_change(client, app):
    page = client.get("/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page).group(1)
    with client.get(stylesheet) as response:
        assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    with client.get("/static/css/app.css") as response:  # no fingerprint: the browser asks again
        assert not response.cache_control.max_age
    css = Path(app.static_folder, "css", "app.css")
    stat = css.stat()
    os.utime(css, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    try:
        assert stylesheet not in client.get("/").get_data(as_text=True)  # changed: a new URL
    finally:
        os.utime(css, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_only_the_editor_may_add_a_style_element_and_only_with_its_nonce(client):
    with client.get("/notes/new") as response:
        policy = response.headers["Content-Security-Policy"]
        nonce = re.search(r'data-style-nonce="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert f"style-src 'self' 'nonce-{nonce}'" in policy
    with client.get("/notes/new") as again:
        assert nonce not in again.headers["Content-Security-Policy"]  # one per response
    with client.get("/") as other:
        assert "nonce-" not in other.headers["Content-Security-Policy"]


def test_security_headers_on_every_response(client):
    for path in ("/", "/healthz", "/missing", "/static/css/app.css"):
        with client.get(path) as response:
            headers = response.headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"  # served as a web app


def test_the_desktop_window_gets_no_opener_policy(data_dir, migrated_database):
    """In the window it isolates nothing and makes WebKit start a second web process (~190 ms)."""
    shutil.copyfile(migrated_database, data_dir / migrated_database.name)
    app = create_app({"SECRET_KEY": "test", "DESKTOP": True}, instance_path=str(data_dir))
    with app.test_client().get("/") as response:
        assert "Cross-Origin-Opener-Policy" not in response.headers
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    with app.app_context():
        db.engine.dispose()


def test_no_asset_is_fetched_from_the_network():
    """Offline: templates and static files reference no other origin."""
    remote = re.compile(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", re.IGNORECASE)
    for path in list((PACKAGE / "templates").rglob("*")) + list((PACKAGE / "static").rglob("*")):
        if path.is_file():
            assert not remote.search(path.read_text(encoding="utf-8")), f"{path} loads a remote asset"


def test_health_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable(data_dir):
    from webapp import create_app
    from webapp.config import TestingConfig

    class Broken(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{data_dir}/no/such/folder/db.sqlite3"
        AUTO_UPGRADE_DB = False  # else create_app itself reports the unreachable database

    response = create_app(Broken, instance_path=str(data_dir)).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def test_a_kiosk_leaves_out_the_links_to_what_it_hides(app, client):
    from tests.webapp.test_notes import create

    assert b'href="/settings/"' in client.get("/").data
    # What the kit tells the app at a kiosk (from [tool.desktop] kiosk_hidden, through the URL map).
    app.config.update(DESKTOP_KIOSK=True, DESKTOP_KIOSK_HIDDEN_ENDPOINTS=[
        "settings.index", "transfer.index", "notes.empty_trash", "notes.purge", "attachments.delete"])
    page = client.get("/").data
    assert b'href="/settings/"' not in page and b'href="/transfer/"' not in page
    assert b'href="/trash"' in page  # the trash itself stays; only emptying it is hidden
    note = create(client, "Gone soon", tags="")
    client.post(f"/notes/{note['id']}/trash")
    trash = client.get("/trash").get_data(as_text=True)
    assert "Restore" in trash and "Delete for good" not in trash and "Empty trash" not in trash
    view = client.get(f"/notes/{create(client, 'Kept', tags='')['id']}").get_data(as_text=True)
    # No file chooser and no downloads unless the operator allows them ([kiosk] file_dialogs, downloads).
    assert 'type="file"' not in view and "Export .md" not in view
    app.config.update(DESKTOP_KIOSK_FILE_DIALOGS=True, DESKTOP_KIOSK_DOWNLOADS=True)
    view = client.get(f"/notes/{note['id'] + 1}").get_data(as_text=True)
    assert 'type="file"' in view and "Export .md" in view


def test_the_sidebar_shows_where_the_notes_are(client):
    from tests.webapp.test_notes import create

    create(client, "Milk", tags="home")
    create(client, "Report", tags="work, home")
    pinned = create(client, "Keys", tags="")
    client.post(f"/notes/{pinned['id']}/pin")
    trashed = create(client, "Old", tags="")
    client.post(f"/notes/{trashed['id']}/trash")
    assert 'data-sidebar="/sidebar"' in client.get("/").get_data(as_text=True)  # filled in after the list shows
    sidebar = client.get("/sidebar").get_data(as_text=True)
    assert 'title="3 notes"' in sidebar and 'title="1 pinned"' in sidebar and 'title="1 in the trash"' in sidebar
    assert sidebar.index(">home") < sidebar.index(">work")  # the most used tags first
    only_pinned = client.get("/?pinned=1").get_data(as_text=True).split("<main")[1]
    assert "Pinned notes" in only_pinned and "Keys" in only_pinned and "Milk" not in only_pinned
    assert '<nav class="sidebar"' not in client.get("/settings/").get_data(as_text=True)  # only where notes are
