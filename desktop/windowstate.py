"""The window opens where the user left it: size, position and maximised state, kept across launches.

A saved position can be off every screen (a monitor unplugged, a resolution change): it is then
brought back onto the visible area, so the window never opens where nobody can see it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable

log = logging.getLogger(__name__)

MIN_VISIBLE = 100  # pixels of the window (width, and its top strip) that must be on a screen
SETTLE_SECONDS = 0.3  # a drag fires dozens of moves: read the geometry once it has settled


@dataclass(frozen=True)
class Rect:
    """A screen's area, in desktop coordinates."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class WindowState:
    """Size and position of the window when not maximised, and whether it was maximised."""

    width: int
    height: int
    x: int | None = None  # None: let the window manager place it
    y: int | None = None
    maximized: bool = False


def load_window_state(path: Path, default: WindowState) -> WindowState:
    """The saved state, or `default` when there is none or it is unreadable (logged, not fatal)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        log.warning("window state file %s is unreadable (%s): using the default size", path, exc)
        return default
    try:
        state = WindowState(
            width=_int(data, "width"), height=_int(data, "height"),
            x=_int(data, "x", optional=True), y=_int(data, "y", optional=True),
            maximized=data.get("maximized") is True,
        )
    except (TypeError, ValueError, AttributeError) as exc:
        log.warning("window state file %s has bad values (%s): using the default size", path, exc)
        return default
    if state.width <= 0 or state.height <= 0:
        return replace(state, width=default.width, height=default.height)
    return state


def _int(data: dict, key: str, *, optional: bool = False) -> int | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if isinstance(value, float) and value.is_integer():  # Cocoa reports points as floats: 1100.0
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 1_000_000:
        raise ValueError(f"{key} is not a whole number of pixels")
    return value


def save_window_state(path: Path, state: WindowState) -> None:
    """Write the state in one step (a crash mid-write leaves the old file)."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(asdict(state)), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        log.warning("could not save the window state to %s: %s", path, exc)


def fit_to_screens(state: WindowState, screens: Iterable[Rect], *, min_width: int, min_height: int) -> WindowState:
    """`state`, shrunk to fit the largest screen and moved onto one if it is (almost) off them all."""
    screens = [s for s in screens if s.width > 0 and s.height > 0]
    if not screens:
        return state
    largest = max(screens, key=lambda s: s.width * s.height)
    width = max(min(state.width, max(s.width for s in screens)), min_width)
    height = max(min(state.height, max(s.height for s in screens)), min_height)
    state = replace(state, width=width, height=height)
    if state.x is None or state.y is None:
        return state
    if any(_title_bar_visible(state, screen) for screen in screens):
        return state
    log.info("the saved window position (%d, %d) is off every screen: centring the window", state.x, state.y)
    return replace(state, x=largest.x + max((largest.width - width) // 2, 0),
                   y=largest.y + max((largest.height - height) // 2, 0))


def _title_bar_visible(state: WindowState, screen: Rect) -> bool:
    """Enough of the window's top strip is on `screen` to grab it with the mouse."""
    overlap = min(state.x + state.width, screen.x + screen.width) - max(state.x, screen.x)
    top_on_screen = screen.y <= state.y <= screen.y + screen.height - MIN_VISIBLE // 2
    return overlap >= min(MIN_VISIBLE, state.width) and top_on_screen


class GeometryTracker:
    """Follows the window's geometry from pywebview's events, reading it once moves settle.

    Reading the geometry goes through the GUI loop, so it never happens on the loop's thread
    (that would deadlock) and never in pywebview's event threads (which keep the process
    alive): a daemon thread of ours does it.
    """

    def __init__(self, window: Any, initial: WindowState,
                 on_settled: Callable[[WindowState], None] | None = None) -> None:
        self._window = window
        self.state = initial
        # Called with each settled state (after a move, resize, maximise or restore): the state
        # is then on disk even when the process ends without returning from the GUI loop
        # (Cmd+Q and logout on macOS end it inside Cocoa's loop; a crash; a kill).
        self._on_settled = on_settled
        self._changed = threading.Event()
        self._closed = threading.Event()
        window.events.resized += self._on_change
        window.events.moved += self._on_change
        window.events.maximized += self._on_maximized
        window.events.restored += self._on_restored
        window.events.closed += self._on_closed
        threading.Thread(target=self._follow, name="window-geometry", daemon=True).start()

    def _on_change(self, *_args) -> None:
        self._changed.set()

    def _on_maximized(self) -> None:
        self.state = replace(self.state, maximized=True)
        self._changed.set()

    def _on_restored(self) -> None:
        self.state = replace(self.state, maximized=False)
        self._changed.set()

    def _on_closed(self) -> None:
        self._closed.set()
        self._changed.set()

    def _follow(self) -> None:
        while True:
            self._changed.wait()
            while self._changed.is_set() and not self._closed.is_set():  # wait for a quiet moment
                self._changed.clear()
                self._closed.wait(SETTLE_SECONDS)
            if self._closed.is_set():
                return
            self.refresh()
            if self._on_settled is not None:
                try:
                    self._on_settled(self.state)
                except Exception:  # noqa: BLE001 - a full disk must not stop the window
                    log.warning("could not save the window state", exc_info=True)

    def refresh(self) -> None:
        """Read the geometry now (not on the GUI loop's thread, while the window is open)."""
        if self.state.maximized or self._closed.is_set():  # keep the size to return to when un-maximised
            return
        try:
            window = self._window
            # Whole pixels: Cocoa reports floats (1100.0), which a saved state must not carry.
            self.state = replace(self.state, x=round(window.x), y=round(window.y), width=round(window.width),
                                 height=round(window.height))
        except Exception:  # noqa: BLE001 - the window may be closing
            log.debug("could not read the window geometry", exc_info=True)
