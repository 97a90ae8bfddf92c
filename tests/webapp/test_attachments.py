"""Attachments: upload, inline images, safe downloads, limits, cleanup."""

from __future__ import annotations

import io

from tests.support.html import elements, texts_of
from tests.webapp.test_notes import create, page
from webapp.services import attachments

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def upload(client, note_id, *files, json=False):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/notes/{note_id}/attachments", data=data, content_type="multipart/form-data", headers=headers)


def test_upload_and_show(client, app):
    note = create(client)
    response = upload(client, note["id"], ("photo.png", PNG), ("notes.txt", b"plain words"), json=True)
    assert response.status_code == 201
    added = response.json["attachments"]
    assert [(a["name"], a["image"]) for a in added] == [("photo.png", True), ("notes.txt", False)]
    html = page(client, note["view_url"])
    images = [attrs for tag, attrs in elements(html) if tag == "img" and "attachments" in (attrs.get("src") or "")]
    assert images == [{"src": added[0]["url"], "alt": "photo.png", "loading": "lazy"}]
    with app.app_context():
        stored = sorted(p.name for p in attachments.storage_dir().iterdir())
    assert len(stored) == 2 and not any("photo" in name for name in stored)  # generated names


def test_images_inline_everything_else_downloads(client):
    note = create(client)
    added = upload(client, note["id"], ("photo.png", PNG), ("page.html", b"<script>alert(1)</script>"),
                   ("fake.png", b"<script>alert(1)</script>"), json=True).json["attachments"]
    with client.get(added[0]["url"]) as image:
        assert image.mimetype == "image/png"
        assert image.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in image.headers["Content-Security-Policy"]
        assert not image.headers.get("Content-Disposition", "").startswith("attachment")
    for hostile in added[1:]:
        with client.get(hostile["url"]) as response:
            assert response.mimetype == "application/octet-stream"  # decided from the bytes, not the name
            assert response.headers["Content-Disposition"].startswith("attachment")


def test_markdown_can_show_an_attached_image(client):
    note = create(client)
    url = upload(client, note["id"], ("photo.png", PNG), json=True).json["attachments"][0]["url"]
    client.post(note["edit_url"], data={"title": "t", "body": f"![a photo]({url})", "version": note["version"]})
    rendered = page(client, note["view_url"]).split('class="rendered"')[1]
    assert f'<img src="{url}" alt="a photo">' in rendered


def test_empty_and_missing_files_are_explained(client):
    note = create(client)
    response = upload(client, note["id"], ("empty.txt", b""), json=True)
    assert response.status_code == 422
    assert response.json["problems"] == ["empty.txt: the file is empty."]
    response = client.post(f"/notes/{note['id']}/attachments", data={}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "Choose at least one file." in texts_of(response.get_data(as_text=True), "flash")


def test_oversize_upload_is_a_friendly_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    note = create(client)
    response = upload(client, note["id"], ("big.png", PNG + b"\x00" * 5000))
    assert response.status_code == 413
    assert "The file is larger than" in response.get_data(as_text=True)


def test_odd_file_names(client):
    note = create(client)
    names = ["../../etc/passwd", "C:\\\\Windows\\\\evil.exe", "a\x00b.txt", "x" * 300 + ".txt", "ünïcødé 😀.txt", "...."]
    added = upload(client, note["id"], *[(n, b"data") for n in names], json=True).json["attachments"]
    shown = [a["name"] for a in added]
    assert shown[0] == "passwd" and shown[1] == "evil.exe" and shown[2] == "ab.txt"
    assert len(shown[3]) == 255 and shown[3].endswith(".txt")
    assert shown[4] == "ünïcødé 😀.txt" and shown[5] == "file"
    for a in added:
        with client.get(a["url"]) as response:
            assert response.status_code == 200


def test_path_traversal_in_urls_finds_nothing(client):
    note = create(client)
    upload(client, note["id"], ("photo.png", PNG))
    for url in ("/attachments/1/../../../etc/passwd", "/attachments/..%2F..%2Fsecret_key", "/attachments/999/x.png",
                "/attachments/x/photo.png"):
        with client.get(url) as response:
            assert response.status_code == 404, url


def test_remove_and_purge_delete_the_files(client, app):
    note = create(client)
    upload(client, note["id"], ("a.png", PNG), ("b.png", PNG))
    with app.app_context():
        folder = attachments.storage_dir()
    assert len(list(folder.iterdir())) == 2
    client.post("/attachments/1/delete")
    assert len(list(folder.iterdir())) == 1
    client.post(f"/notes/{note['id']}/trash")
    client.post(f"/notes/{note['id']}/purge")
    assert list(folder.iterdir()) == []


def test_sizes_read_as_people_write_them(client):
    note = create(client, "Sizes")
    upload(client, note["id"], ("tiny.txt", b"6bytes"), ("page.txt", b"x" * 1536))
    text = client.get(note["view_url"]).get_data(as_text=True)
    assert "6 Bytes" in text and "1.5 kB" in text and "0.0 KB" not in text


def test_the_attach_button_puts_the_files_in_the_note(client):
    note = create(client, "Trip", "Plan")
    client.post(f"/notes/{note['id']}/attachments", data={"files": [(io.BytesIO(PNG), "map.png"),
                                                                      (io.BytesIO(b"x"), "tickets.pdf")],
                                                             "insert": "1"}, content_type="multipart/form-data")
    text = client.get(note["view_url"]).get_data(as_text=True)
    assert 'alt="map.png"' in text and ">tickets.pdf</a>" in text
    editor = client.get(note["edit_url"]).get_data(as_text=True)
    assert "Plan\n\n![map.png](/attachments/" in editor  # in the note's own text, after what was there
    assert 'data-insert-link="[tickets.pdf](/attachments/' in editor  # and listed in the editor
