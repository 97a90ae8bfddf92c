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
from webapp.services import attachments, importer

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
