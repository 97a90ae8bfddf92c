"""Start-up benchmark: our shell's --self-test against a bare Flask + pywebview baseline.

    python benchmarks/startup.py [--runs 7]

All run alternately in the same session on the same display (Xvfb is started when there is no
DISPLAY). Ours reuses one data dir, as a user's launches do; first launches (each in a new data
dir: the database is created and migrated) are reported on their own. Each run is timed from
outside: spawn -> page loaded (wall clock), close -> process exit. Then, in separate runs (so the
measuring doesn't slow the timed ones), the memory of the whole process tree at a steady state:
RSS and PSS of each process (ours: window process, app process, the web engine's). Medians,
our/baseline ratios, and one line per target (issue 16): met / NOT met.
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

from benchmarks.processtree import steady_memory  # noqa: E402
from tests.support.display import virtual_display  # noqa: E402


def run_once(cmd: list[str], env: dict) -> dict:
    """Spawn `cmd`, wait for it, and return its timings in ms."""
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
    return result


def ours_cmd(data_dir: str, *, self_test: bool = True, project: Path | None = None) -> list[str]:
    """Our shell from source: its self-test (start, load, close) or a plain run; Inkwell unless `project`."""
    where = ["--project", str(project)] if project else []
    return [sys.executable, "-m", "desktop", *where, *(["--self-test"] if self_test else []), "--data-dir", data_dir]


def verdict(name: str, value: float, limit: float, unit: str = "x") -> str:
    met = "met" if value <= limit else "NOT met"
    return f"{name}: {value:.2f}{unit} (target <= {limit:g}{unit}): {met}"


def main() -> int:
    """Run both, alternating, and print a side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--memory-runs", type=int, default=3)
    args = parser.parse_args()
    baseline = [sys.executable, str(HERE / "baseline_app.py")]
    samples: dict[str, list[dict]] = {"ours": [], "baseline": [], "baseline+orm": []}
    shell_only: list[dict] = []  # the shell hosting the baseline's hello world: the kit's own cost
    first_launches: list[dict] = []
    memory: dict[str, list[list[dict]]] = {"ours": [], "baseline": []}
    closes: list[tuple[float, bool]] = []
    with virtual_display() as env, tempfile.TemporaryDirectory() as work:
        env = {**env, "DESKTOP_NO_DIALOG": "1"}
        # As on a user's machine: compiled bytecode is cached (some shells and CI images turn
        # that off, which makes every launch recompile the app's own modules).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        data_dir = str(Path(work) / "data")
        # The first launch creates the database (migrations); every later one finds it ready.
        run_once(ours_cmd(data_dir), env)
        hello = ours_cmd(str(Path(work) / "hello"), project=HERE / "hello_project")
        run_once(hello, env)
        for run in range(args.runs):
            samples["ours"].append(run_once(ours_cmd(data_dir), env))
            samples["baseline"].append(run_once(baseline, env))
            samples["baseline+orm"].append(run_once([*baseline, "--orm"], env))
            first_launches.append(run_once(ours_cmd(str(Path(work) / f"first-{run}")), env))
            shell_only.append(run_once(hello, env))
        for _ in range(args.memory_runs):
            rows, exit_ms, all_gone = steady_memory(ours_cmd(data_dir, self_test=False), env, "Inkwell")
            memory["ours"].append(rows)
            closes.append((exit_ms, all_gone))
            memory["baseline"].append(steady_memory([*baseline, "--hold"], env, "Baseline")[0])
    print(f"start-up benchmark, median of {args.runs} runs each (alternating), same display")
    print("baseline: bare Flask + pywebview; baseline+orm: the same reading SQLite via Flask-SQLAlchemy\n")
    print(f"{'measure':<12}{'ours':>8}{'baseline':>10}{'ratio':>7}{'+orm':>8}{'ratio':>7}")
    medians = {}
    for key in ("start_ms", "exit_ms"):
        ours, base, orm = (statistics.median(s[key] for s in samples[name]) for name in samples)
        medians[key] = (ours, base)
        print(f"{key:<12}{ours:>8.0f}{base:>10.0f}{ours / base:>7.2f}{orm:>8.0f}{ours / orm:>7.2f}")
    first = statistics.median(s["start_ms"] for s in first_launches)
    print(f"{'first start':<12}{first:>8.0f}{medians['start_ms'][1]:>10.0f}{first / medians['start_ms'][1]:>7.2f}"
          "   (creates and migrates the database)")
    shell = statistics.median(s["start_ms"] for s in shell_only)
    print(f"{'shell+hello':<12}{shell:>8.0f}{medians['start_ms'][1]:>10.0f}{shell / medians['start_ms'][1]:>7.2f}"
          "   (the shell hosting the baseline's own page: the kit's cost without Inkwell's)")
    print(f"\nmemory at a steady state (2 s after the window showed its page), median of {args.memory_runs}:")
    print(f"{'process':<24}{'RSS MB':>8}{'PSS MB':>8}")
    totals = {}
    for name, runs in memory.items():
        roles = sorted({row["role"] for rows in runs for row in rows})
        for role_name in roles:
            rss = statistics.median(sum(r["rss_mb"] for r in rows if r["role"] == role_name) for rows in runs)
            pss = statistics.median(sum(r["pss_mb"] for r in rows if r["role"] == role_name) for rows in runs)
            print(f"{name + ': ' + role_name:<24}{rss:>8.0f}{pss:>8.0f}")
        totals[name] = statistics.median(sum(r["pss_mb"] for r in rows) for rows in runs)
        rss_total = statistics.median(sum(r["rss_mb"] for r in rows) for rows in runs)
        print(f"{name + ': whole tree':<24}{rss_total:>8.0f}{totals[name]:>8.0f}")
    close_ms = statistics.median(ms for ms, _ in closes)
    print("\ntargets:")
    print(verdict("start -> loaded vs the bare baseline", medians["start_ms"][0] / medians["start_ms"][1], 1.15))
    print(verdict("first launch vs the bare baseline", first / medians["start_ms"][1], 1.5))
    print(verdict("close -> exit, self-test (ms)", medians["exit_ms"][0], 200, " ms"))
    print(verdict("close -> exit, SIGTERM to a running app (ms)", close_ms, 200, " ms")
          + f"; every process gone: {all(gone for _, gone in closes)}")
    print(verdict("whole tree PSS vs the bare baseline", totals["ours"] / totals["baseline"], 1.25))
    return 0


if __name__ == "__main__":
    sys.exit(main())
