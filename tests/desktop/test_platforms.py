"""What each OS backend decides, tested here by name: the logic runs on any machine."""

from __future__ import annotations

from pathlib import Path

from desktop.platforms import fallback, linux, macos, windows


def test_the_window_icon_is_a_format_each_toolkit_can_load(tmp_path):
    """WinForms throws on a PNG inside the window's thread (issue 14, item 1): no window at all."""
    png, ico = tmp_path / "icon.png", tmp_path / "app.ico"
    assert linux.window_icon(png) == str(png)
    assert windows.window_icon(png) is None and windows.window_icon(ico) == str(ico)
    assert macos.window_icon(png) is None and fallback.window_icon(png) is None
    assert all(backend.window_icon(None) is None for backend in (linux, windows, macos, fallback))


def test_every_backend_offers_the_same_interface():
    names = {"GUI", "prepare_environment", "adapt_webview", "close_modal_dialogs", "watch_kiosk_input",
             "watch_close_keys", "follow_page_title", "window_icon", "set_app_identity", "has_display",
             "show_error_dialog", "try_lock", "channel_address"}
    for backend in (linux, windows, macos, fallback):
        assert names <= set(vars(backend)), (backend.__name__, names - set(vars(backend)))
    assert Path(linux.__file__).parent.name == "platforms"
