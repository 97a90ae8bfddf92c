"""Crash safety trials: write notes through the API, kill the app with SIGKILL, check nothing acknowledged is lost.

Shared by the bounded test (tests/desktop/test_crash_safety.py) and the long run
(benchmarks/crash_safety.py).
"""

from __future__ import annotations

import http.client
import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.session import AppSession, session_from_output


@dataclass
class CrashReport:
    """What the trials saw."""

    trials: int = 0
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    integrity_failures: list[str] = field(default_factory=list)
    failed_starts: int = 0

    def summary(self) -> str:
        """One line for people."""
        return (f"{self.trials} trials, {self.acknowledged} writes acknowledged, {len(self.lost)} lost, "
                f"{len(self.integrity_failures)} integrity failures, {self.failed_starts} failed starts")


def start_app(data_dir: Path, env: dict, cwd: Path) -> tuple[subprocess.Popen, AppSession]:
    """The real shell in browser mode, and a session of it."""
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "--browser", "--no-open", "--data-dir", str(data_dir)],
                            env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return proc, session_from_output(proc)


def write_until_killed(session: AppSession, trial: int, stop: threading.Event, acknowledged: list[str]) -> None:
    """Post notes one after another; remember each one the app acknowledged (2xx)."""
    number = 0
    while not stop.is_set():
        title = f"trial {trial} note {number}"
        body = json.dumps({"title": title, "body": "crash test " * random.randint(1, 200), "tags": ["crash"]})
        try:
            status, _ = session.request("api/v1/notes", method="POST", data=body.encode(),
                                        headers={"Content-Type": "application/json"})
        except (OSError, http.client.HTTPException):  # the app is gone, maybe mid-answer
            return
        if 200 <= status < 300:
            acknowledged.append(title)
        number += 1


def check_database(path: Path) -> tuple[str, set[str]]:
    """integrity_check's verdict and the note titles, read with SQLite directly (the app is dead)."""
    with sqlite3.connect(path) as connection:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        titles = {row[0] for row in connection.execute("SELECT title FROM notes")}
    connection.close()
    return verdict, titles


def run_trials(trials: int, data_dir: Path, env: dict, cwd: Path, *, seed: int = 1) -> CrashReport:
    """Kill the writing app at random moments, `trials` times; check after each kill and restart."""
    random.seed(seed)
    report = CrashReport()
    for trial in range(trials):
        proc, session = start_app(data_dir, env, cwd)
        acknowledged: list[str] = []
        stop = threading.Event()
        writer = threading.Thread(target=write_until_killed, args=(session, trial, stop, acknowledged), daemon=True)
        writer.start()
        stop.wait(random.uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)  # no clean-up of any kind
        proc.wait(30)
        proc.stdout.close()
        stop.set()
        writer.join(30)
        verdict, titles = check_database(data_dir / "data" / "inkwell.sqlite3")
        report.trials += 1
        report.acknowledged += len(acknowledged)
        report.lost += [title for title in acknowledged if title not in titles]
        if verdict != "ok":
            report.integrity_failures.append(f"trial {trial}: {verdict}")
    # The app starts normally after the last kill, with every note.
    proc, session = start_app(data_dir, env, cwd)
    try:
        if session.get("healthz")[0] != 200:
            report.failed_starts += 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    return report


