"""Linux: the window's icon at the size it is shown (desktop/platforms/gtk_icon.py)."""

from __future__ import annotations

import os

import gi

from desktop.platforms import linux
from desktop.platforms.gtk_icon import sized_icon

gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf  # noqa: E402 - after the version is chosen


def png(path, width, height=None):
    image = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, True, 8, width, height or width)
    image.fill(0x3366CCFF)
    image.savev(str(path), "png", [], [])
    return path


def size_of(path):
    _format, width, height = GdkPixbuf.Pixbuf.get_file_info(str(path))
    return width, height


def test_a_large_icon_is_shown_from_a_copy_at_the_size_the_desktop_uses(tmp_path):
    source, cache = png(tmp_path / "icon.png", 512), tmp_path / "cache"
    shown = sized_icon(source, cache)
    assert shown.parent == cache and size_of(shown) == (128, 128)
    assert size_of(source) == (512, 512)  # the project's own file is never touched
    assert linux.window_icon(source, cache) == str(shown)  # made once, then found
    assert [p.name for p in cache.iterdir()] == [shown.name]  # no partial file left


def test_a_wide_icon_keeps_its_shape(tmp_path):
    assert size_of(sized_icon(png(tmp_path / "wide.png", 400, 200), tmp_path / "cache")) == (128, 64)


def test_a_small_icon_or_one_gtk_cannot_read_is_used_as_it_is(tmp_path):
    cache = tmp_path / "cache"
    small = png(tmp_path / "small.png", 64)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    assert sized_icon(small, cache) == small
    assert sized_icon(broken, cache) == broken
    assert sized_icon(tmp_path / "missing.png", cache) == tmp_path / "missing.png"
    assert not cache.exists()


def test_a_changed_icon_replaces_its_old_copy(tmp_path):
    source, cache = png(tmp_path / "icon.png", 512), tmp_path / "cache"
    first = sized_icon(source, cache)
    png(source, 256)
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    second = sized_icon(source, cache)
    assert second != first and list(cache.iterdir()) == [second]


def test_a_cache_folder_that_cannot_be_written_leaves_the_icon_as_it_is(tmp_path):
    source = png(tmp_path / "icon.png", 512)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    assert sized_icon(source, blocked / "icons") == source
