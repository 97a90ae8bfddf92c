"""Start-up benchmark: our shell's --self-test against a bare Flask + pywebview baseline.

    python benchmarks/startup.py [--runs 7]

All run alternately in the same session on the same display (Xvfb is started when there is no
DISPLAY). Ours reuses one data dir, as a user's launches do; its first launch (which creates the
database) is reported on its own. Each run is timed from outside: spawn -> page loaded (wall clock), close -> process
exit, and the Python process's peak RSS. Medians and our/baseline ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.display import virtual_display  # noqa: E402


def run_once(cmd: list[str], env: dict) -> dict:
    """Spawn `cmd`, wait for it, and return its timings in ms (and RSS in MB)."""
    spawned = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    exited = time.time()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    marks = json.loads(proc.stdout.strip().splitlines()[-1])
    result = {
        "start_ms": (marks["loaded_at"] - spawned) * 1000,
        "exit_ms": (exited - marks["closing_at"]) * 1000,
    }
    if "rss_mb" in marks:
        result["rss_mb"] = marks["rss_mb"]
    return result


def ours_cmd(data_dir: str) -> list[str]:
    """Our shell's self-test, with the Python process's peak RSS reported."""
    return [sys.executable, str(HERE / "rss.py"), "-m", "desktop", "--self-test", "--data-dir", data_dir]


def main() -> int:
    """Run both, alternating, and print a side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    baseline = [sys.executable, str(HERE / "baseline_app.py")]
    samples: dict[str, list[dict]] = {"ours": [], "baseline": [], "baseline+orm": []}
    with virtual_display() as env, tempfile.TemporaryDirectory() as data_dir:
        env = {**env, "DESKTOP_NO_DIALOG": "1"}
        # As on a user's machine: compiled bytecode is cached (some shells and CI images turn
        # that off, which makes every launch recompile the app's own modules).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # The first launch creates the database (migrations); every later one finds it ready.
        first = run_once(ours_cmd(data_dir), env)
        for _ in range(args.runs):
            samples["ours"].append(run_once(ours_cmd(data_dir), env))
            samples["baseline"].append(run_once(baseline, env))
            samples["baseline+orm"].append(run_once([*baseline, "--orm"], env))
    print(f"start-up benchmark, median of {args.runs} runs each (alternating), same display")
    print("baseline: bare Flask + pywebview; baseline+orm: the same reading SQLite via Flask-SQLAlchemy\n")
    print(f"{'measure':<12}{'ours':>8}{'baseline':>10}{'ratio':>7}{'+orm':>8}{'ratio':>7}  target")
    targets = {"start_ms": "ours <= 1.15x baseline, < 1000 ms", "exit_ms": "ours < 500 ms", "rss_mb": ""}
    for key in ("start_ms", "exit_ms", "rss_mb"):
        ours, base, orm = (statistics.median(s[key] for s in samples[name]) for name in samples)
        print(f"{key:<12}{ours:>8.0f}{base:>10.0f}{ours / base:>7.2f}{orm:>8.0f}{ours / orm:>7.2f}  {targets[key]}")
    print(f"\nfirst launch (creates and migrates the database, one sample): {first['start_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
