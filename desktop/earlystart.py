"""The app process's head start: bind the app's port and start its process at the window process's
first instant, before that process imports anything of its own.

The app process (Flask, the ORM, the app) is the last part of a launch to be ready, so every
millisecond before it starts is a millisecond on the launch. This module is the one the entry
points import first: it uses only the lightest parts of the standard library, and the rest of the
process model (appprocess.py) is imported later.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

ENV = "DESKTOP_APP_PROCESS"  # set for the app process only: its value is the sys.path entries to add (JSON)
LOOPBACK = "127.0.0.1"
BACKLOG = 128

# Command lines that never serve the app: no app process is started for them.
NO_APP_OPTIONS = frozenset({"--version", "--paths", "--help", "-h", "--flask", "--set-kiosk-pin", "--check-updates"})

# The app process started at the first instant, with the socket it will serve on.
_early: list[tuple[socket.socket, subprocess.Popen]] = []


def bind_loopback() -> socket.socket:
    """A listening TCP socket on 127.0.0.1, on a free port the OS picks while binding.

    Port 0 means no probe-then-bind race: no other process can take the port in between.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no other socket may share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        sock.bind((LOOPBACK, 0))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def wants_app(args: list[str]) -> bool:
    """Whether a command line runs the app (so an early app process is worth starting)."""
    return not NO_APP_OPTIONS.intersection(args)


def is_app_process() -> bool:
    """Whether this process was started to serve the app (the frozen executable plays both roles)."""
    return ENV in os.environ


def start_early() -> None:
    """Bind the app's port and start its app process now, before this process has parsed its
    command line or imported its own modules. A launch that turns out not to need it (--version,
    a second launch handing over) closes its input at exit, and it ends without having served."""
    if _early or is_app_process():
        return
    try:
        sock = bind_loopback()
        process = spawn_child(sock)
    except OSError:  # the launch goes on as usual, and says what is wrong where it can (with a log)
        return
    _early.append((sock, process))

    import atexit

    atexit.register(_discard)


def _discard() -> None:
    for _sock, unused in _early:
        unused.stdin.close()
        unused.wait(5)
    _early.clear()


def early_socket() -> socket.socket | None:
    """The socket bound by start_early (None if there was no early start): the server listens on it."""
    return _early[0][0] if _early else None


def take_early(sock: socket.socket) -> subprocess.Popen | None:
    """The early app process, if it was started with `sock`."""
    if _early and _early[0][0] is sock:
        return _early.pop()[1]
    return None


def spawn_child(sock: socket.socket) -> subprocess.Popen:
    """Start an app process that will serve on `sock` once told what to serve (its first line of input)."""
    command, extra_path = child_command()
    keep_fds = () if hasattr(sock, "share") else (sock.fileno(),)
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, ENV: json.dumps(extra_path)}, pass_fds=keep_fds,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


def child_command() -> tuple[list[str], list[str]]:
    """How to start the app process, and the import path it needs on top of its own."""
    if getattr(sys, "frozen", False):  # the bundle's own executable, in its other role
        return [sys.executable], []
    boot = ("import json, os, sys; sys.path[:0] = json.loads(os.environ['" + ENV + "']); "
            "from desktop.appprocess_main import main; sys.exit(main())")
    # The shell's own import path: the project's folder, a src/ layout, the kit itself.
    return [sys.executable, "-c", boot], [os.path.abspath(entry) for entry in sys.path if entry]
