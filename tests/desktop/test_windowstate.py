"""Window state: read back safely, and never restored off screen."""

from __future__ import annotations

import json

import pytest

from desktop.windowstate import (
    Rect,
    WindowState,
    fit_to_screens,
    load_window_state,
    save_window_state,
)

DEFAULT = WindowState(width=1100, height=760)
LAPTOP = Rect(0, 0, 1280, 800)
RIGHT_MONITOR = Rect(1280, 0, 1920, 1080)


def test_state_survives_a_save_and_load(tmp_path):
    path = tmp_path / "window-state.json"
    state = WindowState(width=900, height=600, x=40, y=30, maximized=True)
    save_window_state(path, state)
    assert load_window_state(path, DEFAULT) == state
    assert not path.with_name(path.name + ".tmp").exists()


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"\xff\xfe", b"[]", b'"text"',
    json.dumps({"width": "wide", "height": 600}).encode(),
    json.dumps({"width": 900}).encode(),
    json.dumps({"width": True, "height": 600}).encode(),
    json.dumps({"width": 10**12, "height": 600}).encode(),
    json.dumps({"width": 900.5, "height": 600}).encode(),
])
def test_a_damaged_file_means_the_default_size(tmp_path, content, caplog):
    path = tmp_path / "window-state.json"
    path.write_bytes(content)
    assert load_window_state(path, DEFAULT) == DEFAULT
    assert "window state file" in caplog.text


def test_cocoas_float_geometry_is_read_and_saved_as_whole_pixels(tmp_path):
    """macOS reports sizes as floats: a state saved as 1100.0 must still come back (issue 14, item 5)."""
    from types import SimpleNamespace

    from desktop.windowstate import GeometryTracker

    path = tmp_path / "window-state.json"
    path.write_text(json.dumps({"width": 1100.0, "height": 760.0, "x": 12.0, "y": 30.0, "maximized": False}))
    assert load_window_state(path, DEFAULT) == WindowState(width=1100, height=760, x=12, y=30)

    class Events:
        def __getattr__(self, name):
            return self

        def __iadd__(self, handler):
            return self

    cocoa_window = SimpleNamespace(x=12.4, y=29.6, width=1100.0, height=759.5, events=Events())
    tracker = GeometryTracker(cocoa_window, DEFAULT)
    tracker.refresh()
    save_window_state(path, tracker.state)
    assert json.loads(path.read_text())["width"] == 1100 and json.loads(path.read_text())["y"] == 30
    tracker._on_closed()


def test_no_file_means_the_default_size(tmp_path):
    assert load_window_state(tmp_path / "none.json", DEFAULT) == DEFAULT


def test_a_visible_position_is_kept():
    state = WindowState(width=800, height=600, x=1500, y=100)
    assert fit_to_screens(state, [LAPTOP, RIGHT_MONITOR], min_width=640, min_height=480) == state


@pytest.mark.parametrize(("x", "y"), [(1500, 100), (5000, 4000), (-3000, 10), (100, -900), (1250, 790)])
def test_a_position_off_every_screen_is_brought_back(x, y):
    """The right-hand monitor was unplugged (or the window was dragged away)."""
    state = WindowState(width=800, height=600, x=x, y=y)
    fitted = fit_to_screens(state, [LAPTOP], min_width=640, min_height=480)
    assert (fitted.x, fitted.y) == ((1280 - 800) // 2, (800 - 600) // 2)  # centred on the screen left


def test_a_window_bigger_than_every_screen_is_shrunk_to_fit():
    state = WindowState(width=3000, height=2000, x=0, y=0)
    fitted = fit_to_screens(state, [LAPTOP], min_width=640, min_height=480)
    assert (fitted.width, fitted.height) == (1280, 800)


def test_no_position_lets_the_window_manager_choose():
    fitted = fit_to_screens(WindowState(width=800, height=600), [LAPTOP], min_width=640, min_height=480)
    assert fitted.x is None and fitted.y is None


def test_the_state_is_saved_as_soon_as_a_move_settles(tmp_path):
    """Not only when the loop returns: Cmd+Q on macOS, a crash or a kill end it without that."""
    import time
    from types import SimpleNamespace

    from desktop.windowstate import GeometryTracker

    class Event:
        def __init__(self):
            self.handlers = []

        def __iadd__(self, handler):
            self.handlers.append(handler)
            return self

        def fire(self):
            for handler in self.handlers:
                handler()

    events = SimpleNamespace(resized=Event(), moved=Event(), maximized=Event(), restored=Event(), closed=Event())
    window = SimpleNamespace(x=10, y=20, width=900, height=600, events=events)
    path = tmp_path / "window-state.json"
    GeometryTracker(window, DEFAULT, on_settled=lambda state: save_window_state(path, state))
    window.x, window.width = 50, 1000
    events.moved.fire()
    deadline = time.monotonic() + 5
    while load_window_state(path, DEFAULT) != WindowState(width=1000, height=600, x=50, y=20):
        assert time.monotonic() < deadline, "the settled state was not saved"
        time.sleep(0.05)
    events.maximized.fire()
    while not load_window_state(path, DEFAULT).maximized:
        assert time.monotonic() < deadline, "maximising was not saved"
        time.sleep(0.05)
    events.closed.fire()
