"""Files opened with the desktop app (double-click, command line, a later launch) become notes."""

from __future__ import annotations

import pytest

from tests.webapp.test_notes import create
from tests.webapp.test_transfer import export_bytes
from webapp.extensions import db
from webapp.models import Note
from webapp.services.importer import open_file


def open_in_app(app, path):
    with app.test_request_context("/"):
        return open_file(path)


def test_a_markdown_file_becomes_a_note_and_opens(app, client, tmp_path):
    path = tmp_path / "Trip plan.md"
    path.write_text('---\ntitle: "Trip to Porto"\ntags: ["travel"]\n---\n\nTrain at 9.\n', encoding="utf-8")
    page = open_in_app(app, path)
    assert page.startswith("/notes/")
    html = client.get(page).get_data(as_text=True)
    assert "Trip to Porto" in html and "Train at 9." in html and "travel" in html


def test_the_file_name_is_the_title_without_front_matter(app, tmp_path):
    path = tmp_path / "Groceries.md"
    path.write_bytes(b"\xef\xbb\xbf- milk\r\n- bread\r\n")  # a BOM and Windows line ends, as Notepad writes
    page = open_in_app(app, path)
    with app.app_context():
        note = db.session.get(Note, int(page.rsplit("/", 1)[1]))
        assert note.title == "Groceries" and note.body == "- milk\n- bread"


def test_opening_the_same_file_twice_makes_no_duplicate(app, tmp_path):
    path = tmp_path / "Once.md"
    path.write_text("only once\n", encoding="utf-8")
    assert open_in_app(app, path) == open_in_app(app, path)
    with app.app_context():
        assert db.session.query(Note).filter_by(title="Once").count() == 1


@pytest.fixture
def exported(app, client, tmp_path):
    """An export of one note, the note then deleted from the app."""
    create(client, "Exported note", "body")
    archive = tmp_path / "inkwell-export.zip"
    archive.write_bytes(export_bytes(client))
    with app.app_context():
        db.session.query(Note).delete()
        db.session.commit()
    return archive


def test_an_export_archive_is_imported(app, client, exported):
    page = open_in_app(app, exported)
    assert "Exported note" not in client.get("/").get_data(as_text=True)  # not before the user says so
    question = client.get(page).get_data(as_text=True)
    assert "Import “inkwell-export.zip”?" in question and "Don’t import" in question
    job = client.post(page.split("?")[0], data={"answer": "import"}, follow_redirects=True)
    assert job.status_code == 200
    wait_until_listed(client, "Exported note")
    assert client.post(page.split("?")[0], data={"answer": "import"}).status_code == 404  # once only


def wait_until_listed(client, title: str) -> None:
    from tests.support.processes import wait_for

    wait_for(lambda: title in client.get("/").get_data(as_text=True), timeout=10)


def test_an_opened_archive_can_be_left_unimported(app, client, exported):
    page = open_in_app(app, exported).split("?")[0]
    assert client.post(page, data={"answer": "cancel"}).headers["Location"] == "/"
    assert client.get(page).status_code == 404
    with app.app_context():
        assert db.session.query(Note).count() == 0


def test_an_opened_zip_bomb_is_refused_before_the_question(app, tmp_path):
    import zipfile

    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(20):
            archive.writestr(f"note-{number}.md", "a" * ((1 << 20) - 1))  # each just under the per-entry check
    with pytest.raises(ValueError, match="zip bomb"):
        open_in_app(app, path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("report.pdf", b"%PDF-1.7", "not .pdf files"),
    ("README", b"text", "not files without an extension"),
    ("latin1.md", "caf\xe9".encode("latin-1"), "not UTF-8 text"),
    ("broken.zip", b"PK\x03\x04 not really", "not a zip archive"),
])
def test_files_it_cannot_open_are_refused_with_a_reason(app, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        open_in_app(app, path)
    with app.app_context():
        assert db.session.query(Note).count() == 0  # nothing half-imported


def test_a_missing_file_is_an_os_error(app, tmp_path):
    with pytest.raises(FileNotFoundError):
        open_in_app(app, tmp_path / "gone.md")
