"""Errors answer as the client asks (HTML or JSON) and never show a traceback."""

from __future__ import annotations

import pytest
from flask import Blueprint

from webapp import create_app
from webapp.config import TestingConfig


@pytest.fixture
def crashing_app(data_dir):
    """The app plus one route that raises, with Flask's test exception propagation off."""

    class NoPropagation(TestingConfig):
        PROPAGATE_EXCEPTIONS = False

    app = create_app(NoPropagation, instance_path=str(data_dir))
    bp = Blueprint("boom", __name__)

    @bp.get("/boom")
    @bp.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.register_blueprint(bp)
    return app


def test_404_is_an_html_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not Found" in response.get_data(as_text=True)
    assert "Back to your notes" in response.get_data(as_text=True)


def test_404_is_json_when_asked(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


def test_405_names_the_problem(client):
    response = client.post("/healthz", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"


def test_unexpected_error_shows_no_traceback(crashing_app, caplog):
    response = crashing_app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "secret internals" not in page and "Traceback" not in page
    assert "secret internals" in caplog.text  # ...but the log has it


def test_unexpected_api_error_is_json(crashing_app):
    response = crashing_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_server_error"
    assert "secret internals" not in response.get_data(as_text=True)


def test_the_500_page_is_titled_in_words(crashing_app):
    """Issue 26: it said "500 <property object at 0x...>"."""
    page = crashing_app.test_client().get("/boom").get_data(as_text=True)
    assert "Internal Server Error" in page and "property object" not in page


@pytest.mark.parametrize("depth", [100_000])
def test_a_deeply_nested_json_body_is_a_400(client, depth):
    """Issue 26: Python's JSON parser gives up past ~1,000 levels; that is bad input, not a 500."""
    response = client.post("/api/v1/notes", data="[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "malformed_json"
