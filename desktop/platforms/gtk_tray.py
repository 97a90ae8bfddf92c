"""Linux: the tray icon, as a StatusNotifierItem over D-Bus (libayatana-appindicator).

Shown by KDE Plasma, Cinnamon, MATE, Xfce and Budgie, and by GNOME with the AppIndicator
extension (Ubuntu's default); stock GNOME shows none. Without the library (Debian package
gir1.2-ayatanaappindicator3-0.1) or a desktop that shows such icons, the app runs without one.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from ..menus import MenuItem

log = logging.getLogger(__name__)

_indicators: list = []  # kept alive for as long as the app


def install_tray(window, *, app_id: str, title: str, icon: Path | None, items: tuple[MenuItem, ...],
                 on_item: Callable[[MenuItem], None]) -> bool:
    """Put the app's icon in the tray with `items` as its menu; False if there can be none here."""
    try:
        import gi

        gi.require_version("AyatanaAppIndicator3", "0.1")
        from gi.repository import AyatanaAppIndicator3 as AppIndicator
    except (ImportError, ValueError):
        log.info("no tray icon: the AppIndicator library (gir1.2-ayatanaappindicator3-0.1) is not installed")
        return False
    from gi.repository import GLib, Gtk

    def chosen(_menu_item, item: MenuItem) -> None:
        threading.Thread(target=on_item, args=(item,), name="tray-item", daemon=True).start()

    def create() -> bool:
        indicator = AppIndicator.Indicator.new(app_id, "application-x-executable",
                                               AppIndicator.IndicatorCategory.APPLICATION_STATUS)
        if icon is not None:
            indicator.set_icon_full(str(icon), title)
        indicator.set_title(title)
        menu = Gtk.Menu()
        for item in items:
            if item.separator:
                menu.append(Gtk.SeparatorMenuItem())
                continue
            entry = Gtk.MenuItem.new_with_label(item.label)
            entry.connect("activate", chosen, item)
            menu.append(entry)
        menu.show_all()
        indicator.set_menu(menu)
        indicator.set_status(AppIndicator.IndicatorStatus.ACTIVE)
        _indicators.append(indicator)
        log.info("tray icon registered")
        return False

    GLib.idle_add(create)
    return True
