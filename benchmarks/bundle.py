"""Bundle benchmark: our PyInstaller bundles against a bare Flask + pywebview baseline bundle.

    python benchmarks/bundle.py [--runs 5]

Builds, in one run: our folder (onedir) and one-file bundles with `python -m desktop build`,
and the baseline script (benchmarks/baseline_app.py) with PyInstaller's plain defaults. Then it
reports side by side: size on disk, cold start to "loaded" (median of --runs, alternating, same
display), and the app process's peak RSS. Targets (issue 6): onedir start <= 1.15x the
baseline's and under 1 s, onedir smaller than the baseline's (under 140 MB), one-file start at
most 0.8x the baseline one-file's.
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

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.support.display import virtual_display  # noqa: E402


def size_mb(path: Path) -> float:
    """Disk size of a file or folder, in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1e6


def timed_build(command: list[str], cwd: Path) -> float:
    """Run a build command; return its duration in seconds."""
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, timeout=1800)
    return time.monotonic() - started


def run_once(command: list[str], env: dict) -> dict:
    """Start to loaded (ms, from outside) and the process tree's peak RSS of the Python process."""
    spawned = time.time()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    watched = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            # The one-file bootloader runs the app as its child: take the largest process.
            candidates = [watched, *watched.children(recursive=False)]
            peak = max(peak, *(p.memory_info().rss for p in candidates))
        except psutil.Error:
            pass
        time.sleep(0.02)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{command} exited {proc.returncode}: {err[-2000:]}")
    marks = json.loads(out.strip().splitlines()[-1])
    return {"start_ms": (marks["loaded_at"] - spawned) * 1000, "rss_mb": peak / 1e6}


def main() -> int:
    """Build everything, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("building (this takes a few minutes)...", flush=True)
        builds = {
            "ours onedir": timed_build([sys.executable, "-m", "desktop", "build"], ROOT),
            "ours onefile": timed_build([sys.executable, "-m", "desktop", "build", "--onefile"], ROOT),
        }
        # The ORM baseline is the bare app reading SQLite through Flask-SQLAlchemy, as ours does:
        # it separates what the ORM costs from what our shell and app cost.
        orm_script = work / "baseline_orm_app.py"
        orm_script.write_text((HERE / "baseline_app.py").read_text().replace(
            'if "--orm" in sys.argv:', "if True:  # built with the ORM"))
        for name, script in (("onedir", HERE / "baseline_app.py"), ("onefile", HERE / "baseline_app.py"),
                             ("orm onedir", orm_script)):
            mode = name.split()[-1]
            builds[f"baseline {name}"] = timed_build([
                sys.executable, "-m", "PyInstaller", "--noconfirm", "--windowed", f"--{mode}",
                "--name", f"baseline-{name.replace(' ', '-')}", "--workpath", str(work / "build"),
                "--distpath", str(work / "dist"), "--specpath", str(work), str(script),
            ], work)
        data_dir = work / "data"
        commands = {
            "ours onedir": [str(ROOT / "dist" / "Inkwell" / "Inkwell"), "--self-test", "--data-dir", str(data_dir)],
            "ours onefile": [str(ROOT / "dist" / "onefile" / "Inkwell"), "--self-test", "--data-dir", str(data_dir)],
            "baseline onedir": [str(work / "dist" / "baseline-onedir" / "baseline-onedir")],
            "baseline onefile": [str(work / "dist" / "baseline-onefile")],
            "baseline orm onedir": [str(work / "dist" / "baseline-orm-onedir" / "baseline-orm-onedir")],
        }
        sizes = {
            "ours onedir": size_mb(ROOT / "dist" / "Inkwell"),
            "ours onefile": size_mb(ROOT / "dist" / "onefile" / "Inkwell"),
            "baseline onedir": size_mb(work / "dist" / "baseline-onedir"),
            "baseline onefile": size_mb(work / "dist" / "baseline-onefile"),
            "baseline orm onedir": size_mb(work / "dist" / "baseline-orm-onedir"),
        }
        samples: dict[str, list[dict]] = {name: [] for name in commands}
        with virtual_display() as env:
            env = {**env, "DESKTOP_NO_DIALOG": "1"}
            run_once(commands["ours onedir"], env)  # first launch creates the database
            for _ in range(args.runs):
                for name, command in commands.items():
                    samples[name].append(run_once(command, env))

    def median(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name])

    print(f"\nbundle benchmark, median of {args.runs} runs each (alternating), same display\n")
    print(f"{'bundle':<21}{'size MB':>9}{'start ms':>10}{'RSS MB':>8}{'build s':>9}")
    for name in commands:
        print(f"{name:<21}{sizes[name]:>9.0f}{median(name, 'start_ms'):>10.0f}{median(name, 'rss_mb'):>8.0f}"
              f"{builds[name]:>9.0f}")
    onedir = median("ours onedir", "start_ms") / median("baseline onedir", "start_ms")
    onefile = median("ours onefile", "start_ms") / median("baseline onefile", "start_ms")
    print(f"\nonedir start: {onedir:.2f}x the baseline's (target <= 1.15x and under 1000 ms)")
    print(f"onedir size: {sizes['ours onedir'] / sizes['baseline onedir']:.2f}x the baseline's (target < 1, < 140 MB)")
    print(f"onefile start: {onefile:.2f}x the baseline's (target <= 0.8x)")
    orm = median("ours onedir", "start_ms") / median("baseline orm onedir", "start_ms")
    print(f"onedir start: {orm:.2f}x the ORM baseline's (what the ORM costs is not ours to cut)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
