"""Damaged and hostile surroundings: a full disk, a truncated database, a data folder the app can't write."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.support.processes import running_shell, shell_env, wait_for_exit
from tests.support.session import session_from_output


def can_mount_tmpfs() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


def post_note(session, title: str, body: str) -> tuple[int, dict]:
    status, text = session.request("api/v1/notes", method="POST", headers={"Content-Type": "application/json"},
                                   data=json.dumps({"title": title, "body": body}).encode())
    return status, json.loads(text)


def test_a_full_disk_refuses_new_writes_and_keeps_the_rest(tmp_path, home, workdir):
    """The data folder on a 3 MB tmpfs (in a mount namespace of the app's own): fill it up."""
    if not can_mount_tmpfs():
        pytest.skip("mounting a tmpfs needs root and a mount namespace (the SQLite-level test covers the rest)")
    data = tmp_path / "d"
    (data / "data").mkdir(parents=True)
    # mode=0700: a tmpfs is made 1777 by default, and a data folder every user can write to is refused.
    script = (f"mount -t tmpfs -o size=3m,mode=0700 tmpfs {data / 'data'} && exec {sys.executable} -m desktop "
              f"--browser --no-open --data-dir {data}")
    proc = subprocess.Popen(["unshare", "-m", "sh", "-c", script], env=shell_env(os.environ, home), cwd=workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        session = session_from_output(proc)
        saved, answer = [], None
        for number in range(200):  # 50 KB notes: the disk fills long before 200
            status, answer = post_note(session, f"note {number}", f"{number} " * 12_000)
            if status != 201:
                break
            saved.append(answer["id"])
        assert status == 507, answer
        assert answer["error"]["code"] == "disk_full" and "not saved" in answer["error"]["message"]
        assert len(saved) > 3
        for note_id in saved:  # everything acknowledged before is still there
            assert session.get(f"api/v1/notes/{note_id}")[0] == 200
        assert session.get("healthz")[0] == 200  # and the app keeps running
        # Issue 26: the export, which needs room to write, says the disk is full; pages still show.
        for page in ("tags", "settings/", "transfer/", "trash", "search?q=note"):
            assert session.get(page)[0] == 200, page
        status, text = session.get("transfer/export.zip")
        assert status == 507 and "The disk is full" in text
        proc.send_signal(signal.SIGTERM)
        code, _, _ = wait_for_exit(proc, timeout=15)
        assert code == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_a_truncated_database_is_explained_and_kept(tmp_path, home, workdir):
    data = tmp_path / "d"
    args = ["--browser", "--no-open", "--data-dir", str(data)]
    env = shell_env(os.environ, home)
    with running_shell(args, env=env, cwd=workdir) as proc:
        session = session_from_output(proc)
        for number in range(40):
            assert post_note(session, f"note {number}", "words " * 2000)[0] == 201
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=15)
    database = data / "data" / "inkwell.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    damaged = database.read_bytes()[: database.stat().st_size // 3]  # a copy interrupted a third of the way
    database.write_bytes(damaged)
    with running_shell(args, env=env, cwd=workdir) as proc:
        session = session_from_output(proc)
        status, page = session.get("/")
        assert status == 503 and "Your notes database can't be read" in page
        assert "Nothing has been changed or deleted" in page
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=15)
    assert database.read_bytes() == damaged  # left exactly as it was


def test_a_data_folder_that_cannot_be_made_is_named_in_the_error(tmp_path, home, workdir):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run([sys.executable, "-m", "desktop", "--browser", "--no-open", "--data-dir",
                             str(blocker / "data")], env=shell_env(os.environ, home), cwd=workdir,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 73  # EX_CANTCREAT
    assert f"cannot create {blocker / 'data' / 'data'}" in result.stderr and "Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder"


def test_a_data_folder_the_user_cannot_write_is_named_in_the_error(tmp_path, workdir):
    """Run as an unprivileged user (root may write anywhere) against a folder owned by root."""
    unprivileged = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable]
    if os.geteuid() != 0 or not shutil.which("setpriv") or subprocess.run(
            [*unprivileged, "-c", "import desktop"], capture_output=True, cwd=workdir).returncode != 0:
        pytest.skip("needs root, and a checkout an unprivileged user can read (not one under /root)")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o755)
    tmp_path.chmod(0o755)
    home = tmp_path / "nobody-home"
    home.mkdir()
    os.chown(home, 65534, 65534)
    result = subprocess.run(
        [*unprivileged, "-m", "desktop", "--browser", "--no-open", "--data-dir", str(locked)],
        env=shell_env(os.environ, home), cwd=workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 73  # EX_CANTCREAT
    assert f"cannot create {locked / 'data'}" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(locked.iterdir()) == []
