"""Tags: many per note, filter, rename, merge."""

from __future__ import annotations

from tests.webapp.test_notes import create, listed, page
from webapp.extensions import db
from webapp.models import Tag


def tag_id(app, name: str) -> int:
    with app.app_context():
        return db.session.query(Tag).filter_by(key=name.lower()).one().id


def test_tags_are_deduplicated_without_case(client):
    note = create(client, tags="Work, work, WORK, ideas")
    html = page(client, note["view_url"])
    assert html.count('class="tag"') == 2


def test_filter_by_tag(client):
    create(client, title="Report", tags="work")
    create(client, title="Holiday", tags="travel")
    assert listed(client, "/?tag=work") == ["Report"]
    assert client.get("/?tag=nope").status_code == 404


def test_rename_a_tag(client, app):
    create(client, title="Report", tags="wrk")
    client.post(f"/tags/{tag_id(app, 'wrk')}/rename", data={"name": "work"})
    assert listed(client, "/?tag=work") == ["Report"]


def test_renaming_onto_an_existing_tag_merges(client, app):
    create(client, title="A", tags="todo")
    create(client, title="B", tags="to-do")
    create(client, title="C", tags="todo, to-do")
    response = client.post(f"/tags/{tag_id(app, 'to-do')}/rename", data={"name": "TODO"}, follow_redirects=True)
    assert "Merged “to-do” into “todo”." in response.get_data(as_text=True)
    assert sorted(listed(client, "/?tag=todo")) == ["A", "B", "C"]
    assert "to-do" not in page(client, "/tags")


def test_bad_tag_names_are_explained(client, app):
    create(client, tags="ok")
    response = client.post(f"/tags/{tag_id(app, 'ok')}/rename", data={"name": "a,b"}, follow_redirects=True)
    assert "can&#39;t contain a comma" in response.get_data(as_text=True)


def test_tags_page_counts_live_notes(client):
    note = create(client, tags="solo")
    create(client, tags="solo")
    client.post(f"/notes/{note['id']}/trash")
    html = page(client, "/tags")
    assert "<td>1</td>" in html


def test_deleting_a_tag_takes_it_off_the_notes_and_keeps_them(client, app):
    create(client, "Milk", tags="home, errands")
    create(client, "Bread", tags="errands")
    with app.app_context():
        tag_id = db.session.scalar(db.select(Tag.id).where(Tag.key == "errands"))
    assert "Delete the tag “errands”? It comes off 2 note(s)" in page(client, "/tags")
    response = client.post(f"/tags/{tag_id}/delete", follow_redirects=True)
    assert "Deleted the tag “errands” from 2 notes; the notes stay." in response.get_data(as_text=True)
    assert sorted(listed(client, "/")) == ["Bread", "Milk"]
    assert listed(client, "/?tag=home") == ["Milk"]
    with app.app_context():
        assert db.session.scalar(db.select(Tag).where(Tag.key == "errands")) is None
    assert client.post(f"/tags/{tag_id}/delete").status_code == 404
