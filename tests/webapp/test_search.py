"""Full-text search: ranking, prefixes, snippets, tag filter, odd input."""

from __future__ import annotations

import pytest

from tests.webapp.test_notes import create, listed, page


@pytest.fixture
def notes(client):
    create(client, title="Quarterly report", body="Revenue grew in the northern region.", tags="work")
    create(client, title="Garden", body="Plant tomatoes; report slugs to the neighbours.", tags="home")
    create(client, title="Café list", body="Best espresso in town.", tags="food")


def test_finds_words_and_highlights_them(client, notes):
    html = page(client, "/search?q=report")
    assert "2 notes found" in html
    assert "<mark>report</mark>" in html.lower() or "<mark>Report</mark>" in html
    assert listed(client, "/search?q=report") == ["Quarterly report", "Garden"]  # title matches rank first


def test_prefix_and_accent_insensitive(client, notes):
    assert listed(client, "/search?q=quart") == ["Quarterly report"]
    assert listed(client, "/search?q=cafe") == ["Café list"]


def test_all_words_must_match(client, notes):
    assert "1 note found" in page(client, "/search?q=report+slugs")


def test_tag_filter(client, notes):
    assert listed(client, "/search?q=report&tag=home") == ["Garden"]


def test_trashed_notes_are_not_found(client):
    note = create(client, title="Secret plan", body="hidden")
    client.post(f"/notes/{note['id']}/trash")
    assert "No notes contain" in page(client, "/search?q=secret")


def test_edits_are_indexed(client):
    note = create(client, title="Draft", body="alpha")
    client.post(note["edit_url"], data={"title": "Draft", "body": "omega", "version": note["version"]})
    assert "No notes contain" in page(client, "/search?q=alpha")
    assert listed(client, "/search?q=omega") == ["Draft"]


@pytest.mark.parametrize("query", ['"', "AND", "NEAR(", "*", "a OR", "-x", "title:", "(((", "\x00", "'; DROP TABLE notes; --"])
def test_fts_syntax_in_queries_is_harmless(client, notes, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200


def test_snippets_escape_note_content(client):
    create(client, title="xss", body="<img src=x onerror=alert(1)> findme")
    html = page(client, "/search?q=findme")
    assert "<img src=x" not in html
    assert "&lt;img" in html


def test_overlong_query_is_a_400(client):
    assert client.get("/search", query_string={"q": "a" * 501}).status_code == 400


def test_snippets_are_plain_text_not_markdown(client):
    create(client, title="Lisbon", body="# Lisbon\n- Book *flights* and a **room**\n- see [the tram](http://x/28)")
    html = page(client, "/search?q=flights")
    assert "<mark>flights</mark>" in html
    assert "*" not in html.split("<mark>flights</mark>")[0][-60:] and "- Book" not in html and "](" not in html
