"""Backups and recovery: nothing the user saved is lost, and nothing is overwritten silently."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.webapp.test_notes import create, listed, page
from webapp import create_app, recovery
from webapp.config import TestingConfig
from webapp.extensions import db
from webapp.services import backups

GARBAGE = b"this is not a database, it was overwritten by something else" * 100


def titles_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        titles = [row[0] for row in connection.execute("select title from notes order by id")]
    connection.close()
    return titles


def backup_now(client) -> None:
    response = client.post("/settings/backups/", follow_redirects=True)
    assert "Backed up" in response.get_data(as_text=True)


def test_back_up_then_restore_round_trip(app, client, data_dir):
    create(client, "Before the backup")
    backup_now(client)
    create(client, "After the backup")
    with app.app_context():
        [backup] = backups.list_backups()
    response = client.post("/settings/backups/restore", data={"name": backup.name}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Restored." in html
    assert listed(client, "/") == ["Before the backup"]
    # The notes as they were just before the restore are kept: the restore can be undone.
    [kept] = (data_dir / "backups").glob("before-restore-*")
    assert titles_in(kept) == ["Before the backup", "After the backup"]


@pytest.mark.parametrize("name", ["../inkwell.sqlite3", "/etc/passwd", "inkwell-nope.sqlite3", ""])
def test_restoring_something_that_is_not_a_backup_changes_nothing(app, client, name):
    create(client, "Still here")
    backup_now(client)
    response = client.post("/settings/backups/restore", data={"name": name}, follow_redirects=True)
    assert "Nothing was restored: there is no backup called" in response.get_data(as_text=True)
    assert listed(client, "/") == ["Still here"]


def test_a_damaged_backup_is_not_restored(app, client):
    create(client, "Keep me")
    backup_now(client)
    with app.app_context():
        [backup] = backups.list_backups()
    backup.path.write_bytes(GARBAGE)
    response = client.post("/settings/backups/restore", data={"name": backup.name}, follow_redirects=True)
    assert "Nothing was restored" in response.get_data(as_text=True) and "not a readable database" in \
        response.get_data(as_text=True)
    assert listed(client, "/") == ["Keep me"]


def test_only_the_newest_backups_are_kept(app, client):
    app.config["BACKUPS_KEPT"] = 2
    for _ in range(4):
        backup_now(client)
    with app.app_context():
        assert len(backups.list_backups()) == 2


def test_a_daily_backup_is_made_when_due(app):
    app.config["BACKUP_EVERY_HOURS"] = 24
    with app.app_context():
        first = backups.backup_if_due()
        assert first is not None  # no backup yet: one is due
        assert backups.backup_if_due() is None  # made a moment ago
        old = (datetime.now(timezone.utc) - timedelta(hours=25)).timestamp()
        os.utime(first.path, (old, old))
        assert backups.backup_if_due() is not None
        app.config["BACKUP_EVERY_HOURS"] = 0
        assert backups.backup_if_due() is None


def test_backup_and_restore_from_the_command_line(app, client, runner):
    create(client, "One")
    assert "Backed up to" in runner.invoke(args=["backup"]).output
    create(client, "Two")
    listing = runner.invoke(args=["backup", "--list"]).output
    assert listing.count(".sqlite3") == 1
    result = runner.invoke(args=["restore"])
    assert result.exit_code == 0 and "Restored" in result.output
    assert listed(client, "/") == ["One"]


@pytest.fixture
def damaged_app(data_dir, migrated_database):
    """The app started on a database file that is garbage; a good backup exists from earlier."""
    damage_in_place(data_dir, migrated_database, lambda data: GARBAGE)
    app = create_app(TestingConfig, instance_path=str(data_dir))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_damaged_database_is_explained_and_left_alone(damaged_app, data_dir):
    client = damaged_app.test_client()
    assert recovery.active(damaged_app) is not None
    response = client.get("/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Your notes database can't be read" in html and "file is not a database" in html
    assert "Nothing has been changed or deleted" in html and "Restore this backup" in html
    api = client.get("/api/v1/notes")
    assert api.status_code == 503 and api.json["error"]["code"] == "database_damaged"
    assert (data_dir / "inkwell.sqlite3").read_bytes() == GARBAGE  # untouched until the user chooses


def test_restoring_the_latest_backup_brings_the_notes_back_and_keeps_the_damaged_file(damaged_app, data_dir):
    client = damaged_app.test_client()
    with damaged_app.app_context():
        latest = backups.list_backups()[0].name
    response = client.post("/recovery/restore", data={"backup": latest})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert listed(client, "/") == ["Saved yesterday"]
    assert recovery.active(damaged_app) is None
    [kept] = (data_dir / "backups").glob("damaged-*")
    assert kept.read_bytes() == GARBAGE


def test_starting_empty_also_keeps_the_damaged_file(damaged_app, data_dir):
    client = damaged_app.test_client()
    assert client.post("/recovery/restore", data={}).status_code == 302
    assert listed(client, "/") == []
    assert [p.read_bytes() for p in (data_dir / "backups").glob("damaged-*")] == [GARBAGE]


def test_a_database_damaged_while_running_switches_to_recovery(app, client, data_dir):
    create(client, "Written")
    with app.app_context():
        db.engine.dispose()
    path = data_dir / "inkwell.sqlite3"
    path.write_bytes(GARBAGE)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/recovery/"
    assert "file is not a database" in client.get("/recovery/").get_data(as_text=True)


def test_a_full_disk_refuses_the_change_clearly_and_keeps_what_was_saved(app, client):
    create(client, "Saved before the disk filled up")

    def tiny_disk(connection, _record):
        cursor = connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")  # not one page more: the "disk" is full
        cursor.close()

    with app.app_context():
        event.listen(db.engine, "connect", tiny_disk)
        db.engine.dispose()
    response = client.post("/notes/new", data={"title": "Too big", "body": "x" * 200_000, "tags": ""})
    assert response.status_code == 507
    assert "The disk is full, so this change was not saved" in response.get_data(as_text=True)
    json_response = client.post("/api/v1/notes", json={"title": "Too big", "body": "x" * 200_000})
    assert json_response.status_code == 507 and json_response.json["error"]["code"] == "disk_full"
    with app.app_context():
        event.remove(db.engine, "connect", tiny_disk)
        db.engine.dispose()
    assert listed(client, "/") == ["Saved before the disk filled up"]


def test_a_restore_can_be_undone_from_the_backups_page(app, client):
    create(client, "Before the backup")
    backup_now(client)
    create(client, "After the backup")
    with app.app_context():
        [backup] = backups.list_backups()
    html = page(client, "/settings/backups/")
    assert "It brings back 1 note, the settings, the app-lock password and the API tokens" in html
    client.post("/settings/backups/restore", data={"name": backup.name})
    assert listed(client, "/") == ["Before the backup"]
    html = page(client, "/settings/backups/")
    assert "Your notes before a restore" in html and "Undo that restore" in html
    with app.app_context():
        kept = next(b for b in backups.list_backups() if b.kind == "before-restore")
        assert kept.notes == 2
    client.post("/settings/backups/restore", data={"name": kept.name})
    assert sorted(listed(client, "/")) == ["After the backup", "Before the backup"]  # undone


def test_the_desktop_app_saves_a_copy_where_the_user_chooses(app, client, tmp_path, monkeypatch):
    from desktop import native

    from webapp.services import backups

    client.post("/settings/backups/", data={})
    with app.app_context():
        name = backups.list_backups()[0].name
    assert b"Save a copy" not in client.get("/settings/backups/").data  # a web page: no system dialog
    app.config["DESKTOP"] = True
    assert b"Save a copy" in client.get("/settings/backups/").data
    target = tmp_path / "usb" / "notes-copy.sqlite3"
    target.parent.mkdir()
    monkeypatch.setattr(native, "open_dialog", lambda kind, **kw: [target] if kind == "save" else [])
    page = client.post("/settings/backups/save-copy", data={"name": name}, follow_redirects=True)
    assert "Saved a copy as notes-copy.sqlite3." in page.get_data(as_text=True)
    assert target.read_bytes()[:16] == b"SQLite format 3\x00"
    monkeypatch.setattr(native, "open_dialog", lambda kind, **kw: [])  # cancelled
    client.post("/settings/backups/save-copy", data={"name": name})
    page = client.post("/settings/backups/save-copy", data={"name": "../../etc/passwd"}, follow_redirects=True)
    assert "there is no backup called" in page.get_data(as_text=True)


def full_disk_file(*_args, **_kwargs):
    """A file every write to fails as on a full disk (Linux's /dev/full)."""
    return open("/dev/full", "w+b")  # noqa: SIM115 - handed to the code under test, which closes it


def test_every_write_path_answers_507_on_a_full_disk(app, client, monkeypatch):
    """Issue 26: upload, export and "Back up now" answered 500 when the disk filled up."""
    import os
    import sqlite3

    from tests.webapp.test_attachments import upload
    from webapp import sqlite as sqlite_module
    from webapp.services import attachments
    from webapp.views import transfer

    note = create(client, "Saved before the disk filled up")
    monkeypatch.setattr(attachments.tempfile, "mkstemp",
                        lambda **kwargs: (os.open("/dev/full", os.O_WRONLY), str(kwargs["dir"] / ".upload-x")))
    for accept_json in (False, True):
        response = upload(client, note["id"], ("notes.txt", b"words"), json=accept_json)
        assert response.status_code == 507, response.get_data(as_text=True)
    assert "The disk is full" in upload(client, note["id"], ("notes.txt", b"words")).get_data(as_text=True)
    monkeypatch.setattr(transfer.tempfile, "TemporaryFile", full_disk_file)
    with client.get("/transfer/export.zip") as response:
        assert response.status_code == 507 and "The disk is full" in response.get_data(as_text=True)

    def no_room(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_module, "backup_database", no_room)
    response = client.post("/settings/backups/", data={})
    assert response.status_code == 507 and "The disk is full" in response.get_data(as_text=True)
    assert listed(client, "/") == ["Saved before the disk filled up"]


def damage_in_place(data_dir, migrated_database, damage) -> bytes:
    """A database with notes and a backup, then `damage(bytes) -> bytes` applied to its file."""
    live = data_dir / "inkwell.sqlite3"
    live.write_bytes(migrated_database.read_bytes())
    app = create_app(TestingConfig, instance_path=str(data_dir))
    client = app.test_client()
    create(client, "Saved yesterday")
    backup_now(client)
    with app.app_context():
        db.engine.dispose()
    for suffix in ("-wal", "-shm"):
        live.with_name(live.name + suffix).unlink(missing_ok=True)
    damaged = damage(live.read_bytes())
    live.write_bytes(damaged)
    return damaged


def test_a_database_damaged_past_its_header_is_kept_byte_for_byte(data_dir, migrated_database):
    """Issue 26: SQLite could still read this one, so its kept copy was rewritten (3 header bytes differed)."""
    damaged = damage_in_place(data_dir, migrated_database, lambda data: data[:4096] + b"\xff" * 64 + data[4096 + 64:])
    app = create_app(TestingConfig, instance_path=str(data_dir))
    client = app.test_client()
    with app.app_context():
        recovery.enter(app, "database disk image is malformed")  # as the first failing query does
    assert client.post("/recovery/restore", data={}).status_code == 302
    assert [p.read_bytes() for p in (data_dir / "backups").glob("damaged-*")] == [damaged]
    with app.app_context():
        db.engine.dispose()


def test_an_emptied_database_offers_the_backups_instead_of_starting_empty(data_dir, migrated_database):
    """Issue 26: a zero-byte database silently started empty, though a backup sat beside it."""
    damage_in_place(data_dir, migrated_database, lambda data: b"")
    app = create_app(TestingConfig, instance_path=str(data_dir))
    client = app.test_client()
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 503 and "the database file is empty (0 bytes)" in page.get_data(as_text=True)
    with app.app_context():
        latest = backups.list_backups()[0].name
    assert client.post("/recovery/restore", data={"backup": latest}).status_code == 302
    assert listed(client, "/") == ["Saved yesterday"]
    with app.app_context():
        db.engine.dispose()
