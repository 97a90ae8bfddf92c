"""Killing the app (SIGKILL) while it saves loses nothing it acknowledged and never damages the database."""

from __future__ import annotations

import os

from tests.support.crash_trials import run_trials
from tests.support.processes import shell_env

TRIALS = 6  # the long run: benchmarks/crash_safety.py --trials 100


def test_acknowledged_writes_survive_sigkill(tmp_path, home, workdir):
    report = run_trials(TRIALS, tmp_path / "d", shell_env(os.environ, home), workdir)
    print(report.summary())
    assert report.trials == TRIALS and report.acknowledged > TRIALS  # the app was really writing
    assert report.lost == [] and report.integrity_failures == [] and report.failed_starts == 0
