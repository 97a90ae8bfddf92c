"""The PyInstaller bundle of a project, from its settings and from what the app says it needs.

PyInstaller works in the project's `.pyinstaller/` and writes to its `dist/`; nothing is written
anywhere else (a `build/` folder of the project is left alone: it may hold packaging resources).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..errors import DesktopError
from ..kit import BUNDLED_SETTINGS, KitSettings
from .probe import MARK, PROBE_ENV
from .specfile import PLAN_ENV, RESOURCES

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


def work_dir(settings: KitSettings) -> Path:
    """PyInstaller's work folder (and the builder's), in the project."""
    return settings.root / ".pyinstaller"


def dist_dir(settings: KitSettings) -> Path:
    """Where bundles and installers go, in the project."""
    return settings.root / "dist"


def check_prerequisites() -> None:
    """Refuse early, naming what is missing."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError as exc:
        raise BuildError("PyInstaller is not installed: pip install 'flask-desktop[build]'") from exc
    try:
        import PIL  # noqa: F401
    except ImportError as exc:
        raise BuildError("Pillow (for the icons) is not installed: pip install 'flask-desktop[build]'") from exc
    if sys.platform.startswith("linux") and not shutil.which("objdump"):
        raise BuildError("PyInstaller needs objdump on Linux: apt-get install binutils")


def make_icons(settings: KitSettings, folder: Path) -> dict[str, Path]:
    """PNG sizes, .ico and .icns from the project's one source image (none: no icons)."""
    from PIL import Image

    source = settings.icon_path()
    if source is None and settings.icon:
        raise BuildError(f"[tool.desktop] icon {settings.icon!r} is not a file in {settings.root}")
    folder.mkdir(parents=True, exist_ok=True)
    if source is None:  # every desktop shows an icon: one made of the app's initial, not a blank
        image = default_icon(settings.name)
        print(f"  no icon set: using one made of the app's initial (set `icon` to a square PNG of "
              f"{MIN_ICON}x{MIN_ICON} or more)", flush=True)
    else:
        with Image.open(source) as opened:
            image = opened.convert("RGBA")
        width, height = image.size
        if width != height or width < MIN_ICON:
            raise BuildError(f"[tool.desktop] icon {settings.icon!r} is {width}x{height}: an app icon must be square "
                             f"and at least {MIN_ICON}x{MIN_ICON} (512x512 looks sharp everywhere), or it is shown "
                             "stretched or blurred. Use another image, or remove `icon` for one made of the "
                             "app's initial")
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


MIN_ICON = 256


def default_icon(app_name: str):
    """A 512x512 icon for an app with none: its initial, white, on a rounded square of a colour
    chosen by its name (so two apps of one developer don't look alike)."""
    import hashlib
    import colorsys

    from PIL import Image, ImageDraw, ImageFont

    hue = int(hashlib.sha256(app_name.encode()).hexdigest()[:4], 16) / 0xFFFF
    colour = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.38, 0.55))
    image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((24, 24, 488, 488), radius=96, fill=(*colour, 255))
    initial = next((c for c in app_name if c.isalnum()), "A").upper()
    font = ImageFont.load_default(size=300)
    draw.text((256, 262), initial, font=font, fill=(255, 255, 255, 255), anchor="mm")
    return image


def probe_app(settings: KitSettings) -> dict:
    """Build the app once in a subprocess and return what it says it reads at run time."""
    data = json.loads(settings.to_json())
    data["root"] = str(settings.root)
    env = dict(os.environ, **{PROBE_ENV: json.dumps(data)})
    result = subprocess.run([sys.executable, "-m", "desktop.builder.probe"], cwd=settings.root, env=env,
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARK)]
    if result.returncode != 0 or not lines:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise BuildError(f"the app {settings.factory} could not be built to see what it needs; fix this first "
                         f"(`python -m desktop run` shows the same):\n{tail}")
    return json.loads(lines[-1][len(MARK):])


UPDATE_ROOT = "update-root.json"  # in the bundle: the update repository's trusted root metadata


def bundled_settings(settings: KitSettings, probe: dict, icons: dict[str, Path]) -> KitSettings:
    """The settings the frozen app carries: paths as they are inside the bundle."""
    return replace(settings, icon="icon.png" if icons else "", migrations_dir=probe["migrations"],
                   bundle=replace(settings.bundle, spec=""),
                   update=replace(settings.update, root=UPDATE_ROOT if settings.update.url else ""))


def update_root(settings: KitSettings) -> Path | None:
    """The trusted root metadata an app with updates ships (None: the app has no updates)."""
    if not settings.update.url:
        return None
    path = settings.root / settings.update.root
    if not path.is_file():
        raise BuildError(f"[tool.desktop.update] has a url but {settings.update.root} is not a file in {settings.root}: "
                         "create the keys and the repository with `python -m desktop keys init --keys DIR --repo "
                         "DIR`, then copy the repository's metadata/root.json there (it is public)")
    return path


def build_bundle(settings: KitSettings, *, onefile: bool) -> Path:
    """Run PyInstaller for the project; return the bundle's path."""
    if not settings.factory:
        raise BuildError("[tool.desktop] has no factory: run `python -m desktop init`, or add "
                         "factory = \"yourapp:create_app\"")
    work, dist = work_dir(settings), dist_dir(settings)
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    log_path = work / "build.log"
    print(f"Building {settings.name} {settings.version} ({'one file' if onefile else 'folder'}) from "
          f"{settings.root}; log: {log_path}", flush=True)
    probe = probe_app(settings)
    print(f"  [{time.monotonic() - started:5.0f} s] asked the app what it needs: {len(probe['folders'])} folder(s)"
          + (", migrations" if probe["migrations"] else ""), flush=True)
    icons = make_icons(settings, work / "icons")
    platform_icon = icons.get("ico" if sys.platform == "win32" else "icns" if sys.platform == "darwin" else "png256")
    settings_file = work / BUNDLED_SETTINGS
    settings_file.write_text(bundled_settings(settings, probe, icons).to_json(), encoding="utf-8")
    icon_png = work / "icon.png"
    if icons:
        shutil.copyfile(icons["png256"], icon_png)
    trusted_root = update_root(settings)
    if trusted_root is not None:
        shutil.copyfile(trusted_root, work / UPDATE_ROOT)
    plan = {"settings": json.loads(settings.to_json()), "root": str(settings.root), "probe": probe,
            "onefile": onefile, "settings_file": str(settings_file), "icon": str(platform_icon or ""),
            "icon_png": str(icon_png) if icons else "",
            "update_root": str(work / UPDATE_ROOT) if trusted_root else ""}
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan, indent=2), encoding="utf-8")
    spec = settings.root / settings.bundle.spec if settings.bundle.spec else RESOURCES / "app.spec"
    if not spec.is_file():
        raise BuildError(f"[tool.desktop.bundle] spec {settings.bundle.spec!r} is not a file in {settings.root}")
    target = dist / "onefile" if onefile else dist  # dist/<Name> is the folder bundle's name
    command = [sys.executable, "-m", "PyInstaller", str(spec), "--noconfirm",
               "--workpath", str(work), "--distpath", str(target)]
    env = dict(os.environ, **{PLAN_ENV: str(plan_file)})
    with open(log_path, "w", encoding="utf-8") as log, subprocess.Popen(
        command, cwd=settings.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
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
    bundle = bundle_path(settings, target, onefile=onefile)
    if not bundle.exists():
        raise BuildError(f"PyInstaller finished but {bundle} is not there; see {log_path}")
    return bundle


def bundle_path(settings: KitSettings, dist: Path, *, onefile: bool) -> Path:
    """Where PyInstaller puts the bundle of `settings` under `dist`."""
    if onefile:
        return dist / (settings.name + (".exe" if sys.platform == "win32" else ""))
    return dist / (f"{settings.name}.app" if sys.platform == "darwin" else settings.name)
