"""Offline: the app needs no network, and talks to nothing but itself on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

import psutil
import pytest

from tests.conftest import need
from tests.support.processes import shell_env

pytestmark = pytest.mark.gui


def test_the_app_works_on_a_machine_with_no_network(display_env, tmp_path, home, workdir):
    """In a network namespace of its own, only loopback exists: no DNS, no route, no interface."""
    can_unshare = shutil.which("unshare") and shutil.which("ip") and subprocess.run(
        ["unshare", "-n", "true"], capture_output=True).returncode == 0
    need(bool(can_unshare), "needs unshare -n (root) and ip (iproute2) to cut the network")
    script = (f"ip link set lo up && exec {sys.executable} -m desktop --self-test "
              f"--data-dir {tmp_path / 'd'}")
    result = subprocess.run(["unshare", "-n", "sh", "-c", script], env=shell_env(display_env, home), cwd=workdir,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ok"] and report["title"] == "Notes · Inkwell" and report["painted"]


def test_the_window_connects_to_nothing_but_loopback(display_env, tmp_path, home, workdir):
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "--self-test", "--data-dir", str(tmp_path / "d")],
                            env=shell_env(display_env, home), cwd=workdir, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    remote_addresses: set[str] = set()
    done = threading.Event()

    def watch() -> None:  # the app and the web engine's helpers, for as long as they run
        while not done.is_set():
            try:
                tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in tree:
                try:
                    remote_addresses.update(c.raddr.ip for c in process.net_connections(kind="inet") if c.raddr)
                except psutil.Error:
                    pass
            done.wait(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        done.set()
        watcher.join(5)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["ok"]
    assert remote_addresses, "expected to see the window's own connections to the app"
    assert remote_addresses <= {"127.0.0.1"}, remote_addresses
