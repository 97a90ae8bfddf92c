"""Linux: the window's and the tray's icon, at the size they are shown.

GTK keeps the icon it is given as decoded pixels (pywebview sets it twice: the window's and the
default for dialogs) and hands X11 another copy of every pixel (_NET_WM_ICON, 8 bytes a pixel): a
512 px source costs the window process ~2.4 MB, and the tray's fallback icon as much again, for a
picture shown at 16 to 64 px. Docks and task switchers show the installed desktop entry's icon
where they can match the window to it; 128 px is plenty for the rest. The smaller copy is made
once per source image, in the user's cache folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

SIZE = 128
PREFIX = "window-icon-"


def sized_icon(source: Path, cache: Path, size: int = SIZE) -> Path:
    """`source` if it is no larger than `size` px (or can't be read here), else a copy scaled to fit."""
    try:
        import gi

        gi.require_version("GdkPixbuf", "2.0")
        from gi.repository import GdkPixbuf, GLib
    except (ImportError, ValueError):
        return source
    try:
        stat = source.stat()
        key = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        target = cache / f"{PREFIX}{size}-{key}.png"
        if target.is_file():  # every launch after the first: two stats, the image isn't opened
            return target
        image_format, width, height = GdkPixbuf.Pixbuf.get_file_info(str(source))  # reads the header only
        if image_format is None or max(width, height) <= size:
            return source
        cache.mkdir(parents=True, exist_ok=True)
        pixbuf = GdkPixbuf.Pixbuf.new_from_file_at_size(str(source), size, size)  # keeps the aspect ratio
        partial = cache / f"{target.name}.{os.getpid()}.partial"  # two launches at once each write their own
        pixbuf.savev(str(partial), "png", [], [])
        os.replace(partial, target)
        for stale in cache.glob(f"{PREFIX}*.png"):  # copies of an icon the app no longer has
            if stale != target:
                stale.unlink(missing_ok=True)
        return target
    except (GLib.Error, OSError) as exc:
        log.info("window icon %s used as it is: %s", source, exc)
        return source
