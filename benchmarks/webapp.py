"""Webapp benchmark: server time of the pages that matter, on large demo databases.

    python benchmarks/webapp.py [--small 10000] [--large 100000] [--runs 50]

Builds the databases with `seed-demo`, then reports, side by side in one run:
- notes list page p50 at the small size (target < 30 ms),
- full-text search p50 at the large size (target < 20 ms) against a plain LIKE scan of the same
  words (target: FTS at least 20x faster),
- note save p50 (an edit through the autosave endpoint, revision included).
Times are the app's own (Flask test client, no network), medians of --runs requests.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import create_app  # noqa: E402
from webapp.config import ProductionConfig  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.services import demo  # noqa: E402
from webapp.services.search import like_query  # noqa: E402

# What people search for: a topic word or two, or the start of one. Drawn from the demo
# vocabulary uniformly, so most are mid- or low-frequency words, as in real searches.
QUERY_RNG = random.Random(3)
QUERIES = [" ".join(QUERY_RNG.sample(demo.WORDS, QUERY_RNG.choice([1, 1, 2]))) for _ in range(40)]
QUERIES += [word[:4] for word in QUERY_RNG.sample(demo.WORDS, 10)]  # prefixes, as typed
COMMON_WORD = demo.WORDS[0]  # the most frequent content word: the worst case


class BenchConfig(ProductionConfig):
    SECRET_KEY = "bench"
    WTF_CSRF_ENABLED = False


def build(folder: Path, count: int):
    """An app over a database with `count` demo notes."""
    app = create_app(BenchConfig, instance_path=str(folder))
    started = time.perf_counter()
    with app.app_context():
        demo.seed(count, batch=5000)
    print(f"  seeded {count:,} notes in {time.perf_counter() - started:.1f} s", flush=True)
    return app


def timed(fn, runs: int) -> float:
    """Median milliseconds of `runs` calls (after one warm-up)."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def get_ok(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def main() -> int:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"building {args.small:,}-note database")
        small = build(Path(tmp) / "small", args.small)
        client = small.test_client()
        list_ms = timed(lambda: get_ok(client, "/"), args.runs)
        list_page_5_ms = timed(lambda: get_ok(client, "/?page=5&sort=title"), args.runs)
        note_ids = list(range(1, args.small + 1))

        def save_one():
            note_id = rng.choice(note_ids)
            with small.app_context():
                version = db.session.execute(db.text("SELECT version FROM notes WHERE id=:i"), {"i": note_id}).scalar()
            response = client.post(f"/notes/{note_id}/edit", headers={"Accept": "application/json"},
                                   data={"title": "Edited", "body": f"edited {time.time()}", "tags": "work",
                                         "version": version})
            assert response.status_code == 200, response.get_data(as_text=True)

        save_ms = timed(save_one, args.runs)

        print(f"building {args.large:,}-note database")
        large = build(Path(tmp) / "large", args.large)
        client = large.test_client()
        queries = iter(QUERIES * (args.runs + 1))
        fts_ms = timed(lambda: get_ok(client, "/search?q=" + next(queries)), args.runs)
        fts_page_ms = timed(lambda: get_ok(client, "/search?page=3&q=" + COMMON_WORD), args.runs)
        fts_common_ms = timed(lambda: get_ok(client, "/search?q=" + COMMON_WORD), args.runs)
        with large.app_context():
            like_words = iter(QUERIES * (args.runs + 1))  # the same words, in the same order
            like_ms = timed(lambda: db.session.scalars(like_query(next(like_words))).all(), max(5, args.runs // 5))
            fts_only = iter(QUERIES * (args.runs + 1))
            from webapp.services.search import search
            fts_query_ms = timed(lambda: search(next(fts_only)), args.runs)

    print(f"\nwebapp benchmark (median of {args.runs} requests; server time via the test client)\n")
    rows = [
        (f"notes list, page 1 @ {args.small:,}", list_ms, "< 30 ms"),
        (f"notes list, page 5 by title @ {args.small:,}", list_page_5_ms, ""),
        (f"note save (autosave) @ {args.small:,}", save_ms, ""),
        (f"search page (FTS5) @ {args.large:,}", fts_ms, "< 20 ms"),
        (f"search, most common word @ {args.large:,}", fts_common_ms, "worst case"),
        (f"search page 3, most common word @ {args.large:,}", fts_page_ms, ""),
        (f"FTS5 query alone @ {args.large:,}", fts_query_ms, ""),
        (f"LIKE scan, same queries @ {args.large:,}", like_ms, "baseline"),
    ]
    for label, ms, target in rows:
        print(f"{label:<40}{ms:>9.1f} ms  {target}")
    print(f"\nFTS5 query vs LIKE scan: {like_ms / fts_query_ms:.0f}x faster (target >= 20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
