"""What Linux and macOS share: file locks and Unix-socket addresses."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

MAX_SOCKET_PATH = 100  # sun_path holds 104-108 bytes, depending on the OS


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; the OS drops it when the process dies."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def channel_address(folder: Path, name: str) -> tuple[str, str]:
    """A Unix socket for the single-instance channel: in `folder` if the path is short enough."""
    path = str(folder / f"{name}.sock")
    if len(path.encode()) > MAX_SOCKET_PATH:
        digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
        runtime = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
        path = str(Path(runtime) / f"{name}-{os.getuid()}-{digest}.sock")
    return path, "AF_UNIX"


def restrict_to_owner(path: Path) -> None:
    """Nothing more to do: the file or folder was made 0600/0700, which POSIX honours."""


def allow_foreground(pid: int) -> None:
    """Any process may raise its window here (the window manager decides): nothing to grant."""
