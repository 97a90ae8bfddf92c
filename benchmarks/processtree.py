"""Memory of a whole process tree (the app's processes and the web engine's), at a steady state.

RSS counts shared libraries in full in every process; PSS shares them out, so the PSS of a tree
adds up to what the tree really costs the machine. Both are reported, per process.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time

import psutil

from tests.support.processes import alive

TITLE = re.compile(r'^\s+0x[0-9a-f]+ "(.*)": ', re.MULTILINE)


def role(process: psutil.Process) -> str:
    """A short name for what a process below the window process is in the tree."""
    try:
        name = process.name()
    except psutil.Error:
        return "gone"
    if name.startswith("WebKit"):
        return name
    # The window process's own executable below it: the app process (spawned or forked).
    return "app process" if name.startswith(("python", "Inkwell")) else name


def tree_memory(pid: int) -> list[dict]:
    """RSS and PSS (MB) of `pid` and all its descendants."""
    root = psutil.Process(pid)
    rows = []
    for process in [root, *root.children(recursive=True)]:
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        rows.append({"role": role(process) if process.pid != pid else "window process", "pid": process.pid,
                     "rss_mb": info.rss / 1e6, "pss_mb": getattr(info, "pss", info.rss) / 1e6})
    return rows


def window_titles(env: dict) -> list[str]:
    out = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True, timeout=30).stdout
    return TITLE.findall(out)


def wait_for_title(proc: subprocess.Popen, env: dict, title_part: str, timeout: float) -> None:
    """Poll until a window whose title contains `title_part` shows; fail if `proc` ends first."""
    deadline = time.monotonic() + timeout
    while not any(title_part in title for title in window_titles(env)):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError(f"{proc.args}: no window titled *{title_part}* within {timeout} s")
        time.sleep(0.02)


def steady_memory(command: list[str], env: dict, title_part: str, *, settle: float = 2.0,
                  timeout: float = 60.0) -> tuple[list[dict], float, bool]:
    """Start `command`, wait for a window whose title contains `title_part`, let it settle, measure
    the tree; then SIGTERM it. Returns the rows, close -> exit of the main process (ms) and whether
    every process of the tree was gone within a second of the close."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_title(proc, env, title_part, timeout)
        time.sleep(settle)  # a steady state: the page painted, start-up garbage collected
        rows = tree_memory(proc.pid)
        family = {psutil.Process(row["pid"]): row["role"] for row in rows if row["pid"] != proc.pid}
        closing = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        exit_ms = (time.monotonic() - closing) * 1000
        # Within a second of the close: the web engine's helpers end on their own once the window is gone.
        while time.monotonic() - closing < 1.0 and _alive(family):
            time.sleep(0.02)
        left = _alive(family)
        if left:
            print(f"  still running 1 s after the close: {', '.join(left)}", flush=True)
        return rows, exit_ms, not left
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()



def _alive(family: dict) -> list[str]:
    return [family[process] for process in alive(list(family))]
