"""The app's own Flask CLI commands."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Note, Revision


def test_seed_demo_adds_realistic_notes(runner, app):
    result = runner.invoke(args=["seed-demo", "120"])
    assert result.exit_code == 0, result.output
    assert "Added 120 notes" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Note.id))) == 120
        assert db.session.scalar(select(func.count(Revision.id))) == 120
        note = db.session.scalars(select(Note)).first()
        assert note.title and len(note.body) > 20


def test_seeded_notes_are_searchable(runner, client):
    runner.invoke(args=["seed-demo", "50"])
    response = client.get("/search?q=the")  # function words are indexed like any other
    assert response.status_code == 200


def test_seed_demo_refuses_bad_counts(runner):
    result = runner.invoke(args=["seed-demo", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range" in result.output
