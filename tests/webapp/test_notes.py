"""Writing, reading, pinning, trashing and restoring notes through the HTML pages."""

from __future__ import annotations

import pytest

from tests.support.html import elements, texts_of
from webapp.extensions import db
from webapp.models import Note, Tag

JSON = {"Accept": "application/json"}


def create(client, title="Groceries", body="- milk\n- bread", tags="home, errands", **extra):
    response = client.post("/notes/new", data={"title": title, "body": body, "tags": tags, **extra}, headers=JSON)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def listed(client, url: str) -> list[str]:
    """The note titles a list page shows."""
    return texts_of(page(client, url), "note-title")


def test_create_then_read(client):
    response = client.post("/notes/new", data={"title": "Groceries", "body": "- **milk**", "tags": "home"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Note saved." in html
    assert "<strong>milk</strong>" in html
    assert ">home</a>" in html


def test_list_shows_notes_pinned_first(client):
    first = create(client, title="First")
    create(client, title="Second")
    client.post(f"/notes/{first['id']}/pin")
    assert listed(client, "/") == ["First", "Second"]
    assert texts_of(page(client, "/"), "badge") == ["Pinned"]


def test_autosave_answers_json_with_the_new_version(client):
    note = create(client)
    response = client.post(note["edit_url"], data={"title": "Groceries", "body": "- eggs", "tags": "home",
                                                   "version": note["version"]}, headers=JSON)
    assert response.status_code == 200
    assert response.json["version"] == note["version"] + 1
    assert response.json["changed"] is True
    unchanged = client.post(note["edit_url"], data={"title": "Groceries", "body": "- eggs", "tags": "home",
                                                    "version": response.json["version"]}, headers=JSON)
    assert unchanged.json["changed"] is False


def test_stale_edit_is_refused_and_nothing_is_lost(client, app):
    note = create(client, body="original")
    client.post(note["edit_url"], data={"title": "t", "body": "edited in window A", "version": note["version"]})
    stale = client.post(note["edit_url"], data={"title": "t", "body": "edited in window B",
                                                "version": note["version"]}, headers=JSON)
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "version_conflict"
    with app.app_context():
        assert db.session.get(Note, note["id"]).body == "edited in window A"
    html = client.post(note["edit_url"], data={"title": "t", "body": "edited in window B",
                                               "version": note["version"]}).get_data(as_text=True)
    assert "edited in window B" in html  # the user's text is still in the editor


def test_validation_errors_are_shown_next_to_the_field(client):
    response = client.post("/notes/new", data={"title": "x" * 201, "body": "", "tags": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Field cannot be longer than 200 characters" in html
    bad_tags = client.post("/notes/new", data={"title": "t", "body": "", "tags": "a" * 65}, headers=JSON)
    assert bad_tags.status_code == 422
    assert "at most 64 characters" in bad_tags.json["error"]["fields"]["tags"]


def test_trash_restore_and_purge(client, app):
    note = create(client, title="Old idea")
    client.post(f"/notes/{note['id']}/trash")
    assert listed(client, "/") == []
    assert listed(client, "/trash") == ["Old idea"]
    assert client.get(note["view_url"]).status_code == 404
    client.post(f"/notes/{note['id']}/restore")
    assert listed(client, "/") == ["Old idea"]
    client.post(f"/notes/{note['id']}/trash")
    client.post("/trash/empty")
    assert "The trash is empty" in page(client, "/trash")
    with app.app_context():
        assert db.session.get(Note, note["id"]) is None


def test_purge_only_from_the_trash(client):
    note = create(client)
    assert client.post(f"/notes/{note['id']}/purge").status_code == 404


def test_every_save_keeps_a_revision_that_can_be_restored(client):
    note = create(client, body="version one")
    client.post(note["edit_url"], data={"title": "Groceries", "body": "version two", "tags": "home",
                                        "version": note["version"]})
    history = page(client, f"/notes/{note['id']}/revisions").split("<main")[1]
    assert history.count("<li>") == 2
    with client.application.app_context():
        first_revision = db.session.get(Note, note["id"]).revisions[-1]
        revision_url = f"/notes/{note['id']}/revisions/{first_revision.id}"
    html = page(client, revision_url)
    assert "version <del>one</del><ins>two</ins>" in html  # what changed, word by word
    client.post(revision_url + "/restore")
    assert "version one" in page(client, note["view_url"])
    assert page(client, f"/notes/{note['id']}/revisions").split("<main")[1].count("<li>") == 3  # nothing lost


def test_export_one_note_as_markdown(client):
    note = create(client, title="Trip / plan", body="Pack *light*", tags="travel")
    response = client.get(f"/notes/{note['id']}.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert 'filename="Trip plan.md"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith('---\ntitle: "Trip / plan"\ntags: ["travel"]\n')
    assert text.endswith("\n---\nPack *light*\n")


def test_pagination(client, app):
    app.config["NOTES_PER_PAGE"] = 2
    for i in range(5):
        create(client, title=f"Note {i}")
    assert "Page 1 of 3" in page(client, "/")
    assert "Note 0" in page(client, "/?page=3")


def pager(html: str) -> tuple[str, bool, bool]:
    """What the pagination shows: "Page n of m", and whether it links to newer / older notes."""
    nav = html.split('<nav class="pagination"')[1].split("</nav>")[0]
    return nav.split("<span>")[1].split("</span>")[0], 'rel="prev"' in nav, 'rel="next"' in nav


def test_pagination_counts_only_a_little_ahead(client, app, monkeypatch):
    """The list doesn't count every note: it knows there is a next page from one extra row, and
    its count stops COUNT_AHEAD notes past the page's first ("Page 1 of 2+")."""
    from webapp.services import notes as note_service

    monkeypatch.setattr(note_service, "COUNT_AHEAD", 4)
    app.config["NOTES_PER_PAGE"] = 2
    for i in range(9):
        create(client, title=f"Note {i}")
    assert pager(page(client, "/")) == ("Page 1 of 2+", False, True)  # counted 4 of 9: 2 pages at least
    assert pager(page(client, "/?page=2")) == ("Page 2 of 3+", True, True)
    assert pager(page(client, "/?page=4")) == ("Page 4 of 5", True, True)  # counted to the end: exact
    assert pager(page(client, "/?page=5")) == ("Page 5 of 5", True, False)
    assert listed(client, "/?page=5") == ["Note 0"]
    assert "Page 6" not in page(client, "/?page=6")  # past the end: no notes, no pager
    # Exactly two full pages: the last one has no "Older" link (the extra row isn't there).
    for note in client.get("/api/v1/notes?per_page=100").json["items"][:5]:
        client.post(f"/notes/{note['id']}/trash")
    assert pager(page(client, "/?page=1")) == ("Page 1 of 2", False, True)
    assert pager(page(client, "/?page=2")) == ("Page 2 of 2", True, False)
    assert pager(page(client, "/trash")) == ("Page 1 of 2+", False, True)
    assert pager(page(client, "/trash?page=3")) == ("Page 3 of 3", True, False)
    assert listed(client, "/?pinned=1") == [] and "Sort by" not in page(client, "/?pinned=1")


@pytest.mark.parametrize("query", ["?page=0", "?page=abc", "?page=-1", "?page=99999999999", "?sort=sideways"])
def test_bad_query_parameters_are_a_400(client, query):
    response = client.get("/" + query)
    assert response.status_code == 400
    assert "must be" in response.get_data(as_text=True)


def test_unknown_ids_are_404(client):
    for url in ("/notes/999", "/notes/999/edit", "/notes/999/revisions", "/notes/999/revisions/1", "/notes/999.md"):
        assert client.get(url).status_code == 404, url
    assert client.get("/notes/999", headers=JSON).json["error"]["code"] == "not_found"


def test_markdown_is_sanitised(client):
    payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "![x](javascript:alert(1))",
        "<iframe src='https://example.com'></iframe>",
        '<svg onload="alert(1)">',
    ]
    note = create(client, title="<script>alert('title')</script>", body="\n\n".join(payloads))
    html = page(client, note["view_url"])
    tags = elements(html)
    scripts = [attrs.get("src") for tag, attrs in tags if tag == "script"]
    assert [src.split("?")[0] for src in scripts] == ["/static/js/app.js"]  # ours, and nothing else
    assert not [tag for tag, _ in tags if tag in {"iframe", "svg", "object", "embed"}]
    for tag, attrs in tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (tag, attrs)
    assert texts_of(html, "rendered")[0].startswith("<script>alert(1)</script>")  # shown as text
    assert "<script>alert('title')</script>" in texts_of(html, "note")[0]  # the title, escaped


def test_first_time_user_sees_what_to_do(client):
    html = page(client, "/")
    assert "Write your first note" in html
    assert "Ctrl</kbd>+<kbd>N" in html


def test_list_previews_are_plain_text(client):
    create(client, title="Report", body="## Summary\n\nGrew **12%**, see [the chart](http://x).\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    create(client, title="", body="First line is the title\nand this is the preview")
    previews = texts_of(page(client, "/"), "excerpt")
    assert previews == ["and this is the preview", "Summary Grew 12%, see the chart. a b 1 2"]


@pytest.mark.parametrize("value", ["²", "١٢", "𝟙"])  # digits to str.isdigit(), not to int()
def test_unicode_digits_in_page_numbers_are_a_400(client, value):
    assert client.get("/", query_string={"page": value}).status_code == 400
    assert client.get("/api/v1/notes", query_string={"page": value}).status_code == 400


def test_trashing_offers_an_undo_that_puts_the_note_back(client):
    note = create(client, "Keep me")
    response = client.post(f"/notes/{note['id']}/trash", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "moved to the trash" in text and f'action="/notes/{note["id"]}/restore"' in text and ">Undo<" in text
    undone = client.post(f"/notes/{note['id']}/restore", data={"next": "/"})
    assert undone.status_code == 302 and undone.headers["Location"] == "/"  # back where the user was
    assert "Keep me" in page(client, "/") and "Keep me" not in page(client, "/trash")


def test_restoring_from_the_trash_stays_in_the_trash(client):
    for title in ("One", "Two"):
        client.post(f"/notes/{create(client, title)['id']}/trash")
    page(client, "/")  # where trashing leads: its messages (and their Undo) are shown there
    trash = page(client, "/trash")
    assert trash.count('name="next" value="/trash"') == 2
    first = create(client, "Three")
    client.post(f"/notes/{first['id']}/trash")
    response = client.post(f"/notes/{first['id']}/restore", data={"next": "/trash"})
    assert response.headers["Location"] == "/trash"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_next_never_leads_to_another_site(client, target):
    note = create(client)
    client.post(f"/notes/{note['id']}/trash")
    response = client.post(f"/notes/{note['id']}/restore", data={"next": target})
    assert response.headers["Location"] == f"/notes/{note['id']}"


def revision_count(app, note_id: int) -> int:
    from webapp.models import Revision

    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).where(Revision.note_id == note_id))


def test_autosaves_of_one_sitting_make_one_revision(client, app):
    note = create(client, "Draft", "a")  # the first revision
    version, amend = note["version"], None
    for body in ("a b", "a b c", "a b c d"):  # the editor's autosaves while typing
        data = {"title": "Draft", "body": body, "tags": "", "version": version}
        if amend:
            data["amend_revision"] = amend
        saved = client.post(note["edit_url"], data=data, headers=JSON).json
        version, amend = saved["version"], saved["revision_id"]
    assert revision_count(app, note["id"]) == 2  # the note as created, and this sitting
    # An explicit save (no amend) after the sitting starts the next revision.
    client.post(note["edit_url"], data={"title": "Draft", "body": "final", "tags": "", "version": version},
                headers=JSON)
    assert revision_count(app, note["id"]) == 3


def test_an_old_revision_is_never_amended(client, app):
    note = create(client, "Draft", "one")
    first = client.post(note["edit_url"], data={"title": "Draft", "body": "two", "tags": "",
                                                "version": note["version"]}, headers=JSON).json
    second = client.post(note["edit_url"], data={"title": "Draft", "body": "three", "tags": "",
                                                 "version": first["version"]}, headers=JSON).json
    client.post(note["edit_url"], data={"title": "Draft", "body": "four", "tags": "", "version": second["version"],
                                        "amend_revision": first["revision_id"]}, headers=JSON)  # stale: not the newest
    assert revision_count(app, note["id"]) == 4


def test_restoring_a_version_keeps_todays_tags_unless_asked(client, app):
    note = create(client, "Plan", "old text", tags="wrk")
    client.post(note["edit_url"], data={"title": "Plan", "body": "new text", "tags": "wrk",
                                        "version": note["version"]})
    with app.app_context():
        tag = db.session.scalar(db.select(Tag).where(Tag.key == "wrk"))
        tag_id = tag.id
        first = db.session.get(Note, note["id"]).revisions[-1].id
    client.post(f"/tags/{tag_id}/rename", data={"name": "work"})  # renamed since that version
    url = f"/notes/{note['id']}/revisions/{first}"
    assert "Also bring back its tags (wrk; now: work)" in page(client, url)  # offered, not done
    client.post(url + "/restore")
    view = page(client, note["view_url"])
    assert "old text" in view and ">work<" in view and ">wrk<" not in view
    client.post(url + "/restore", data={"with_tags": "1"})
    assert ">wrk<" in page(client, note["view_url"])  # asked for: the tags as they were


def test_single_emphasis_marks_leave_previews_too(client):
    create(client, title="Lisbon", body="Eat *pastel de nata* and _bolo_, keep snake_case and 2*3*4")
    assert texts_of(page(client, "/"), "excerpt") == ["Eat pastel de nata and bolo, keep snake_case and 2*3*4"]


def test_preview_renders_like_the_note_and_keeps_tables_aligned(client):
    html = client.post("/notes/preview", data={"body": "| a | b |\n|:--|--:|\n| 1 | 2 |"}).json["html"]
    assert '<th style="text-align:left">a</th>' in html and '<td style="text-align:right">2</td>' in html
    too_long = client.post("/notes/preview", data={"body": "x" * 1_000_001})
    assert too_long.status_code == 413 and too_long.json["error"]["code"] == "too_long"


def test_preview_needs_the_forms_token(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/notes/preview", data={"body": "x"}, headers=JSON)
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf_failed"
