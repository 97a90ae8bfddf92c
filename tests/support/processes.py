"""Running the shell as a real process, the way a user (or a launcher) does."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
URL_PATTERN = re.compile(r"http://127\.0\.0\.1:(\d+)/")


def shell_env(base: dict, home: Path, **extra: str) -> dict:
    """Environment for a shell process: a throwaway HOME and no error dialogs (they'd block)."""
    env = {k: v for k, v in base.items() if not k.startswith(("DESKTOP_", "XDG_"))}
    # The shell runs from a throwaway folder: the project (Inkwell's, this repository) is named.
    env.update(HOME=str(home), DESKTOP_NO_DIALOG="1", PYTHONUNBUFFERED="1", DESKTOP_PROJECT=str(REPO))
    env.update(extra)
    return env


def start_shell(args: list[str], *, env: dict, cwd: Path) -> subprocess.Popen:
    """Start `python -m desktop ARGS` with pipes for stdout and stderr."""
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args], env=env, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@contextlib.contextmanager
def running(command: list[str], *, env: dict, cwd: Path) -> Iterator[subprocess.Popen]:
    """A process with piped output, killed and reaped on the way out if still running."""
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def running_shell(args: list[str], *, env: dict, cwd: Path):
    """`python -m desktop ARGS`, as running()."""
    return running([sys.executable, "-m", "desktop", *args], env=env, cwd=cwd)


def read_line_with(proc: subprocess.Popen, text: str) -> str:
    """Read stdout lines until one contains `text`; return it.

    After this, don't take stdout from communicate(): it reads the pipe itself and misses
    what this buffered reader has already taken in.
    """
    for line in proc.stdout:
        if text in line:
            return line
    raise AssertionError(f"the shell exited without printing {text!r}")


def read_url(proc: subprocess.Popen) -> str:
    """Read stdout until the shell prints its URL; return the URL."""
    return URL_PATTERN.search(read_line_with(proc, "http://127.0.0.1:")).group(0)


def port_from_log(log_file: Path, timeout: float) -> int:
    """Wait until the shell logs its URL and return the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_file.exists():
            match = URL_PATTERN.search(log_file.read_text())
            if match:
                return int(match.group(1))
        time.sleep(0.05)
    raise AssertionError(f"no URL in {log_file} within {timeout} s")


def port_is_closed(port: int) -> bool:
    """Nothing accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def untracked_files() -> set[str]:
    """Files in the source tree that git neither tracks nor ignores."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, capture_output=True, text=True
    ).stdout
    return {line[3:] for line in out.splitlines() if line.startswith("??")}


def files_under(folder: Path) -> list[str]:
    """Relative paths of every file under `folder`."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def wait_for_exit(proc: subprocess.Popen, timeout: float) -> tuple[int, str, str]:
    """Wait for the process; return its exit code and output."""
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of `processes` that still run (zombies count as gone)."""
    living = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                living.append(process)
        except psutil.NoSuchProcess:
            pass
    return living


def wait_for(condition, timeout: float = 5.0, interval: float = 0.02, *, seen=None) -> None:
    """Poll `condition()` until it is true; fail at the deadline, saying what `seen()` tells of it."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time" + (f": {seen()}" if seen is not None else ""))
        time.sleep(interval)
