"""What Windows and macOS share: pywebview draws the menus there (WinForms, Cocoa)."""

from __future__ import annotations

# The menu roles played there: editing and zoom stay with the web engine's own keys.
MENU_ROLES = frozenset({"quit", "close", "about", "logs"})


def install_menu_bar(window, menus, on_item) -> list:
    """pywebview draws the menus (what webview.start takes as `menu`); it binds no keys."""
    from ..windowmenu import as_pywebview_menus

    return as_pywebview_menus(menus, on_item)


def perform_role(window, role: str) -> bool:
    """No role there acts on the web view (see MENU_ROLES)."""
    return False
