"""Forms are protected against cross-site request forgery."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def token(client) -> str:
    html = client.get("/notes/new").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_form_without_token_is_refused(csrf_client):
    response = csrf_client.post("/notes/new", data={"title": "forged", "body": "x"})
    assert response.status_code == 400
    assert "expired or did not come from this app" in response.get_data(as_text=True)
    assert "forged" not in csrf_client.get("/").get_data(as_text=True)


def test_autosave_without_token_is_a_json_400(csrf_client):
    response = csrf_client.post("/notes/new", data={"title": "forged"}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"


def test_form_with_token_works(csrf_client):
    response = csrf_client.post("/notes/new", data={"title": "real", "body": "x", "csrf_token": token(csrf_client)})
    assert response.status_code == 302


def test_actions_need_the_token_too(csrf_client):
    response = csrf_client.post("/trash/empty")
    assert response.status_code == 400
