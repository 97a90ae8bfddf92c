"""The JSON API, checked against its own OpenAPI document on every call."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate as validate_spec

from tests.support.openapi import CheckedClient
from webapp.apispec import document
from webapp.extensions import db
from webapp.services import tokens


@pytest.fixture
def api(client):
    return CheckedClient(client, client.get("/api/v1/openapi.json").json)


def new_note(api, **fields):
    body = {"title": "Plan", "body": "Step *one*", "tags": ["work"], **fields}
    response = api.post("/api/v1/notes", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_the_document_is_valid_openapi(client):
    served = client.get("/api/v1/openapi.json").json
    assert served == document()
    validate_spec(served)


def test_create_read_list(api):
    note = new_note(api, pinned=True)
    assert note["tags"] == ["work"] and note["pinned"] is True and note["version"] == 1
    assert api.get(f"/api/v1/notes/{note['id']}").json == note
    listing = api.get("/api/v1/notes?per_page=5").json
    assert listing["total"] == 1 and listing["items"][0]["id"] == note["id"]


def test_location_header(api):
    response = api.post("/api/v1/notes", json={"title": "x"})
    assert response.headers["Location"] == f"/api/v1/notes/{response.json['id']}"


def test_update_with_version(api):
    note = new_note(api)
    changed = api.patch(f"/api/v1/notes/{note['id']}", json={"body": "Step two", "version": 1}).json
    assert changed["body"] == "Step two" and changed["version"] == 2 and changed["tags"] == ["work"]
    stale = api.patch(f"/api/v1/notes/{note['id']}", json={"body": "lost?", "version": 1})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "version_conflict"
    assert api.get(f"/api/v1/notes/{note['id']}").json["body"] == "Step two"


def test_pin_through_patch(api):
    note = new_note(api)
    assert api.patch(f"/api/v1/notes/{note['id']}", json={"pinned": True, "version": 1}).json["pinned"] is True


def test_trash_restore_purge(api):
    note = new_note(api)
    path = f"/api/v1/notes/{note['id']}"
    assert api.delete(path, headers={"Content-Type": "application/json"}).status_code == 204
    assert api.get(path).json["deleted_at"] is not None
    assert api.get("/api/v1/notes?trashed=true").json["total"] == 1
    assert api.patch(path, json={"body": "x", "version": 1}).json["error"]["code"] == "in_trash"
    assert api.post(path + "/restore", json={}).json["deleted_at"] is None
    assert api.delete(path + "?permanent=true", headers={"Content-Type": "application/json"}).status_code == 409
    api.delete(path, headers={"Content-Type": "application/json"})
    assert api.delete(path + "?permanent=true", headers={"Content-Type": "application/json"}).status_code == 204
    assert api.get(path).status_code == 404


def test_tags_and_search(api):
    new_note(api, title="Garden", body="tomatoes and basil", tags=["home", "garden"])
    new_note(api, title="Work", body="quarterly tomatoes report", tags=["work"])
    tags = {t["name"]: t["notes"] for t in api.get("/api/v1/tags").json["items"]}
    assert tags == {"garden": 1, "home": 1, "work": 1}
    results = api.get("/api/v1/search?q=tomato").json
    assert results["total"] == 2
    assert "<mark>tomatoes</mark>" in results["items"][0]["snippet_html"]
    assert [i["note"]["title"] for i in api.get("/api/v1/search?q=tomato&tag=home").json["items"]] == ["Garden"]


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"title": 5}, "title", "must be a string"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"tags": "work"}, "tags", "must be a list"),
        ({"tags": [1, 2]}, "tags", "every item must be a string"),
        ({"tags": ["a" * 65]}, "tags", "at most 64"),
        ({"tags": ["a,b"]}, "tags", "comma"),
        ({"pinned": "yes"}, "pinned", "true or false"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_bad_fields_are_named(api, body, field, message):
    response = api.post("/api/v1/notes", json=body)
    assert response.status_code == 422
    assert message in response.json["error"]["fields"][field]


def test_malformed_and_non_json_bodies(api):
    assert api.post("/api/v1/notes", data="{not json", content_type="application/json").json["error"]["code"] == "malformed_json"
    assert api.post("/api/v1/notes", json=[1, 2]).status_code == 422
    assert api.post("/api/v1/notes", data="title=x").status_code == 415  # a cross-site form can't do more


def test_version_is_required_for_changes(api):
    note = new_note(api)
    response = api.patch(f"/api/v1/notes/{note['id']}", json={"body": "x"})
    assert response.json["error"]["fields"]["version"] == "this field is required"


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=101", "per_page=-1", "sort=up", "trashed=maybe"])
def test_bad_parameters_are_400(api, query):
    response = api.get("/api/v1/notes?" + query)
    assert response.status_code == 400
    assert response.json["error"]["fields"]


def test_unknown_ids_are_json_404(api):
    assert api.get("/api/v1/notes/424242").json["error"]["code"] == "not_found"
    assert api.get("/api/v1/notes?tag=nope").status_code == 404


def test_tokens(client, app):
    with app.app_context():
        _, token = tokens.create("script")
        stored = db.session.execute(db.text("SELECT token_hash FROM api_tokens")).scalar()
    assert token.startswith("ink_") and token not in stored  # only the hash is kept
    ok = client.get("/api/v1/notes", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    for header in (f"Bearer {token}x", "Bearer ", "Basic abc", token):
        response = client.get("/api/v1/notes", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json["error"]["code"] == "invalid_token"


def test_attachments_through_the_api(api, app):
    import io

    with app.app_context():
        _, token = tokens.create("uploader")
    auth = {"Authorization": f"Bearer {token}"}
    note = new_note(api)
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    path = f"/api/v1/notes/{note['id']}/attachments"
    no_token = api.post(path, data={"files": (io.BytesIO(png), "a.png")}, content_type="multipart/form-data")
    assert no_token.status_code == 401 and no_token.json["error"]["code"] == "token_required"
    created = api.post(path, data={"files": [(io.BytesIO(png), "a.png"), (io.BytesIO(b"hi"), "b.txt")]},
                       content_type="multipart/form-data", headers=auth)
    assert created.status_code == 201
    assert [(a["name"], a["content_type"]) for a in created.json["items"]] == [
        ("a.png", "image/png"), ("b.txt", "application/octet-stream")]
    assert len(api.get(path).json["items"]) == 2
    refused = api.post(path, data={"files": [(io.BytesIO(png), "c.png"), (io.BytesIO(b""), "empty.txt")]},
                       content_type="multipart/form-data", headers=auth)
    assert refused.status_code == 422 and refused.json["error"]["fields"] == {"empty.txt": "the file is empty"}
    assert len(api.get(path).json["items"]) == 2  # all or nothing
    first = created.json["items"][0]["id"]
    assert api.delete(f"/api/v1/attachments/{first}", headers={"Content-Type": "application/json"}).status_code == 204
    assert [a["name"] for a in api.get(path).json["items"]] == ["b.txt"]
    assert api.delete(f"/api/v1/attachments/{first}", headers={"Content-Type": "application/json"}).status_code == 404


def test_a_wrong_method_names_the_right_ones(client):
    """RFC 9110: a 405 carries Allow, for the API and the pages alike."""
    response = client.delete("/api/v1/search")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    page = client.put("/notes/new")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_search_without_q_is_refused_as_documented(client):
    response = client.get("/api/v1/search")
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"q": "required"}
    assert client.get("/api/v1/search?q=").status_code == 200


def test_the_document_requires_a_file_for_an_upload_as_the_api_does(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/notes/{note_id}/attachments"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["files"] and schema["properties"]["files"]["minItems"] == 1
