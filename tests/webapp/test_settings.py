"""Settings: appearance and defaults persist; API tokens are created once and revocable."""

from __future__ import annotations

import re

from tests.support.html import elements, texts_of
from tests.webapp.test_notes import create, listed, page


def html_attrs(client, url="/"):
    return next(attrs for tag, attrs in elements(page(client, url)) if tag == "html")


def test_defaults(client):
    assert html_attrs(client) == {"lang": "en", "data-theme": "system", "data-font-size": "16"}


def test_saved_settings_apply_everywhere(client):
    response = client.post("/settings/", data={"theme": "dark", "font_size": "20", "default_sort": "title"},
                           follow_redirects=True)
    assert "Settings saved." in response.get_data(as_text=True)
    assert html_attrs(client)["data-theme"] == "dark"
    assert html_attrs(client, "/tags")["data-font-size"] == "20"
    create(client, title="beta")
    create(client, title="Alpha")
    assert listed(client, "/") == ["Alpha", "beta"]  # the default order is now by title


def test_bad_values_are_refused_with_a_message(client):
    response = client.post("/settings/", data={"theme": "neon", "font_size": "99", "default_sort": "title"})
    assert response.status_code == 422
    errors = texts_of(response.get_data(as_text=True), "field-error")
    assert "Not a valid choice." in errors
    assert "Number must be between 12 and 24." in errors
    assert html_attrs(client)["data-theme"] == "system"  # nothing half-saved


def test_token_is_shown_once_and_works_until_revoked(client):
    html = client.post("/settings/tokens", data={"name": "backup script"}).get_data(as_text=True)
    token = texts_of(html, "token")[0]
    assert re.fullmatch(r"ink_[\w-]{43}", token)
    assert token not in page(client, "/settings/")  # never shown again
    assert "backup script" in page(client, "/settings/")
    assert client.get("/api/v1/notes", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    client.post("/settings/tokens/1/revoke")
    assert client.get("/api/v1/notes", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/settings/tokens/1/revoke").status_code == 404
