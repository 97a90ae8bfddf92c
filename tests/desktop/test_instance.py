"""One running app per data folder: the lock, the channel, and recovery after a crash."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import time

import pytest

from desktop.errors import AlreadyRunning
from desktop.instance import InstanceLock, hand_over


@pytest.fixture
def first(data_dir):
    lock = InstanceLock(data_dir, "Inkwell")
    assert lock.acquire()
    yield lock
    lock.release()


def test_a_second_lock_on_the_same_folder_is_refused(first, data_dir, tmp_path):
    assert not InstanceLock(data_dir, "Inkwell").acquire()
    other = tmp_path / "other"
    other.mkdir()
    another_folder = InstanceLock(other, "Inkwell")
    assert another_folder.acquire()  # one app per data folder, not one per machine
    another_folder.release()


def test_a_later_launch_hands_its_files_over(first, data_dir, tmp_path, monkeypatch):
    received: queue.Queue = queue.Queue()
    first.listen(received.put)
    monkeypatch.chdir(tmp_path)
    hand_over(InstanceLock(data_dir, "Inkwell"), ["notes/a.md", str(tmp_path / "b.zip")])
    assert received.get(timeout=10) == [str(tmp_path / "notes" / "a.md"), str(tmp_path / "b.zip")]
    hand_over(InstanceLock(data_dir, "Inkwell"), [])  # no files: just "come to the front"
    assert received.get(timeout=10) == []


def test_the_running_app_may_come_to_the_front(first, data_dir, monkeypatch):
    """Windows gives the foreground to the launch the user started: it hands that right over (issue 14, item 4)."""
    from desktop import platforms

    allowed = []
    monkeypatch.setattr(platforms.current(), "allow_foreground", allowed.append)
    first.listen(lambda files: None)
    hand_over(InstanceLock(data_dir, "Inkwell"), [])
    assert allowed == [os.getpid()]


def test_the_channel_details_are_private(first, data_dir):
    first.listen(lambda files: None)
    deadline = time.monotonic() + 10
    while not first.info_path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert first.info_path.stat().st_mode & 0o777 == 0o600


def test_a_stranger_without_the_key_gets_nothing(first, data_dir):
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    received: queue.Queue = queue.Queue()
    first.listen(received.put)
    hand_over(InstanceLock(data_dir, "Inkwell"), [])  # the channel is up
    received.get(timeout=10)
    info = json.loads(first.info_path.read_text())
    with pytest.raises(AuthenticationError):
        Client(info["address"], info["family"], authkey=b"guess")
    hand_over(InstanceLock(data_dir, "Inkwell"), ["/tmp/after.md"])  # the channel still works
    assert received.get(timeout=10) == ["/tmp/after.md"]
    assert received.empty()


def test_a_running_app_that_never_answers_is_reported(first, data_dir):
    with pytest.raises(AlreadyRunning, match="already running .* does not answer"):
        hand_over(InstanceLock(data_dir, "Inkwell"), [], timeout=0.5)


def test_the_lock_of_a_killed_process_is_recovered(data_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, pathlib; from desktop.instance import InstanceLock; "
         f"lock = InstanceLock(pathlib.Path({str(data_dir)!r}), 'Inkwell'); assert lock.acquire(); "
         "lock.listen(print); print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert not InstanceLock(data_dir, "Inkwell").acquire()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()
    after = InstanceLock(data_dir, "Inkwell")
    assert after.acquire()  # the OS dropped the dead process's lock
    received: queue.Queue = queue.Queue()
    after.listen(received.put)  # and its stale socket does not stop the channel
    hand_over(InstanceLock(data_dir, "Inkwell"), ["x.md"])
    assert received.get(timeout=10)[0].endswith("x.md")
    after.release()
