"""The first app process of a launch on Linux: forked, not spawned.

A spawned app process starts a new interpreter and imports its way back to where the window
process already is (~30 ms of CPU on the launch's busiest second, and memory of its own); a forked
one is that interpreter, with its start-up pages shared until written. Forking is safe only while
the process has one thread, before the GUI toolkit starts (which is when earlystart runs), so a
restarted app process is spawned as before. macOS isn't forked (its system libraries don't
promise to survive a fork) and Windows has no fork.

`ForkedProcess` is the part of `subprocess.Popen` the shell uses (pid, the three pipes, poll,
wait, kill), so the rest of the process model doesn't know which way its app process came.

Just before the fork, the standard-library modules both processes import anyway are imported
once (`SHARED_MODULES`): the two processes then share those pages instead of each loading its own
copy (about 6 MB of a launch's memory), and the app process has that much less to import.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading


# Standard-library modules the window process imports (pywebview, the kit's window half) and the
# app process imports too (Flask, Werkzeug, the kit's serving half), with what they import: found
# by comparing the two processes' sys.modules in a launch. None starts a thread or opens a file
# at import, so the process is as safe to fork after them as before. One that isn't there (a
# Python built without ssl or sqlite3) is left to whoever needs it to say so. encodings.idna: what
# socket.getaddrinfo looks up for any host name (Werkzeug's server, the window's health checks).
SHARED_MODULES = (
    "asyncio", "concurrent.futures", "dataclasses", "email.parser", "email.utils", "encodings.idna", "gettext",
    "http.server", "inspect", "ipaddress", "json", "logging.handlers", "mimetypes", "pathlib", "pickle", "pkgutil",
    "platform", "queue", "secrets", "shlex", "sqlite3", "ssl", "tarfile", "tempfile", "textwrap", "tokenize",
    "tomllib", "typing", "unicodedata", "urllib.parse", "uuid",
)


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def import_shared_modules() -> None:
    """Import SHARED_MODULES in this (window) process, for a child forked next to share."""
    for name in SHARED_MODULES:
        try:
            __import__(name)
        except ImportError:
            pass


class ForkedProcess:
    """A forked child, reaped by a thread of its own (so waiting never polls)."""

    def __init__(self, pid: int, stdin, stdout, stderr) -> None:
        self.pid, self.stdin, self.stdout, self.stderr = pid, stdin, stdout, stderr
        self.args = [f"<forked app process {pid}>"]
        self.returncode: int | None = None
        self._exited = threading.Event()
        threading.Thread(target=self._reap, name="app-process-reaper", daemon=True).start()

    def _reap(self) -> None:
        try:
            _pid, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)  # -N when killed by signal N, as Popen says
        except ChildProcessError:  # reaped by someone else (SIGCHLD ignored): gone, status unknown, as Popen says
            self.returncode = 0
        self._exited.set()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._exited.wait(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:  # not yet reaped: the pid is still ours
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def fork_app_process(child_main, handover_env: str, handover: int) -> ForkedProcess:
    """Fork; the child makes its pipes its stdin, stdout and stderr, runs `child_main` (which
    returns its exit code) and never comes back here; the parent gets the child's other ends."""
    pipes = {0: os.pipe(), 1: os.pipe(), 2: os.pipe()}  # (read end, write end) each
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # nothing buffered may be written twice
            stream.flush()
    # What both processes hold from here on is never collected: keep the collector of each
    # from writing to those objects (which would copy the shared pages), as gc.freeze's docs advise.
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        for read_end, write_end in pipes.values():
            os.close(read_end)
            os.close(write_end)
        raise
    if pid == 0:
        _become_app_process(child_main, pipes, handover_env, handover)
    os.close(pipes[0][0])
    os.close(pipes[1][1])
    os.close(pipes[2][1])
    return ForkedProcess(pid, os.fdopen(pipes[0][1], "wb"), os.fdopen(pipes[1][0], "rb"), os.fdopen(pipes[2][0], "rb"))


def _become_app_process(child_main, pipes: dict, handover_env: str, handover: int) -> None:
    code = 70  # EX_SOFTWARE: an app process that could not even start
    try:
        import atexit

        atexit._clear()  # the window process's exit hooks are not this process's
        for target, (read_end, write_end) in pipes.items():
            os.dup2(read_end if target == 0 else write_end, target)
            os.close(read_end)
            os.close(write_end)  # the window process holds the other ends: its exit is our EOF
        os.environ[handover_env] = str(handover)
        code = child_main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - whatever it is, it must not unwind into the window process's code
        code = 1
        import traceback

        traceback.print_exc()  # to fd 2: the window process's log
    finally:
        os._exit(code)
