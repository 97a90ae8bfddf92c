"""`python -m desktop build`: the PyInstaller bundle (and the Linux package) from [tool.desktop].

PyInstaller's work folder is .pyinstaller/ and its output dist/: build/ holds our packaging
resources and is never written to.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .errors import DesktopError, UsageError
from .kit import KitSettings, load_kit_settings

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".pyinstaller"
DIST = ROOT / "dist"
# PyInstaller's log lines that mark a new stage, and what to tell the user.
STAGES = [
    ("Analyzing ", "analysing the app's imports"),
    ("Looking for dynamic libraries", "collecting shared libraries"),
    ("Building PYZ", "packing Python modules"),
    ("Building EXE", "writing the executable"),
    ("Building COLLECT", "assembling the bundle folder"),
]
ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]


class BuildError(DesktopError):
    """The bundle could not be built; the message says what to do."""

    exit_code = 1


def main(argv: list[str]) -> int:
    """Parse the build options and build."""
    parser = argparse.ArgumentParser(prog="python -m desktop build",
                                     description="Build the app as a PyInstaller bundle (dist/) and, "
                                                 "on Debian/Ubuntu, a .deb package.")
    parser.add_argument("--onefile", action="store_true",
                        help="one self-unpacking executable instead of a folder (slower to start)")
    parser.add_argument("--deb", action="store_true", help="also make a .deb package (Linux, needs dpkg-deb)")
    args = parser.parse_args(argv)
    kit = load_kit_settings()
    if args.deb and args.onefile:
        raise UsageError("--deb packages the folder bundle: leave out --onefile")
    check_prerequisites(deb=args.deb)
    started = time.monotonic()
    bundle = build_bundle(kit, onefile=args.onefile)
    print(f"Built {bundle} in {time.monotonic() - started:.0f} s.", flush=True)
    if args.deb:
        from .packaging.deb import build_deb

        description = _project_description()
        package = build_deb(kit, bundle, DIST, icons_dir=WORK / "icons", description=description)
        print(f"Built {package}.", flush=True)
    return 0


def _project_description() -> str:
    from .kit import find_pyproject, tomllib

    path = find_pyproject()
    if path is None:
        return ""
    return tomllib.loads(path.read_text(encoding="utf-8")).get("project", {}).get("description", "")


def check_prerequisites(*, deb: bool) -> None:
    """Refuse early, naming what is missing."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError as exc:
        raise BuildError("PyInstaller is not installed: pip install -e '.[package]'") from exc
    try:
        import PIL  # noqa: F401
    except ImportError as exc:
        raise BuildError("Pillow (for the icons) is not installed: pip install -e '.[package]'") from exc
    if sys.platform.startswith("linux") and not shutil.which("objdump"):
        raise BuildError("PyInstaller needs objdump on Linux: apt-get install binutils")
    if deb and not shutil.which("dpkg-deb"):
        raise BuildError("making a .deb needs dpkg-deb (Debian/Ubuntu)")


def make_icons(kit: KitSettings, folder: Path) -> dict[str, Path]:
    """PNG sizes, .ico and .icns from the kit's one source image."""
    from PIL import Image

    source = kit.icon_path()
    if source is None:
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.open(source).convert("RGBA")
    icons: dict[str, Path] = {}
    for size in ICON_SIZES:
        path = folder / f"{size}x{size}.png"
        image.resize((size, size), Image.LANCZOS).save(path)
        icons[f"png{size}"] = path
    icons["ico"] = folder / "app.ico"
    image.save(icons["ico"], sizes=[(s, s) for s in ICON_SIZES if s <= 256])
    icons["icns"] = folder / "app.icns"
    image.save(icons["icns"])
    return icons


def build_bundle(kit: KitSettings, *, onefile: bool) -> Path:
    """Run PyInstaller on installer.spec; return the bundle's path."""
    icons = make_icons(kit, WORK / "icons")
    platform_icon = icons.get("ico" if sys.platform == "win32" else "icns" if sys.platform == "darwin" else "png256")
    env = dict(os.environ, DESKTOP_BUILD_ONEFILE="1" if onefile else "0",
               DESKTOP_BUILD_ICON=str(platform_icon) if platform_icon else "")
    WORK.mkdir(exist_ok=True)
    log_path = WORK / "build.log"
    dist = DIST / "onefile" if onefile else DIST  # dist/Inkwell is the folder bundle's name
    command = [sys.executable, "-m", "PyInstaller", str(ROOT / "installer.spec"), "--noconfirm",
               "--workpath", str(WORK), "--distpath", str(dist)]
    started = time.monotonic()
    print(f"Building {kit.name} {kit.version} ({'one file' if onefile else 'folder'}); log: {log_path}", flush=True)
    with open(log_path, "w", encoding="utf-8") as log, subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        seen = set()
        for line in process.stdout:
            log.write(line)
            for marker, label in STAGES:
                if marker in line and label not in seen:
                    seen.add(label)
                    print(f"  [{time.monotonic() - started:5.0f} s] {label}", flush=True)
        code = process.wait()
    if code != 0:
        tail = "".join(log_path.read_text(encoding="utf-8").splitlines(True)[-25:])
        raise BuildError(f"PyInstaller failed (exit {code}); the end of {log_path}:\n{tail}")
    if onefile:
        return dist / (kit.name + (".exe" if sys.platform == "win32" else ""))
    return dist / (f"{kit.name}.app" if sys.platform == "darwin" else kit.name)
