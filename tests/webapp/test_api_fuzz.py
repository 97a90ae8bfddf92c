"""Property-based tests: whatever is thrown at the API, no 5xx, and saved notes stay intact."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["title", "body", "tags", "pinned", "version"]
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=5)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=20)
note_bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), json_values, max_size=6)
query_values = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def sentinel(client):
    """A note saved before the fuzzing; it must come out exactly as it went in."""
    response = client.post("/api/v1/notes", json={"title": "Keep me", "body": "precious text", "tags": ["safe"]})
    return response.json


def assert_intact(client, sentinel):
    assert client.get(f"/api/v1/notes/{sentinel['id']}").json == sentinel


@FUZZ
@given(body=json_values | note_bodies)
def test_create_never_fails_on_the_server(client, sentinel, body):
    response = client.post("/api/v1/notes", json=body)
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.status_code in {201, 400, 415, 422}
    if response.status_code >= 400:
        assert response.json["error"]["message"]
    assert_intact(client, sentinel)


@FUZZ
@given(body=json_values | note_bodies)
def test_updates_never_fail_on_the_server(client, sentinel, body):
    target = client.post("/api/v1/notes", json={"title": "target"}).json
    response = client.patch(f"/api/v1/notes/{target['id']}", json=body)
    assert response.status_code in {200, 400, 409, 415, 422}, response.get_data(as_text=True)
    assert_intact(client, sentinel)


@FUZZ
@given(raw=st.binary(max_size=200), content_type=st.sampled_from(["application/json", "text/plain", "", "application/json; charset=latin-1"]))
def test_raw_bytes_never_fail_on_the_server(client, sentinel, raw, content_type):
    response = client.post("/api/v1/notes", data=raw, content_type=content_type)
    assert response.status_code in {201, 400, 415, 422}
    assert_intact(client, sentinel)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["page", "per_page", "tag", "sort", "trashed", "q"]), query_values, max_size=4),
       path=st.sampled_from(["/api/v1/notes", "/api/v1/search", "/", "/search", "/trash"]))
def test_query_parameters_never_fail_on_the_server(client, sentinel, params, path):
    response = client.get(path, query_string=params)
    assert response.status_code in {200, 400, 404}, (path, params, response.status_code)
    assert_intact(client, sentinel)


@FUZZ
@given(title=st.text(max_size=250), body=st.text(max_size=2000), tags=st.text(max_size=300))
def test_html_form_never_fails_on_the_server(client, sentinel, title, body, tags):
    response = client.post("/notes/new", data={"title": title, "body": body, "tags": tags})
    assert response.status_code in {302, 422}
    assert_intact(client, sentinel)
