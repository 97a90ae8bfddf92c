"""Hostile text in every user-controlled field is shown as text on every page, never run."""

from __future__ import annotations

import io

import pytest

from tests.support.html import elements

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>'
PAGES = ["/", "/notes/1", "/notes/1/edit", "/notes/1/revisions", "/notes/1/revisions/1", "/tags", "/trash",
         "/settings/", "/transfer/", "/sidebar", "/?tag=" + PAYLOAD, "/search?q=" + PAYLOAD, "/search?q=alert"]


@pytest.fixture
def hostile(client):
    """A note whose title, body, tag and attachment name all carry the payload."""
    client.post("/notes/new", data={"title": PAYLOAD[:200], "body": PAYLOAD + "\n\n[x](javascript:alert(4))",
                                    "tags": PAYLOAD[:60].replace(",", " ")})
    client.post("/notes/1/attachments", data={"files": [(io.BytesIO(b"data"), PAYLOAD[:100] + ".txt")]},
                content_type="multipart/form-data")
    client.post("/settings/tokens", data={"name": PAYLOAD[:100]})
    client.post("/notes/new", data={"title": "trashed " + PAYLOAD[:100], "body": "x"})
    client.post("/notes/2/trash")


@pytest.mark.parametrize("url", PAGES)
def test_payloads_are_inert_everywhere(client, hostile, url):
    response = client.get(url)
    assert response.status_code in {200, 404}, url
    html = response.get_data(as_text=True)
    for tag, attrs in elements(html):
        assert tag not in {"svg", "iframe", "object", "embed"}, (url, tag)
        if tag == "script":
            assert set(attrs) == {"src", "defer"} and attrs["defer"] is None, url
            assert attrs["src"].split("?")[0] in {"/static/js/app.js", "/static/vendor/editor.js"}, url
        if tag == "img":
            assert attrs.get("src", "").startswith("/static/") or attrs.get("src", "").startswith("/attachments/"), url
        assert not [name for name in attrs if name.startswith("on")], (url, tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:"), (url, tag, attrs)
