"""The app's icons, made by the builder from one image (issue 27: a 160x60 logo came out stretched,
and with no icon the desktop entry named one the .deb didn't ship)."""

from __future__ import annotations

import pytest
from PIL import Image

from desktop.builder.bundle import BuildError, make_icons
from desktop.kit import KitSettings


def settings_with_icon(tmp_path, size) -> KitSettings:
    if size is not None:
        Image.new("RGBA", size, (200, 30, 30, 255)).save(tmp_path / "icon.png")
    return KitSettings(name="Ledger", factory="ledger:create_app", icon="icon.png" if size else "", root=tmp_path)


@pytest.mark.parametrize("size", [(160, 60), (128, 128)])
def test_an_icon_that_is_not_square_or_too_small_is_refused_with_the_fix(tmp_path, size):
    with pytest.raises(BuildError, match=rf"is {size[0]}x{size[1]}: an app icon must be square and at least 256x256"):
        make_icons(settings_with_icon(tmp_path, size), tmp_path / "icons")


def test_an_app_without_an_icon_gets_one_made_of_its_initial(tmp_path, capsys):
    icons = make_icons(settings_with_icon(tmp_path, None), tmp_path / "icons")
    assert {"png16", "png256", "png512", "ico", "icns"} <= set(icons)
    with Image.open(icons["png512"]) as opened:
        image = opened.convert("RGBA")
    assert image.size == (512, 512) and image.getpixel((0, 0))[3] == 0  # rounded corners
    assert image.getpixel((256, 100))[3] == 255 and image.getpixel((256, 100))[:3] != (255, 255, 255)
    assert "made of the app's initial" in capsys.readouterr().out


def test_a_square_icon_is_made_in_every_size(tmp_path):
    icons = make_icons(settings_with_icon(tmp_path, (512, 512)), tmp_path / "icons")
    for name, size in (("png16", 16), ("png256", 256)):
        with Image.open(icons[name]) as made:
            assert made.size == (size, size)
