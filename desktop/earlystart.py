"""The app process's head start: started at the window process's first instant, before that
process imports anything of its own (or knows which app it runs).

The app process (Flask, the ORM, the app) is the last part of a launch to be ready, so every
millisecond before it starts is a millisecond on the launch. This module is the one the entry
points import first: it uses only the lightest parts of the standard library, and the rest of the
process model (appprocess.py) is imported later. Where the app process is forked (Linux), the
standard-library modules both processes need are imported just before (forkedprocess.py): the
app process then has that much less to import, and the two share those pages.

The listening socket is handed over once the window process has bound it (it binds the port the
app's pages came from last time, so their web storage stays theirs): on POSIX over a socket pair
the app process inherits (SCM_RIGHTS), on Windows with socket.share().
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

ENV = "DESKTOP_APP_PROCESS"  # set for the app process only: its value is the sys.path entries to add (JSON)
HANDOVER_ENV = "DESKTOP_SOCKET_HANDOVER"  # POSIX: the app process's end of the socket pair (fd number)
LOOPBACK = "127.0.0.1"
BACKLOG = 128

# Command lines that never serve the app: no app process is started for them.
NO_APP_OPTIONS = frozenset({"--version", "--paths", "--help", "-h", "--flask", "--set-kiosk-pin", "--check-updates",
                            "--finish-update"})

# The app process started at the first instant, and this side of its socket pair (POSIX).
_early: list[tuple[subprocess.Popen, socket.socket | None]] = []


def bind_loopback(preferred: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1: on `preferred` if that port is free, else on a port the
    OS picks while binding. Binding is the test: no probe-then-bind race, nobody else's port taken."""
    if preferred:
        try:
            return _listen(preferred)
        except OSError:
            pass
    return _listen(0)


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no other socket may share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:  # POSIX: our own last run's closed connections (TIME_WAIT) don't hold the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
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
    """Start the app process now, before this process has parsed its command line or imported its
    own modules. A launch that turns out not to need it (--version, a second launch handing over)
    closes its input at exit, and it ends without having served."""
    if _early or is_app_process():
        return
    if os.name == "posix":  # before the app process exists: what either process creates is the user's only
        os.umask(0o077)  # (paths.keep_files_private, which the later imports would otherwise set too late)
    try:
        _early.append(spawn_child(fork=True))
    except OSError:  # the launch goes on as usual, and says what is wrong where it can (with a log)
        return

    import atexit

    atexit.register(_discard)


def _discard() -> None:
    for unused, handover in _early:
        unused.stdin.close()
        unused.wait(5)
        if handover is not None:
            handover.close()
    _early.clear()


def take_early() -> tuple[subprocess.Popen, socket.socket | None] | None:
    """The app process started at the first instant (once), with its end of the socket hand-over."""
    return _early.pop() if _early else None


def spawn_child(*, fork: bool = False) -> tuple[subprocess.Popen, socket.socket | None]:
    """Start an app process that will serve once told what to serve (its first line of input) and
    given the listening socket (hand_over_socket). `fork`: fork it where that is safe (Linux, one
    thread: see forkedprocess.py) instead of starting a new interpreter."""
    ours = theirs = None
    if not hasattr(socket.socket, "share"):
        ours, theirs = socket.socketpair()
    try:
        if fork and not hasattr(socket.socket, "share"):
            from .forkedprocess import can_fork, fork_app_process, import_shared_modules

            if can_fork():
                import_shared_modules()
                return fork_app_process(_forked_main, HANDOVER_ENV, theirs.fileno()), ours
        command, extra_path = child_command()
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, ENV: json.dumps(extra_path), **({HANDOVER_ENV: str(theirs.fileno())} if theirs else {})},
            pass_fds=(theirs.fileno(),) if theirs else (), creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except OSError:
        if ours is not None:
            ours.close()
        raise
    finally:
        if theirs is not None:
            theirs.close()  # the child has its copy
    return process, ours


def _forked_main() -> int:
    os.environ[ENV] = "[]"  # what a spawned one is told (its import path is already this one's)
    from .appprocess_main import main

    return main()


def hand_over_socket(process: subprocess.Popen, handover: socket.socket | None, sock: socket.socket) -> dict:
    """Give `process` the listening socket; returns what its hello must say about it."""
    if handover is None:  # Windows: a socket is handed to one process by its id
        import base64

        return {"share": base64.b64encode(sock.share(process.pid)).decode()}
    socket.send_fds(handover, [b"s"], [sock.fileno()])  # POSIX: over the socket pair it inherited
    handover.close()
    return {}


def receive_socket(hello: dict) -> socket.socket:
    """In the app process: the window process's listening socket."""
    if "share" in hello:
        import base64

        return socket.fromshare(base64.b64decode(hello["share"]))
    with socket.socket(fileno=int(os.environ.pop(HANDOVER_ENV))) as handover:
        _message, fds, _flags, _address = socket.recv_fds(handover, 1, 1)
    return socket.socket(fileno=fds[0])


def child_command() -> tuple[list[str], list[str]]:
    """How to start the app process, and the import path it needs on top of its own."""
    if getattr(sys, "frozen", False):  # the bundle's own executable, in its other role
        return [sys.executable], []
    boot = ("import json, os, sys; sys.path[:0] = json.loads(os.environ['" + ENV + "']); "
            "from desktop.appprocess_main import main; sys.exit(main())")
    # The shell's own import path: the project's folder, a src/ layout, the kit itself.
    return [sys.executable, "-c", boot], [os.path.abspath(entry) for entry in sys.path if entry]
