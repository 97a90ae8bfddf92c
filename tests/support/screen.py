"""Screenshots of the virtual display, and waiting until something is painted on it."""

from __future__ import annotations

import io
import re
import subprocess
import time

from PIL import Image


def screenshot(env: dict) -> Image.Image:
    """Capture the whole X display named in `env` (ImageMagick's import)."""
    png = subprocess.run(
        ["import", "-window", "root", "png:-"], env=env, capture_output=True, check=True, timeout=30
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def count_color(image: Image.Image, rgb: tuple[int, int, int], tolerance: int = 8) -> int:
    """How many pixels are within `tolerance` of `rgb` on every channel."""
    colors = image.getcolors(maxcolors=image.width * image.height) or []
    return sum(
        count for count, pixel in colors
        if all(abs(channel - wanted) <= tolerance for channel, wanted in zip(pixel, rgb))
    )


def wait_for_color(env: dict, rgb: tuple[int, int, int], *, min_pixels: int, timeout: float) -> Image.Image:
    """Poll screenshots until at least `min_pixels` show `rgb`; return the last one.

    The page paints some time after pywebview's `loaded` event, so tests poll instead of sleeping.
    """
    deadline = time.monotonic() + timeout
    while True:
        image = screenshot(env)
        if count_color(image, rgb) >= min_pixels:
            return image
        if time.monotonic() > deadline:
            raise AssertionError(f"the display never showed {min_pixels} pixels of colour {rgb}")
        time.sleep(0.1)


def window_titles(env: dict) -> list[str]:
    """Titles of the top-level windows on the display (xwininfo, from x11-utils)."""
    out = subprocess.run(
        ["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True, timeout=30
    ).stdout
    return re.findall(r'^\s+0x[0-9a-f]+ "(.*)": ', out, flags=re.MULTILINE)


def wait_for_window(env: dict, title: str, timeout: float) -> None:
    """Poll until a window called `title` is on the display."""
    deadline = time.monotonic() + timeout
    while title not in window_titles(env):
        if time.monotonic() > deadline:
            raise AssertionError(f"no window {title!r}; windows: {window_titles(env)}")
        time.sleep(0.1)


def window_geometry(env: dict, title: str) -> tuple[int, int, int, int]:
    """x, y, width and height of the window called `title` (xwininfo)."""
    out = subprocess.run(["xwininfo", "-name", title], env=env, capture_output=True, text=True, timeout=30).stdout
    values = dict(re.findall(r"^\s+(Absolute upper-left X|Absolute upper-left Y|Width|Height):\s+(-?\d+)", out,
                             flags=re.MULTILINE))
    assert len(values) == 4, f"no window {title!r}: {out}"
    return (int(values["Absolute upper-left X"]), int(values["Absolute upper-left Y"]),
            int(values["Width"]), int(values["Height"]))


def wait_for_geometry(env: dict, title: str, expected: tuple[int, int, int, int], timeout: float) -> None:
    """Poll until the window called `title` has the `expected` geometry."""
    deadline = time.monotonic() + timeout
    while (geometry := window_geometry(env, title)) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"window {title!r} is at {geometry}, expected {expected}")
        time.sleep(0.1)


def window_is_shown(env: dict, title: str) -> bool:
    """Whether a window called `title` is mapped (shown), not only made (xdotool --onlyvisible)."""
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{re.escape(title)}$"], env=env,
                           capture_output=True, text=True, timeout=30)
    return bool(found.stdout.strip())
