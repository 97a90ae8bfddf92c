"""One running app per data folder: a later launch hands its request to the running one and exits.

The lock is an OS file lock, which the OS drops when the process ends however it ends (kill -9
included): a lock left behind can't keep the app from starting. The running app listens on a
local channel (a Unix socket, a named pipe on Windows) whose address and per-launch key it
writes to a file only this user can read; the key proves both ends to each other.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Callable

from . import platforms
from .errors import AlreadyRunning

log = logging.getLogger(__name__)

HANDOVER_TIMEOUT = 15.0  # a first launch may still be starting: wait for its channel this long
MAX_MESSAGE = 1 << 16


class InstanceLock:
    """The lock on a data folder and, once held, the channel later launches talk to."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.app_name = name
        self.name = name.lower()
        self.lock_path = folder / "instance.lock"
        self.info_path = folder / "instance.json"
        self._fd: int | None = None
        self._listener = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        if not platforms.current().try_lock(fd):
            os.close(fd)
            return False
        self._fd = fd
        return True

    def listen(self, handle: Callable[[list[str]], None]) -> threading.Thread:
        """Answer later launches on a daemon thread: `handle(files)` runs for each one."""
        thread = threading.Thread(target=self._serve, args=(handle,), name="instance-channel", daemon=True)
        thread.start()
        return thread

    def _serve(self, handle: Callable[[list[str]], None]) -> None:
        from multiprocessing.connection import Listener  # ~15 ms of imports: off the start-up path

        address, family = platforms.current().channel_address(self.folder, self.name)
        key = secrets.token_bytes(32)
        if family == "AF_UNIX":
            Path(address).unlink(missing_ok=True)  # left by a process that was killed; we hold the lock
        try:
            self._listener = Listener(address, family, authkey=key)
        except OSError as exc:
            log.warning("single instance: cannot listen on %s (%s): later launches will say so", address, exc)
            return
        _write_private(self.info_path, json.dumps({"pid": os.getpid(), "address": address, "family": family,
                                                    "key": key.hex()}))
        log.debug("single instance: listening on %s", address)
        while True:
            listener = self._listener
            if listener is None:
                return
            try:
                connection = listener.accept()
            except Exception as exc:  # noqa: BLE001 - closed by release(), or a client without the key
                if self._listener is None:
                    return
                log.warning("single instance: refused a connection: %s", exc or type(exc).__name__)
                continue
            with connection:
                try:
                    request = json.loads(connection.recv_bytes(MAX_MESSAGE))
                    files = [str(f) for f in request.get("files", []) if isinstance(f, str)]
                    connection.send_bytes(b'{"ok": true}')
                except (OSError, EOFError, ValueError, AttributeError, RecursionError) as exc:
                    log.warning("single instance: unreadable request from a later launch: %s", exc)
                    continue
            log.info("a later launch handed over %d file(s)", len(files))
            try:
                handle(files)
            except Exception:  # one bad request must not end the channel
                log.exception("single instance: handling a later launch failed")

    def release(self) -> None:
        """Stop listening and drop the lock (the OS would drop it anyway at exit)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # Wake the thread blocked in accept(): closing alone does not, on Linux.
            raw_socket = getattr(getattr(listener, "_listener", None), "_socket", None)
            if raw_socket is not None:
                try:
                    raw_socket.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            listener.close()
        if self._fd is not None:
            self.info_path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None


def hand_over(lock: InstanceLock, files: list[str], timeout: float = HANDOVER_TIMEOUT) -> None:
    """Give `files` to the running app and ask it to come to the front; raise AlreadyRunning on silence."""
    from multiprocessing.connection import Client

    from .applinks import is_link

    # Paths are made absolute here (the running app has another working directory); links stay.
    message = json.dumps({"files": [f if is_link(f) else str(Path(f).absolute()) for f in files]}).encode()
    deadline = time.monotonic() + timeout
    problem = "it has not opened its channel yet"
    pid = None
    while time.monotonic() < deadline:
        try:
            info = json.loads(lock.info_path.read_text(encoding="utf-8"))
            pid = info.get("pid")
            if isinstance(pid, int):  # Windows: only the launch the user just started may raise a window
                platforms.current().allow_foreground(pid)
            with Client(info["address"], info["family"], authkey=bytes.fromhex(info["key"])) as connection:
                connection.send_bytes(message)
                if connection.poll(5) and json.loads(connection.recv_bytes(MAX_MESSAGE)).get("ok"):
                    return
                problem = "it did not confirm the request"
        except FileNotFoundError:
            problem = "it has not opened its channel yet"
        except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
            problem = f"its channel failed: {exc}"  # starting, stopping, or a stale info file
        time.sleep(0.1)
    who = f" (process {pid})" if pid else ""
    raise AlreadyRunning(f"{lock.app_name} is already running{who} for this data folder, but it does not answer: "
                         f"{problem}. Close it (or end that process) and try again.")


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by this user only, replacing any old one in one step."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    platforms.current().restrict_to_owner(temporary)  # before the key is in it (Windows ignores the mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(temporary, path)
