"""Webapp benchmark: how the costs that matter grow with the number of notes.

    python benchmarks/webapp.py [--sizes 10000,100000,1000000] [--runs 50] [--import-notes 1000]

For each size, builds a demo database (`demo.seed`) and measures, on the app's own code paths
(Flask test client, no network; medians of --runs requests):
- the notes list page and a note save (an edit through the autosave endpoint, revision included),
- the search page over typical queries and for the most common word (the worst case), and the
  search itself against a plain LIKE scan of the same words,
- export (GET /transfer/export.zip, streamed to a file) and import (POST /transfer/import of a
  fixed --import-notes archive of other notes, run by its background job to the end): notes per
  second, and the peak RSS each adds over the process's RSS just before it.

Export and import each run in a fresh child process, and the peak is the kernel's high-water
mark (VmHWM, reset before the step), so neither the parent's history nor a short spike between
samples can hide in the figure. Export writes every note, so its peak across sizes shows whether
memory grows with the notes; the import archive is the same at every size, so its figures show
whether importing gets slower or bigger as the database grows.

Then a table (a column per size) and a verdict per target.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import create_app  # noqa: E402
from webapp.config import ProductionConfig  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.services import demo, export  # noqa: E402
from webapp.services.search import like_query, search  # noqa: E402

# What people search for: a topic word or two, or the start of one. Drawn from the demo
# vocabulary uniformly, so most are mid- or low-frequency words, as in real searches.
QUERY_RNG = random.Random(3)
QUERIES = [" ".join(QUERY_RNG.sample(demo.WORDS, QUERY_RNG.choice([1, 1, 2]))) for _ in range(40)]
QUERIES += [word[:4] for word in QUERY_RNG.sample(demo.WORDS, 10)]  # prefixes, as typed
COMMON_WORD = demo.WORDS[0]  # the most frequent content word: the worst case

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
IMPORT_SEED = 99_999  # the import archive's notes differ from every database's (no duplicates)
# Flat memory: the peak a step adds at the largest size is at most 1.5x what it adds at the
# smallest, or at most 50 MB more. A step that holds every note grows about as the notes do
# (100x from 10k to 1M); allocator noise and fixed buffers stay well inside either bound.
FLAT_RATIO, FLAT_SLACK_MB = 1.5, 50


class BenchConfig(ProductionConfig):
    SECRET_KEY = "bench"
    WTF_CSRF_ENABLED = False
    BACKUP_EVERY_HOURS = 0  # the daily backup thread would copy the database mid-measurement


def build(folder: Path, count: int) -> tuple:
    """An app over a database with `count` demo notes, and the seconds seeding took."""
    app = create_app(BenchConfig, instance_path=str(folder))
    started = time.perf_counter()
    with app.app_context():
        demo.seed(count, batch=10_000)
    seconds = time.perf_counter() - started
    print(f"  seeded {count:,} notes in {seconds:.1f} s", flush=True)
    return app, seconds


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


def measure_requests(app, count: int, runs: int) -> dict[str, float]:
    """Page, search and save times (ms) on one database. Saves come last: they change notes."""
    client = app.test_client()
    result = {
        "list": timed(lambda: get_ok(client, "/"), runs),
        "list_title_5": timed(lambda: get_ok(client, "/?page=5&sort=title"), runs),
    }
    queries = iter(QUERIES * (runs + 1))
    result["search"] = timed(lambda: get_ok(client, "/search?q=" + next(queries)), runs)
    result["search_common"] = timed(lambda: get_ok(client, "/search?q=" + COMMON_WORD), runs)
    result["search_common_3"] = timed(lambda: get_ok(client, "/search?page=3&q=" + COMMON_WORD), runs)
    result["search_common_tag"] = timed(lambda: get_ok(client, f"/search?tag={demo.TAGS[0]}&q={COMMON_WORD}"), runs)
    with app.app_context():
        fts_words = iter(QUERIES * (runs + 1))
        result["fts_query"] = timed(lambda: search(next(fts_words)), runs)
        like_words = iter(QUERIES * (runs + 1))  # the same words, in the same order
        result["like_query"] = timed(lambda: db.session.scalars(like_query(next(like_words))).all(),
                                     max(5, runs // 5))
    rng = random.Random(1)

    def save_one():
        note_id = rng.randint(1, count)
        with app.app_context():
            version = db.session.execute(db.text("SELECT version FROM notes WHERE id=:i"), {"i": note_id}).scalar()
        response = client.post(f"/notes/{note_id}/edit", headers={"Accept": "application/json"},
                               data={"title": "Edited", "body": f"edited {time.time()}", "tags": "work",
                                     "version": version})
        assert response.status_code == 200, response.get_data(as_text=True)

    result["save"] = timed(save_one, runs)
    return result


# --- export and import, each in a child process -------------------------------------------

def _rss_mb(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _live_notes(app) -> int:
    with app.app_context():
        return db.session.execute(db.text("SELECT count(*) FROM notes WHERE deleted_at IS NULL")).scalar()


def _export(client, archive: Path) -> None:
    response = client.get("/transfer/export.zip")
    assert response.status_code == 200, response.status_code
    with open(archive, "wb") as target:
        for chunk in response.response:  # streamed as a browser would receive it, never held whole
            target.write(chunk)
    response.close()


def _import(client, archive: Path) -> None:
    with open(archive, "rb") as fh:
        response = client.post("/transfer/import", data={"archive": (fh, "notes.zip")},
                               content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    status_url = response.headers["Location"] + ".json"
    while True:
        job = client.get(status_url).get_json()
        if job["state"] != "running":
            break
        time.sleep(0.02)
    assert job["state"] == "finished", job


def child_step(step: str, folder: str, archive: str) -> None:
    """In the child: run one export or import on the database in `folder`; print JSON."""
    app = create_app(BenchConfig, instance_path=folder)
    client = app.test_client()
    before = _live_notes(app)
    baseline = _rss_mb("VmRSS")
    exact_peak = _reset_peak()
    started = time.perf_counter()
    (_export if step == "export" else _import)(client, Path(archive))
    seconds = time.perf_counter() - started
    peak = _rss_mb("VmHWM")
    notes = before if step == "export" else _live_notes(app) - before
    print(json.dumps({"notes": notes, "seconds": seconds, "baseline_mb": baseline, "peak_mb": peak,
                      "exact_peak": exact_peak}))


def run_child(step: str, folder: Path, archive: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", step, str(folder), str(archive)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["rate"] = figures["notes"] / figures["seconds"]
    figures["delta_mb"] = figures["peak_mb"] - figures["baseline_mb"]
    print(f"  {step}: {figures['notes']:,} notes in {figures['seconds']:.1f} s, peak RSS "
          f"+{figures['delta_mb']:.0f} MB over {figures['baseline_mb']:.0f} MB", flush=True)
    return figures


def import_archive(folder: Path, count: int) -> Path:
    """An export of `count` demo notes unlike any benchmark database's, to import at every size."""
    app = create_app(BenchConfig, instance_path=str(folder))
    archive = folder / "import.zip"
    with app.app_context():
        demo.seed(count, seed_value=IMPORT_SEED)
        with open(archive, "wb") as target:
            export.export_zip(target)
        db.engine.dispose()
    return archive


# --- report -------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def targets(results: dict[int, dict], sizes: list[int]) -> list[str]:
    """One line per target: met or not, with the figure it was judged on."""
    lines = []

    def at(size: int, key: str, label: str, limit: float) -> None:
        if size not in results:
            lines.append(f"{label}: not measured (needs --sizes to include {size:,})")
            return
        value = results[size][key]
        lines.append(f"{label}: {verdict(value < limit)} ({value:.1f} ms)")

    at(10_000, "list", "list page < 30 ms at 10,000 notes", 30)
    at(100_000, "search", "search p50 < 20 ms at 100,000 notes", 20)
    at(100_000, "search_common", f"most common word ({COMMON_WORD!r}) < 50 ms at 100,000 notes", 50)
    if 100_000 in results:
        ratio = results[100_000]["like_query"] / results[100_000]["fts_query"]
        lines.append(f"FTS5 >= 20x LIKE scan at 100,000 notes: {verdict(ratio >= 20)} ({ratio:.0f}x)")
    else:
        lines.append("FTS5 >= 20x LIKE scan at 100,000 notes: not measured (needs --sizes to include 100,000)")
    small, large = sizes[0], sizes[-1]
    for step in ("export", "import"):
        label = (f"peak RSS during {step} flat, {small:,} -> {large:,} notes "
                 f"(largest <= {FLAT_RATIO}x smallest or <= +{FLAT_SLACK_MB} MB)")
        if small == large:
            lines.append(f"{label}: not measured (needs two sizes)")
            continue
        low, high = results[small][step]["delta_mb"], results[large][step]["delta_mb"]
        ok = high <= FLAT_RATIO * low or high - low <= FLAT_SLACK_MB
        lines.append(f"{label}: {verdict(ok)} (+{low:.0f} MB -> +{high:.0f} MB, {high / max(low, 1):.1f}x)")
    return lines


def print_report(results: dict[int, dict], sizes: list[int], runs: int, import_notes: int) -> None:
    rows = [
        ("seeding the database (s)", lambda r: r["seed_s"], "{:.1f}"),
        ("notes list, page 1 (ms)", lambda r: r["list"], "{:.1f}"),
        ("notes list, page 5 by title (ms)", lambda r: r["list_title_5"], "{:.1f}"),
        ("search p50, typical queries (ms)", lambda r: r["search"], "{:.1f}"),
        (f"search, most common word '{COMMON_WORD}' (ms)", lambda r: r["search_common"], "{:.1f}"),
        ("  same, page 3 (ms)", lambda r: r["search_common_3"], "{:.1f}"),
        (f"  same, with tag '{demo.TAGS[0]}' (ms)", lambda r: r["search_common_tag"], "{:.1f}"),
        ("FTS5 search alone, typical (ms)", lambda r: r["fts_query"], "{:.1f}"),
        ("LIKE scan, same queries (ms)", lambda r: r["like_query"], "{:.1f}"),
        ("note save p50 (ms)", lambda r: r["save"], "{:.1f}"),
        ("export (notes/s)", lambda r: r["export"]["rate"], "{:,.0f}"),
        ("export peak RSS over baseline (MB)", lambda r: r["export"]["delta_mb"], "{:,.0f}"),
        (f"import of {import_notes:,} notes (notes/s)", lambda r: r["import"]["rate"], "{:,.0f}"),
        ("import peak RSS over baseline (MB)", lambda r: r["import"]["delta_mb"], "{:,.0f}"),
    ]
    print(f"\nwebapp benchmark (request times: median of {runs}; server time via the test client)\n")
    print(f"{'notes in the database':<44}" + "".join(f"{size:>13,}" for size in sizes))
    for label, value, fmt in rows:
        print(f"{label:<44}" + "".join(f"{fmt.format(value(results[size])):>13}" for size in sizes))
    if not all(results[size][step]["exact_peak"] for size in sizes for step in ("export", "import")):
        print("(the peak-RSS mark could not be reset: RSS peaks include the child's start-up)")
    print()
    for line in targets(results, sizes):
        print(line)


def main() -> int:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated note counts (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--import-notes", type=int, default=1000,
                        help="notes in the archive imported at every size (default: %(default)s)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # step, folder, archive
    args = parser.parse_args()
    if args.child:
        child_step(*args.child)
        return 0
    sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",")})
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        archive = import_archive(Path(tmp) / "import-source", args.import_notes)
        for size in sizes:
            print(f"{size:,} notes", flush=True)
            folder = Path(tmp) / f"notes-{size}"
            app, seed_s = build(folder, size)
            results[size] = {"seed_s": seed_s, **measure_requests(app, size, args.runs)}
            with app.app_context():
                db.engine.dispose()  # the children open the file themselves
            results[size]["export"] = run_child("export", folder, Path(tmp) / "export.zip")
            (Path(tmp) / "export.zip").unlink()
            results[size]["import"] = run_child("import", folder, archive)
            shutil.rmtree(folder)  # the next size's database needs the disk space
    print_report(results, sizes, args.runs, args.import_notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
