"""A virtual X display for benchmarks and tests, when there is no display already."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator


@contextlib.contextmanager
def virtual_display(size: str = "1280x800x24") -> Iterator[dict]:
    """Yield an environment with DISPLAY set: the current one, or a new Xvfb server's."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        yield dict(os.environ)
        return
    if not shutil.which("Xvfb"):
        raise RuntimeError("no display and no Xvfb: install xvfb (the test set-up does)")
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display number itself and writes it back (no race).
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield {**os.environ, "DISPLAY": f":{number}"}
    finally:
        xvfb.terminate()
        xvfb.wait(10)
