"""Export to a zip and import it back; hostile archives are refused with a clear message."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from tests.support.html import texts_of
from tests.webapp.test_notes import create, listed, page
from webapp import create_app
from webapp.config import TestingConfig
from webapp.extensions import db
from webapp.models import Note
from webapp.services import attachments, export, importer
from webapp.services import notes as note_service

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def export_bytes(client) -> bytes:
    with client.get("/transfer/export.zip") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=inkwell-export-")
        return response.data


def import_archive(client, data: bytes, name: str = "backup.zip") -> dict:
    """Upload an archive, follow the job to its end, and return its final state."""
    response = client.post("/transfer/import", data={"archive": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    job_url = response.headers["Location"]
    deadline = time.monotonic() + 30
    while True:
        state = client.get(job_url + ".json").json
        if state["state"] != "running":
            return state
        assert time.monotonic() < deadline, "the import did not finish"
        time.sleep(0.05)


def zip_of(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def other_client(tmp_path):
    """A second, empty installation to import into."""
    folder = tmp_path / "other"
    folder.mkdir()
    app = create_app(TestingConfig, instance_path=str(folder))
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_round_trip_keeps_everything(client, app, other_client):
    create(client, title="Trip", body="Pack **light**", tags="travel, plans")
    second = create(client, title="Pinned one", body="Important")
    client.post(f"/notes/{second['id']}/pin")
    with app.app_context():
        from webapp.models import Note

        attachments.store(db.session.get(Note, second["id"]), "photo.png", PNG)
        db.session.commit()
    archive = export_bytes(client)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        manifest = json.loads(z.read("manifest.json"))
        assert manifest["format"] == "inkwell-export" and len(manifest["notes"]) == 2
        assert any(name.startswith("attachments/") for name in z.namelist())

    state = import_archive(other_client, archive)
    assert state["state"] == "finished", state
    assert state["message"] == "Imported 2 notes and 1 attachment."
    assert sorted(listed(other_client, "/")) == ["Pinned one", "Trip"]
    assert texts_of(page(other_client, "/"), "badge") == ["Pinned"]
    again = other_client.get("/api/v1/notes?tag=travel").json["items"][0]
    assert again["body"] == "Pack **light**"
    assert again["tags"] == ["plans", "travel"]


def test_importing_twice_skips_duplicates(client):
    create(client, title="Once", body="only once")
    archive = export_bytes(client)
    state = import_archive(client, archive)
    assert state["message"] == "Imported 0 notes and 0 attachments; skipped 1 already here."
    assert listed(client, "/") == ["Once"]


def test_plain_markdown_zip(client):
    state = import_archive(client, zip_of({
        "Ideas.md": "# Ideas\n\nA list.",
        "nested/Todo.md": '---\ntitle: "To do"\ntags: ["home"]\n---\n- milk',
        "image.bin": b"\x00\x01",
    }))
    assert state["state"] == "finished", state
    assert sorted(listed(client, "/")) == ["Ideas", "To do"]
    assert listed(client, "/?tag=home") == ["To do"]


@pytest.mark.parametrize("evil_name", ["../escape.md", "/etc/passwd.md", "notes/../../x.md", "C:\\\\x.md", "a\\..\\b.md"])
def test_zip_slip_is_refused(client, evil_name):
    state = import_archive(client, zip_of({"fine.md": "ok", evil_name: "pwned"}))
    assert state["state"] == "failed"
    assert "unsafe path" in state["message"]
    assert listed(client, "/") == []  # nothing at all was imported


def test_zip_bomb_is_refused_before_inflating(client):
    state = import_archive(client, zip_of({"bomb.md": "0" * (20 << 20)}))  # 20 MB of zeros: ~1000x
    assert state["state"] == "failed"
    assert "zip bomb" in state["message"]


def test_size_limit(client, app):
    app.config["IMPORT_MAX_BYTES"] = 10_000
    state = import_archive(client, zip_of({f"n{i}.md": "x" * 3000 for i in range(5)}))
    assert state["state"] == "failed"
    assert "would unpack to" in state["message"]


def test_not_a_zip(client):
    state = import_archive(client, b"this is not a zip at all")
    assert state["state"] == "failed"
    assert "not a zip archive" in state["message"]


def test_manifest_from_a_newer_version(client):
    manifest = {"format": "inkwell-export", "version": 99, "notes": []}
    state = import_archive(client, zip_of({"manifest.json": json.dumps(manifest)}))
    assert "newer version of the app" in state["message"]


def test_damaged_entry_is_skipped_and_reported(client):
    data = bytearray(zip_of({"good.md": "fine text " * 50, "bad.md": "damaged text " * 50}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("bad.md")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)  # local header, then data
    data[start + info.compress_size // 2] ^= 0xFF  # flip a bit in the middle of bad.md's data
    state = import_archive(client, bytes(data))
    assert state["state"] == "finished", state
    assert listed(client, "/") == ["good"]
    assert "skipped" in state["message"]


def test_wrong_file_type_and_empty_file(client):
    response = client.post("/transfer/import", data={"archive": (io.BytesIO(b"x"), "notes.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Only .zip archives can be imported." in texts_of(response.get_data(as_text=True), "field-error")
    response = client.post("/transfer/import", data={"archive": (io.BytesIO(b""), "empty.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 422


def test_oversize_upload_gets_a_friendly_413(client, app):
    app.config["IMPORT_MAX_BYTES"] = 1000
    response = client.post("/transfer/import", data={"archive": (io.BytesIO(b"x" * 5000), "big.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is larger than" in response.get_data(as_text=True)


def test_cli_export_and_import(runner, client, tmp_path, other_client):
    create(client, title="From the CLI")
    target = tmp_path / "out.zip"
    result = runner.invoke(args=["export", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exported 1 notes" in result.output
    other_runner = other_client.application.test_cli_runner()
    result = other_runner.invoke(args=["import", str(target)])
    assert result.exit_code == 0, result.output
    assert listed(other_client, "/") == ["From the CLI"]
    bad = tmp_path / "bad.zip"
    bad.write_bytes(zip_of({"../x.md": "x"}))
    result = other_runner.invoke(args=["import", str(bad)])
    assert result.exit_code == 1 and "unsafe path" in result.output


def test_failed_import_leaves_no_files_behind(app, tmp_path, monkeypatch):
    archive = tmp_path / "a.zip"
    manifest = {"format": "inkwell-export", "version": 1, "notes": [
        {"file": "notes/1.md", "title": "one", "attachments": [{"file": "attachments/a.png", "name": "a.png"}]},
        {"file": "notes/2.md", "title": "two"},
    ]}
    archive.write_bytes(zip_of({"manifest.json": json.dumps(manifest), "notes/1.md": "1", "notes/2.md": "2",
                                "attachments/a.png": PNG}))
    calls = []

    def explode(done, total):
        calls.append(done)
        if done == 2:
            raise RuntimeError("disk unplugged")

    with app.app_context(), pytest.raises(RuntimeError):
        importer.import_zip(archive, progress=explode)
    with app.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM notes")).scalar() == 0
        assert list(attachments.storage_dir().glob("*.png")) == []


def test_a_failed_import_says_what_went_wrong_without_a_progress_bar(client):
    response = client.post("/transfer/import", data={"archive": (io.BytesIO(b"not a zip"), "x.zip")},
                           content_type="multipart/form-data")
    job_url = response.headers["Location"]
    deadline = time.monotonic() + 30
    while client.get(job_url + ".json").json["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    page = client.get(job_url).get_data(as_text=True)
    assert "Import failed" in page and 'role="alert"' in page and "not a zip archive" in page
    assert "data-job-progress hidden" in page and "data-job-count hidden" in page


# Titles the manifest must quote exactly as json.dumps does: quotes, backslashes, non-ASCII,
# a line separator (JSON leaves U+2028 raw: the manifest writer must not split lines on it).
TRICKY_TITLES = ['Say "cheese"', "back\\slash", "ünïcode ✓ 📝", "line\u2028separator", "", "tab\there"]


def test_export_streams_many_notes_and_round_trips(app, client, other_client, monkeypatch):
    """A batch of 7 notes at a time (so many batches, one of them all in the trash): the archive
    has every live note once, in id order, a manifest byte for byte as json.dumps would write
    it whole, and imports back the same notes; the session never holds more than a batch."""
    monkeypatch.setattr(export, "BATCH", 7)
    with app.app_context():
        for i in range(40):
            title = TRICKY_TITLES[i % len(TRICKY_TITLES)] + f" {i}" if i % 4 else TRICKY_TITLES[i % 6]
            data = note_service.validate(title, f"Body {i}\n\n- **item**" if i != 1 else "", ["all", f"t{i % 3}"])
            note = note_service.add(data, pinned=i % 9 == 0)
            if i % 5 == 0:
                attachments.store(note, f"pic{i}.png", PNG)
        db.session.commit()
        for note in db.session.scalars(db.select(Note).where(Note.id.in_([3, *range(15, 23)]))):
            note.deleted_at = note.updated_at  # 15-21 is a whole batch (ids 1-7, 8-14, ...)
        db.session.commit()
        live = db.session.scalars(db.select(Note.id).where(Note.deleted_at.is_(None)).order_by(Note.id)).all()

    with app.app_context():
        held, calls, buffer = [], [], io.BytesIO()

        def progress(done, total):
            calls.append((done, total))
            held.append(sum(isinstance(obj, Note) for obj in db.session.identity_map.values()))

        assert export.export_zip(buffer, progress=progress) == len(live) == 31
    assert calls[-1] == (31, 31) and [done for done, _ in calls] == list(range(1, 32))
    assert max(held) <= 2 * export.BATCH, held  # batches come and go: never every note at once

    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        raw = archive.read("manifest.json").decode()
    assert names[-1] == "manifest.json"
    assert raw == json.dumps(json.loads(raw), ensure_ascii=False, indent=1)  # as if dumped whole
    manifest = json.loads(raw)
    assert [int(entry["file"].split("/")[1].split(" ")[0]) for entry in manifest["notes"]] == live
    assert all(entry["file"] in names for entry in manifest["notes"])
    assert sum(len(entry["attachments"]) for entry in manifest["notes"]) == 6  # notes 1, 6, ... 36 but 16, 21

    state = import_archive(other_client, buffer.getvalue())
    assert state["message"] == "Imported 31 notes and 6 attachments.", state

    def notes_of(a_client):
        items = a_client.get("/api/v1/notes?per_page=100").json["items"]
        return sorted((n["title"], n["body"], n["tags"], n["pinned"]) for n in items)

    assert notes_of(other_client) == notes_of(client)
    assert len(notes_of(client)) == 31


def test_export_of_no_notes(app):
    with app.app_context():
        buffer = io.BytesIO()
        assert export.export_zip(buffer) == 0
    with zipfile.ZipFile(buffer) as archive:
        assert archive.namelist() == ["manifest.json"]
        raw = archive.read("manifest.json").decode()
    assert raw == json.dumps(json.loads(raw), ensure_ascii=False, indent=1)
    assert json.loads(raw)["notes"] == []


def test_streaming_zip_writes_what_zipfile_writes_and_keeps_no_entries():
    """The export's zip writer keeps each entry's record on disk, not in memory, and writes the
    same bytes as zipfile: past 65,535 entries too, where the archive needs ZIP64 records."""
    count = zipfile.ZIP_FILECOUNT_LIMIT + 10
    outputs = []
    for make in (lambda b: zipfile.ZipFile(b, "w", compression=zipfile.ZIP_STORED),
                 lambda b: export._StreamingZip(b, compression=zipfile.ZIP_STORED)):
        buffer = io.BytesIO()
        with make(buffer) as archive:
            for i in range(count):
                archive.writestr(zipfile.ZipInfo(f"notes/{i}.md", (2024, 1, 2, 3, 4, 6)), b"x")
            remembered = len(archive.NameToInfo)
        outputs.append((buffer.getvalue(), remembered))
    (plain, plain_names), (streamed, streamed_names) = outputs
    assert plain_names == count and streamed_names == 0
    assert streamed == plain
    with zipfile.ZipFile(io.BytesIO(streamed)) as archive:
        assert len(archive.infolist()) == count and archive.read(f"notes/{count - 1}.md") == b"x"


def test_duplicate_check_uses_the_title_index(app, client):
    """ix_notes_by_title is (deleted_at, pinned DESC, lower(title)): the duplicate check names
    pinned too, so each import checks a title in the index instead of reading every live note."""
    from sqlalchemy import event

    create(client, title="Pinned twin", body="same")
    create(client, title="Loose twin", body="same")
    create(client, title="Trashed twin", body="same")
    client.post("/notes/1/pin")
    client.post("/notes/3/trash")
    with app.app_context():
        statements = []

        def listener(_connection, _cursor, statement, parameters, _context, _many):
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            found = [importer._find_duplicate(note_service.validate(title, "same", []))
                     for title in ("PINNED TWIN", "loose twin", "Trashed twin")]
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert [note and note.id for note in found] == [1, 2, None]  # any pin; never the trash
        sql, params = statements[0]
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
    assert "USING INDEX ix_notes_by_title (deleted_at=? AND pinned=? AND <expr>=?)" in plan[0][-1], plan


def attach_linked(client, title: str, name: str, content: bytes) -> dict:
    """A note whose text links its own attachment, as the editor writes it."""
    from tests.webapp.test_attachments import upload

    note = create(client, title=title, body="see below")
    added = upload(client, note["id"], (name, content), json=True).json["attachments"][0]
    with client.application.app_context():
        stored = db.session.get(Note, note["id"])
        stored.body = f"Booking: [{name}]({added['url']})"
        db.session.commit()
    return {**note, "url": added["url"]}


@pytest.mark.parametrize("with_ids", [True, False], ids=["manifest with ids", "older manifest"])
def test_imported_links_lead_to_the_imported_files_when_ids_collide(client, other_client, with_ids):
    """Issue 26: the other installation has an attachment 1 of its own already."""
    attach_linked(client, "Trip", "booking.txt", b"the trip's booking")
    archive = export_bytes(client)
    if not with_ids:  # an archive from before the manifest kept attachment ids
        with zipfile.ZipFile(io.BytesIO(archive)) as original:
            entries = {name: original.read(name) for name in original.namelist()}
        manifest = json.loads(entries["manifest.json"])
        for item in manifest["notes"]:
            for attachment in item["attachments"]:
                del attachment["id"]
        archive = zip_of({**entries, "manifest.json": json.dumps(manifest)})
    mine = attach_linked(other_client, "Mine", "booking.txt", b"someone else's booking")
    assert import_archive(other_client, archive)["state"] == "finished"
    with other_client.application.app_context():
        trip = db.session.scalars(db.select(Note).filter_by(title="Trip")).one()
        body, revision = trip.body, trip.revisions[0].body
    link = body.split("(", 1)[1].rstrip(")")
    assert link != mine["url"] and revision == body
    for url, content in ((link, b"the trip's booking"), (mine["url"], b"someone else's booking")):
        with other_client.get(url) as response:
            assert response.data == content


def test_an_archive_that_inflates_like_a_bomb_as_a_whole_is_refused(client):
    """Issue 26: 150 entries each just under the per-entry check (the probe's 162 KB archive)."""
    entries = {f"note-{number}.md": "0" * ((1 << 20) - 1) for number in range(150)}
    state = import_archive(client, zip_of(entries))
    assert state["state"] == "failed" and "zip bomb" in state["message"]
    assert listed(client, "/") == []


def test_deeply_nested_manifests_and_front_matter_are_explained(client):
    """Issue 26: they failed with Python's raw recursion message."""
    deep = "[" * 100_000 + "]" * 100_000
    state = import_archive(client, zip_of({"manifest.json": deep, "a.md": "x"}))
    assert state["state"] == "failed" and "nested too deeply" in state["message"]
    state = import_archive(client, zip_of({"a.md": f"---\ntitle: {deep}\n---\n\nbody\n"}))
    assert state["state"] == "finished" and listed(client, "/")[0].startswith("[[[")  # kept as plain text
