"""Closing the window lets the page save first (window.desktopFlush), with a deadline."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from desktop import page as page_module
from desktop import window as window_module
from desktop.kit import KitSettings
from desktop.window import NativeWindow


class FakePywebviewWindow:
    """pywebview's window as the GTK backend behaves: destroy() fires `closing` on the GUI thread,
    and the close goes on only when no handler returned False."""

    def __init__(self, page_saves_in: float | None) -> None:
        self.closing_handlers = []
        self.page_saves_in = page_saves_in  # None: the page has no desktopFlush hook that ever ends
        self.flush_asked_at: float | None = None
        self.closed_at: float | None = None
        self.on_closed = None

    def run_js(self, script: str):
        if script.startswith("window.__desktopFlushed = false"):
            self.flush_asked_at = time.monotonic()
            return None
        if "__desktopFlushed === true" in script:
            done = self.page_saves_in is not None and time.monotonic() - self.flush_asked_at >= self.page_saves_in
            return "true" if done else "false"
        return None

    def destroy(self) -> None:
        if all(handler() is not False for handler in self.closing_handlers):
            self.closed_at = time.monotonic()
            self.on_closed()


def window_with(fake: FakePywebviewWindow, tmp_path: Path) -> NativeWindow:
    window = NativeWindow(KitSettings(name="Notes", factory="x:y"), "http://127.0.0.1:1/", storage_path=tmp_path)
    window._window = fake
    fake.closing_handlers.append(window._on_closing)
    fake.on_closed = window.closed.set
    window.loaded.set()
    return window


def test_closing_waits_for_the_page_to_save(tmp_path):
    fake = FakePywebviewWindow(page_saves_in=0.3)
    window = window_with(fake, tmp_path)
    started = time.monotonic()
    fake.destroy()  # the close button
    assert fake.closed_at is None  # deferred: the page is saving
    assert window.closed.wait(5)
    assert fake.closed_at - started >= 0.3 and fake.flush_asked_at is not None


def test_a_page_that_never_finishes_saving_cannot_keep_the_window_open(tmp_path, monkeypatch):
    monkeypatch.setattr(page_module, "FLUSH_SECONDS", 0.5)
    fake = FakePywebviewWindow(page_saves_in=None)
    window = window_with(fake, tmp_path)
    monkeypatch.setattr(window_module.platforms.current(), "close_modal_dialogs", lambda: None)  # no GTK here
    threading.Thread(target=window.close).start()  # Ctrl+Q, SIGTERM: any thread
    assert window.closed.wait(5)


def test_a_window_whose_page_never_loaded_closes_at_once(tmp_path):
    fake = FakePywebviewWindow(page_saves_in=None)
    window = window_with(fake, tmp_path)
    window.loaded.clear()
    fake.destroy()
    assert window.closed.is_set() and fake.flush_asked_at is None


class FakeWindowForPresent:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def restore(self) -> None:
        self.calls.append("restore")

    def show(self) -> None:
        self.calls.append("show")


def test_a_second_launch_brings_the_window_forward_without_unmaximising_it(tmp_path):
    """Issue 14, item 4: restore() on a maximised WinForms window makes it Normal."""
    window = NativeWindow(KitSettings(name="Notes", factory="x:y"), "http://127.0.0.1:1/", storage_path=tmp_path)
    window._window = fake = FakeWindowForPresent()
    window.present()  # maximised or normal: only shown
    assert fake.calls == ["show"]
    window._on_minimized()
    window.present()  # minimised: brought back first
    assert fake.calls == ["show", "restore", "show"]
    window._on_restored()
    window.present()
    assert fake.calls[-1:] == ["show"] and fake.calls.count("restore") == 1


def test_with_close_to_tray_the_close_button_hides_and_quit_closes(tmp_path, monkeypatch):
    from desktop.kit import KitSettings

    fake = FakePywebviewWindow(page_saves_in=0.0)
    hidden = threading.Event()
    fake.hide = hidden.set
    kit = KitSettings(name="Notes", factory="x:y", tray={"close_to_tray": True})
    window = NativeWindow(kit, "http://127.0.0.1:1/", storage_path=tmp_path)
    window._window = fake
    fake.closing_handlers.append(window._on_closing)
    fake.on_closed = window.closed.set
    window.loaded.set()
    window._tray_shown = True  # the desktop shows tray icons
    fake.destroy()  # the window's close button
    assert hidden.wait(5) and not window.closed.is_set() and window.hidden
    monkeypatch.setattr(window_module.platforms.current(), "close_modal_dialogs", lambda: None)
    threading.Thread(target=window.close).start()  # Quit (the tray's, the menu's, Ctrl+Q)
    assert window.closed.wait(5)
