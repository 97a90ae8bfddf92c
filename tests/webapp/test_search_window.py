"""Search when a query matches more notes than the pages can show: only the newest matches
are ranked (sqlite.RANK_WINDOW), so a very common word costs no more than a rare one.

The window is shrunk to a handful of notes here so a few notes exercise it.
"""

from __future__ import annotations

import pytest

from tests.webapp.test_notes import create
from webapp import sqlite
from webapp.services import tags as tag_service
from webapp.services.search import search

CAP = 4


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(sqlite, "COUNT_CAP", CAP)
    monkeypatch.setattr(sqlite, "RANK_WINDOW", CAP + 1)


def found(app, query, **kwargs):
    with app.app_context():
        if "tag" in kwargs:
            kwargs["tag"] = tag_service.find(kwargs["tag"])
        results = search(query, **kwargs)
        return [hit.note.title for hit in results.hits], results.total


def test_under_the_cap_every_match_is_ranked(client, app, small_window):
    create(client, title="Budget", body="the plan", tags="")  # the oldest, and the best match
    for n in range(CAP - 1):
        create(client, title=f"Note {n}", body="a budget line among other words", tags="")
    titles, total = found(app, "budget")
    assert total == CAP
    assert titles[0] == "Budget"


def test_beyond_the_cap_the_newest_matches_are_ranked(client, app, small_window):
    create(client, title="Budget", body="the plan", tags="")  # best match, but older than the window
    for n in range(CAP + 2):
        create(client, title=f"Note {n}", body="a budget line among other words", tags="")
    create(client, title="Budget review", body="the budget", tags="")  # newest and a title match
    titles, total = found(app, "budget", per_page=10)
    assert total == CAP + 1  # "more than CAP"
    assert "Budget" not in titles
    assert titles[0] == "Budget review"  # best first within the window
    assert sorted(titles[1:]) == [f"Note {n}" for n in range(CAP - 2, CAP + 2)]


def test_trashed_notes_take_no_place_in_the_window(client, app, small_window):
    for n in range(CAP + 2):
        create(client, title=f"Note {n}", body="budget", tags="")
    for n in range(3):
        note = create(client, title=f"Trashed {n}", body="budget", tags="")
        client.post(f"/notes/{note['id']}/trash")
    titles, total = found(app, "budget", per_page=10)
    assert total == CAP + 1
    assert sorted(titles) == [f"Note {n}" for n in range(1, CAP + 2)]


def test_the_window_is_taken_among_the_tagged_notes(client, app, small_window):
    for n in range(2):
        create(client, title=f"Tagged {n}", body="budget", tags="work")
    for n in range(CAP + 2):
        create(client, title=f"Other {n}", body="budget", tags="home")
    titles, total = found(app, "budget", tag="work")
    assert total == 2
    assert sorted(titles) == ["Tagged 0", "Tagged 1"]


def test_equal_scores_page_without_repeats_or_gaps(client, app):
    ids = [create(client, title="Same", body="identical text", tags="")["id"] for _ in range(5)]
    with app.app_context():
        pages = [[hit.note.id for hit in search("identical", page=page, per_page=2).hits] for page in (1, 2, 3)]
    assert pages == [ids[::-1][0:2], ids[::-1][2:4], ids[::-1][4:]]  # ties: newest first


def test_a_page_past_the_end_still_counts_the_matches(client, app):
    for n in range(3):
        create(client, title=f"Note {n}", body="budget", tags="")
    assert found(app, "budget", page=5) == ([], 3)
    assert found(app, "nothing-like-this") == ([], 0)
