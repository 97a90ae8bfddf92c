"""Crash safety, the long run: SIGKILL the writing app many times; count what was acknowledged and lost.

    python benchmarks/crash_safety.py [--trials 100]

Each trial starts the real shell (browser mode), writes notes through the JSON API as fast as
it answers, kills the process with SIGKILL at a random moment (0.2-1.5 s), then checks with
SQLite directly that every acknowledged note is there and PRAGMA integrity_check says ok.
After the last trial the app must start normally. CI runs a short version (tests/desktop).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.crash_trials import run_trials  # noqa: E402
from tests.support.processes import shell_env  # noqa: E402


def main() -> int:
    """Run the trials and print the report; exit 1 if anything was lost."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home, cwd = Path(tmp) / "home", Path(tmp) / "cwd"
        home.mkdir()
        cwd.mkdir()
        started = time.monotonic()
        report = run_trials(args.trials, Path(tmp) / "data", shell_env(os.environ, home), cwd, seed=args.seed)
    print(f"crash safety: {report.summary()} ({time.monotonic() - started:.0f} s)")
    for problem in report.lost[:20] + report.integrity_failures[:20]:
        print("  ", problem)
    return 0 if not report.lost and not report.integrity_failures and not report.failed_starts else 1


if __name__ == "__main__":
    sys.exit(main())
