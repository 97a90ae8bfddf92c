"""A per-user Linux install: a .tar.gz holding the onedir bundle and an install.sh.

install.sh needs no root: the bundle goes to $XDG_DATA_HOME/<app id>/ (~/.local/share/...), a
launcher to ~/.local/bin, the desktop entry and icons to ~/.local/share. The install belongs to
the user, so the app applies its own signed updates there (desktop/updateinstall.py); the
folder next to it is where an update is staged. `install.sh --uninstall` removes the program and
leaves the user's data.
"""

from __future__ import annotations

import platform
import shutil
import tarfile
import tempfile
from pathlib import Path

from ...kit import KitSettings
from ...updateinstall import FORMAT_FILE
from .deb import desktop_entry

INSTALL_SH = r"""#!/bin/sh
# Installs {name} {version} for this user only (no root, no system files). --uninstall removes it
# (your notes and settings stay in your user folders).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${{XDG_DATA_HOME:-$HOME/.local/share}}
target="$data/{app_id}"
bin="$HOME/.local/bin"
entry="$data/applications/{app_id}.desktop"
if [ "${{1:-}}" = "--uninstall" ]; then
    rm -rf "$target" "$target.next" "$target.previous" "$target.failed" "$entry" "$bin/{slug}"
    find "$data/icons/hicolor" -name '{app_id}.png' -delete 2>/dev/null || true
    echo "{name} is uninstalled. Your data is still in your user folders."
    exit 0
fi
mkdir -p "$data/applications" "$bin"
rm -rf "$target.new"
cp -a "$here/{slug}" "$target.new"
if [ -d "$target" ]; then rm -rf "$target.previous"; mv "$target" "$target.previous"; fi
mv "$target.new" "$target"
ln -sfn "$target/{executable}" "$bin/{slug}"
for icon in "$here"/icons/*.png; do
    [ -e "$icon" ] || continue
    size=$(basename "$icon" .png)
    mkdir -p "$data/icons/hicolor/$size/apps"
    cp "$icon" "$data/icons/hicolor/$size/apps/{app_id}.png"
done
sed "s|@TARGET@|$target|g" "$here/{app_id}.desktop" > "$entry"
update-desktop-database "$data/applications" 2>/dev/null || true
echo "{name} {version} is installed in $target."
echo "Start it from your applications menu, or run: {slug}"
"""


def archive_name(kit: KitSettings) -> str:
    return f"{kit.slug}-{kit.version}-linux-{platform.machine()}.tar.gz"


def build_user_install(kit: KitSettings, bundle: Path, out_dir: Path, *, icons_dir: Path) -> Path:
    """Build <slug>-<version>-linux-<arch>.tar.gz from the onedir `bundle`; return its path."""
    description = (kit.description or f"{kit.name}, a desktop app").splitlines()[0]
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp) / f"{kit.slug}-{kit.version}"
        shutil.copytree(bundle, top / kit.slug, symlinks=True)
        (top / kit.slug / FORMAT_FILE).write_text("user")
        (top / f"{kit.app_id}.desktop").write_text(desktop_entry(kit, f'"@TARGET@/{kit.name}" %U', description))
        (top / "icons").mkdir()
        for icon in sorted(icons_dir.glob("*x*.png")):
            shutil.copy2(icon, top / "icons" / icon.name)
        script = top / "install.sh"
        script.write_text(INSTALL_SH.format(name=kit.name, version=kit.version, app_id=kit.app_id, slug=kit.slug,
                                            executable=kit.name))
        script.chmod(0o755)
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / archive_name(kit)
        with tarfile.open(target, "w:gz") as tar:
            tar.add(top, arcname=top.name)
    return target
