"""Every way in starts the same: time to serve in browser mode, per entry point (issue 27).

    python benchmarks/entry_points.py [--runs 7]

`python -m desktop run` is the baseline; the `inkwell` console script and `flask desktop run`
must take the same path (the app process started first, before the heavy imports). Each entry
point keeps one data folder, reused as a user's launches reuse theirs (its first launch, which
makes it, is not timed); a run is timed from spawn to the line naming the launch file (the app
serves by then), from the project folder as its developer types them. Runs alternate; medians and
each entry point's ratio to the baseline are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def entry_points() -> dict[str, list[str]]:
    return {
        "python -m desktop run": [sys.executable, "-m", "desktop", "--project", str(REPO), "run"],
        "inkwell (console script)": [str(BIN / "inkwell")],
        "flask desktop run": [str(BIN / "flask"), "--app", "webapp", "desktop", "run"],
    }


def time_to_serve(command: list[str], data: Path, home: Path) -> float:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DESKTOP_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' machines keep bytecode
    env.update(HOME=str(home), DESKTOP_NO_DIALOG="1")
    started = time.perf_counter()
    process = subprocess.Popen([*command, "--browser", "--no-open", "--data-dir", str(data)], env=env, cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in process.stdout:
            if "open this file:" in line:
                return (time.perf_counter() - started) * 1000
        raise RuntimeError(f"{command[0]} stopped without serving (exit {process.wait()})")
    finally:
        process.terminate()
        process.wait(15)
        process.stdout.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="entry-points-"))
    try:
        commands = entry_points()
        times: dict[str, list[float]] = {name: [] for name in commands}
        for name, command in commands.items():  # a first launch each, not timed: the data folder is made
            (scratch / name / "home").mkdir(parents=True)
            time_to_serve(command, scratch / name / "data", scratch / name / "home")
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(time_to_serve(command, scratch / name / "data", scratch / name / "home"))
        baseline = statistics.median(times["python -m desktop run"])
        for name, runs in times.items():
            median = statistics.median(runs)
            print(f"{name:26} median {median:6.0f} ms  ratio {median / baseline:4.2f}x  "
                  f"(runs: {', '.join(f'{t:.0f}' for t in runs)})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
