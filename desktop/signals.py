"""Ctrl+C, SIGTERM (and SIGBREAK on Windows) close the app the way the window's close button does."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

log = logging.getLogger(__name__)

EX_SOFTWARE = 70  # sysexits.h: internal software error


@contextmanager
def stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """While inside, Ctrl+C and SIGTERM call `stop` (once) instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ["SIGINT", "SIGTERM"] + (["SIGBREAK"] if sys.platform == "win32" else [])
    wanted = [getattr(signal, name) for name in names if hasattr(signal, name)]

    def handler(signum, _frame) -> None:
        # Closing may wait on the GUI loop, which runs on this thread: don't block the handler.
        # Nor log from it: the signal may have interrupted this thread inside a write to the log
        # ("reentrant call inside <_io.BufferedWriter>"), so the line is written on the new thread.
        name = signal.Signals(signum).name
        threading.Thread(target=_logged_stop, args=(name, stop), name="stop-on-signal", daemon=True).start()
        threading.Thread(target=_exit_if_stuck, name="stop-watchdog", daemon=True).start()

    previous = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


STOP_GRACE_SECONDS = 5.0


def _logged_stop(signal_name: str, stop: Callable[[], None]) -> None:
    log.info("received %s: closing", signal_name)
    stop()


def _exit_if_stuck() -> None:
    """A stop was asked for: if the process is still here after a grace period, end it.

    Every write is its own committed transaction, so ending the process loses nothing saved;
    a hung GUI toolkit must not keep the app (and its port) alive after logout or Ctrl+C.
    """
    time.sleep(STOP_GRACE_SECONDS)
    log.error("still running %.0f s after the stop request: exiting now", STOP_GRACE_SECONDS)
    logging.shutdown()
    os._exit(EX_SOFTWARE)
