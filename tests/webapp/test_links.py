"""Inkwell's app links (inkwell://...) and the note's "Copy link"."""

from __future__ import annotations

import pytest

from tests.webapp.test_notes import create
from webapp.links import open_link


@pytest.mark.parametrize(("link", "page"), [
    ("inkwell://note/42", "/notes/42"), ("inkwell://search?q=tram%2028", "/search?q=tram+28"),
    ("inkwell://", "/"), ("INKWELL://NOTE/7", "/notes/7"),
])
def test_each_link_shows_its_page(app, link, page):
    with app.test_request_context("/"):
        assert open_link(link) == page


@pytest.mark.parametrize("link", ["inkwell://settings", "inkwell://note/abc", "inkwell://note/1/trash",
                                  "inkwell://transfer/export.zip"])
def test_other_links_are_refused_with_what_a_link_looks_like(app, link):
    with app.test_request_context("/"), pytest.raises(ValueError, match=r"inkwell://note/42"):
        open_link(link)


def test_copy_link_is_offered_in_the_desktop_app_only(app, client):
    note = create(client, "Trip")
    assert b"Copy link" not in client.get(note["view_url"]).data  # a web page: the link would open nothing
    app.config["DESKTOP_URL_SCHEME"] = "inkwell"
    page = client.get(note["view_url"]).get_data(as_text=True)
    assert f'data-copy="inkwell://note/{note["id"]}"' in page
