"""A Debian package around the onedir bundle: /opt/<app>, a launcher on PATH, a desktop entry.

PyInstaller has no WebKit2GTK hook: the bundle runs on the system's libwebkit2gtk-4.1, its helper
processes and its GObject introspection data (typelibs), so the package declares those dependencies
instead of hiding them. Checked by installing the package on a fresh Debian 12 root.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ...kit import KitSettings
from ...updateinstall import FORMAT_FILE

# gir1.2-webkit2-4.1 brings the WebKit2, JavaScriptCore and Soup typelibs (and GTK's through its own).
DEPENDS = "libwebkit2gtk-4.1-0, gir1.2-webkit2-4.1, libgtk-3-0, libglib2.0-0"
RECOMMENDS = "gir1.2-ayatanaappindicator3-0.1"  # the tray icon ([tool.desktop.tray]); the app runs without it
CATEGORIES = "Office;Utility;"


def package_name(kit: KitSettings) -> str:
    """A valid Debian package name from the app's name."""
    name = kit.slug
    return name if len(name) >= 2 else f"{name}-app"


def mime_types(kit: KitSettings) -> list[str]:
    """The files the app opens, and its app links (x-scheme-handler/<scheme>)."""
    types = [t for t in kit.mime_types.split(";") if t.strip()]
    return types + ([f"x-scheme-handler/{kit.url_scheme}"] if kit.url_scheme else [])


def desktop_entry(kit: KitSettings, command: str, description: str) -> str:
    """The freedesktop.org .desktop file."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        f"Name={kit.window.title}",
        f"Comment={description}",
        f"Exec={command}",
        f"Icon={kit.app_id}",
        "Terminal=false",
        f"Categories={CATEGORIES}",
        f"StartupWMClass={kit.app_id}",  # the window's class is the app id (platforms/linux.py),
        *([f"MimeType={';'.join(mime_types(kit))};"] if mime_types(kit) else []),
        "",
    ])


def build_deb(kit: KitSettings, bundle: Path, out_dir: Path, *, icons_dir: Path) -> Path:
    """Build <name>_<version>_<arch>.deb from the onedir `bundle`; return its path."""
    name = package_name(kit)
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    description = (kit.description or f"{kit.name}, a desktop app").splitlines()[0]
    maintainer = kit.author if "<" in kit.author else f"{kit.author or kit.name} <nobody@localhost.invalid>"
    if "<" not in kit.author:  # apt shows it, and some repositories refuse a package without a real one
        print(f"  the .deb names {maintainer} as its maintainer: add an author with an email to [project] "
              "(authors = [{name = \"Ana\", email = \"ana@example.org\"}]) to name yourself", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        install_dir = root / "opt" / name
        shutil.copytree(bundle, install_dir, symlinks=True)
        # The app reads this to leave its updates to the package manager (desktop/updateinstall.py).
        (install_dir / FORMAT_FILE).write_text("deb")
        launcher = root / "usr" / "bin" / name
        launcher.parent.mkdir(parents=True)
        launcher.symlink_to(f"/opt/{name}/{kit.name}")
        applications = root / "usr" / "share" / "applications"
        applications.mkdir(parents=True)
        (applications / f"{kit.app_id}.desktop").write_text(desktop_entry(kit, f"{name} %U", description))
        for icon in sorted(icons_dir.glob("*x*.png")):
            size = icon.stem
            target = root / "usr" / "share" / "icons" / "hicolor" / size / "apps" / f"{kit.app_id}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(icon, target)
        installed_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        control = root / "DEBIAN" / "control"
        control.parent.mkdir()
        control.write_text("\n".join([
            f"Package: {name}",
            f"Version: {kit.version}",
            f"Architecture: {arch}",
            f"Maintainer: {maintainer}",
            f"Depends: {DEPENDS}",
            *([f"Recommends: {RECOMMENDS}"] if kit.tray else []),
            f"Installed-Size: {installed_kib}",
            "Section: utils",
            "Priority: optional",
            f"Description: {description}",
            f" {kit.name} keeps its data in your user folders; removing the package leaves it there.",
            "",
        ]))
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{name}_{kit.version}_{arch}.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", str(root), str(target)],
                       check=True, capture_output=True)
    return target
