"""Several clients writing at once over real HTTP: no "database is locked", a consistent history."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Note, Revision

CLIENTS = 8
WRITES_EACH = 20


def call(server, method: str, path: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        server.url + path.lstrip("/"), data=json.dumps(payload).encode(), method=method,
        headers={"Content-Type": "application/json", "Cookie": server.guard.cookie_header()})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.load(exc)


def run_clients(client, timeout: float) -> None:
    """`client(number)` on CLIENTS threads at once; wait for them all."""
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def test_parallel_writers_get_answers_not_lock_errors(app, live_server):
    status, shared = call(live_server, "POST", "api/v1/notes", {"title": "Shared", "body": "v1"})
    assert status == 201
    statuses: Counter = Counter()
    created: list[int] = []
    edits_accepted: list[int] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for write in range(WRITES_EACH):
            if write % 2:  # everyone also edits the same note: optimistic locking decides
                with urllib.request.urlopen(urllib.request.Request(
                        f"{live_server.url}api/v1/notes/{shared['id']}",
                        headers={"Cookie": live_server.guard.cookie_header()}), timeout=30) as response:
                    version = json.load(response)["version"]
                status, body = call(live_server, "PATCH", f"api/v1/notes/{shared['id']}",
                                    {"body": f"edit by {number}.{write}", "version": version})
                if status == 200:
                    with lock:
                        edits_accepted.append(body["version"])
            else:
                status, body = call(live_server, "POST", "api/v1/notes",
                                    {"title": f"client {number} note {write}", "body": "x" * (write * 50)})
                if status == 201:
                    with lock:
                        created.append(body["id"])
            with lock:
                statuses[status] += 1

    run_clients(client, timeout=120)

    assert set(statuses) <= {200, 201, 409}, statuses  # a conflict is an answer; a 5xx is not
    assert statuses[201] == CLIENTS * WRITES_EACH // 2  # every create went through
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Note)) == 1 + len(created)
        revisions = db.session.scalar(select(func.count()).where(Revision.note_id == shared["id"]))
        note = db.session.get(Note, shared["id"])
        # One revision per accepted change (plus the first), versions without gaps or repeats.
        assert revisions == 1 + len(edits_accepted)
        assert sorted(edits_accepted) == list(range(2, 2 + len(edits_accepted)))
        assert note.version == 1 + len(edits_accepted)


def test_clients_creating_the_same_new_tags_at_once_all_succeed(app, live_server):
    from webapp.models import Tag

    statuses: Counter = Counter()
    lock = threading.Lock()
    for round_number in range(5):  # a few rounds: the race is a matter of timing
        start = threading.Barrier(CLIENTS)
        tags = [f"fresh-{round_number}", f"shared-{round_number}", "Common"]

        def client(number: int) -> None:
            start.wait(10)
            status, _ = call(live_server, "POST", "api/v1/notes",
                             {"title": f"round {round_number} client {number}", "body": "x", "tags": tags})
            with lock:
                statuses[status] += 1

        run_clients(client, timeout=60)

    assert statuses == Counter({201: CLIENTS * 5}), statuses
    with app.app_context():
        keys = list(db.session.scalars(select(Tag.key)))
        assert len(keys) == len(set(keys)) == 11  # 5 rounds x 2 new tags, and one shared by all
