"""What the PyInstaller spec builds, worked out from the build plan the builder writes.

The spec (the kit's own `resources/app.spec`, or a project's copy made by `init --spec`) stays
short and editable: it asks `SpecInputs` for the Analysis, EXE, COLLECT and BUNDLE arguments.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

PLAN_ENV = "DESKTOP_BUILD_PLAN"
# macOS signing, done by PyInstaller while it builds (never `codesign --deep` afterwards):
# the identity ("Developer ID Application: NAME (TEAMID)") and, optionally, the architecture
# (arm64, x86_64 or universal2; the running Python's by default).
CODESIGN_ENV = "DESKTOP_CODESIGN_IDENTITY"
TARGET_ARCH_ENV = "DESKTOP_TARGET_ARCH"
RESOURCES = Path(__file__).resolve().parent / "resources"
KIT_PARENT = Path(__file__).resolve().parent.parent.parent  # the folder holding the `desktop` package

# Never used by a desktop app's shell: left out for a smaller bundle that starts faster.
# Only an app with [tool.desktop.update] url needs these (desktop.updates imports them lazily).
UPDATE_ONLY = ["tuf", "securesystemslib", "cryptography", "bsdiff4"]
EXCLUDES = ["tkinter", "unittest", "pydoc_data", "test", "PyQt5", "PyQt6", "PySide2", "PySide6", "qtpy",
            "webview.platforms.qt", "webview.platforms.cef", "IPython", "PyInstaller", "desktop.builder"]
# What an app writes beside its code as it runs (its logs, SQLite's journals), found there after
# the builder ran it once: not part of the app, so never bundled.
RUN_TIME_FILES = ["**/*.log", "**/*.log.[0-9]", "**/logs/**", "**/*-wal", "**/*-shm", "**/*-journal",
                  "**/__pycache__/**"]
# What Flask-Migrate's standard env.py and Alembic import by name at run time.
MIGRATION_IMPORTS = ["alembic", "alembic.command", "alembic.config", "alembic.runtime.migration",
                     "alembic.ddl.sqlite", "alembic.ddl.postgresql", "logging.config", "flask_migrate"]


@dataclass
class SpecInputs:
    """The build plan: settings, what the app said it needs, and the builder's choices."""

    plan: dict

    @classmethod
    def from_environment(cls) -> SpecInputs:
        """The plan `python -m desktop build` wrote for this run."""
        path = os.environ.get(PLAN_ENV)
        if not path:
            raise SystemExit("run this spec through `python -m desktop build`, which writes its build plan")
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @property
    def name(self) -> str:
        return self.plan["settings"]["name"]

    @property
    def onefile(self) -> bool:
        return bool(self.plan["onefile"])

    @property
    def icon(self) -> str | None:
        return self.plan.get("icon") or None

    def analysis_kwargs(self) -> dict:
        """Arguments for PyInstaller's Analysis."""
        from PyInstaller.utils.hooks import collect_data_files, collect_submodules

        settings, probe, root = self.plan["settings"], self.plan["probe"], Path(self.plan["root"])
        datas = [(self.plan["settings_file"], ".")]
        datas += [(source, place) for source, place in probe["folders"].items()]
        if self.plan.get("icon_png"):
            datas.append((self.plan["icon_png"], "."))
        if self.plan.get("update_root"):
            datas.append((self.plan["update_root"], "."))
        for entry in settings["bundle"]["datas"]:
            source, _, place = entry.rpartition(":")
            datas.append((str(root / source), place or "."))
        for package in probe["packages"]:  # the app's own files: schema.sql, JSON, ... beside its code
            datas += collect_data_files(package, include_py_files=False, excludes=RUN_TIME_FILES)
        datas += collect_data_files("webview")  # pywebview's own JavaScript
        hidden = collect_submodules("desktop", filter=lambda name: not name.startswith("desktop.builder"))
        for module in probe["modules"]:
            hidden += collect_submodules(module)
        hidden += [settings["factory"].partition(":")[0]]
        hidden += [settings["open_file"].partition(":")[0]] if settings["open_file"] else []
        if probe["migrations"] or settings["migrate"]:
            hidden += MIGRATION_IMPORTS
        hidden += settings["bundle"]["hidden_imports"]
        excludes = EXCLUDES + settings["bundle"]["excludes"]
        if not settings.get("update", {}).get("url"):  # no updates: no TUF client, no crypto (~15 MB)
            excludes += UPDATE_ONLY
        hooksconfig = {}
        if sys.platform.startswith("linux"):
            hidden += ["webview.platforms.gtk", "gi.repository.WebKit2"]
            # The app runs on the system's WebKitGTK, which brings GTK, its icon theme and ICU with it
            # (the .deb depends on it): bundling GTK's icons, themes and translations (~60 MB) again
            # would only make the bundle bigger. GTK finds the system's through XDG_DATA_DIRS.
            hooksconfig = {"gi": {"icons": [], "themes": [], "languages": []}}
        return {
            "scripts": [str(RESOURCES / "launcher.py")],
            # The kit's own folder too: installed editable (pip install -e), `desktop` is found
            # through an import hook PyInstaller's analysis doesn't follow, and the bundle would
            # start with "No module named 'desktop'".
            "pathex": [str(root / "src"), str(root), str(KIT_PARENT)],
            "datas": datas,
            "hiddenimports": sorted(set(hidden)),
            "hookspath": [str(RESOURCES / "hooks")],
            "excludes": excludes,
            "hooksconfig": hooksconfig,
            # Linux folder bundles: the modules as .pyc files, imported by Python's own path finder,
            # not from the zlib-compressed PYZ archive through PyInstaller's importer (the app
            # process imports ~600 modules before it serves: ~40 ms sooner here). Not for a one-file
            # build (each file would be unpacked at every start), nor yet where it wasn't measured.
            "noarchive": sys.platform.startswith("linux") and not self.onefile,
        }

    @staticmethod
    def trim_binaries(analysis) -> None:
        """Linux: ICU's data (~30 MB) comes with the system's WebKitGTK; don't bundle a second copy."""
        if sys.platform.startswith("linux"):
            analysis.binaries = [e for e in analysis.binaries if not os.path.basename(e[0]).startswith("libicu")]

    @staticmethod
    def exe_kwargs() -> dict:
        """macOS: signing under the hardened runtime, with the entitlements a Python app needs
        there (resources/entitlements.plist), and the target architecture; Linux: stripped."""
        if sys.platform != "darwin":
            return SpecInputs.collect_kwargs()
        identity = os.environ.get(CODESIGN_ENV) or None
        return {
            "codesign_identity": identity,
            "entitlements_file": str(RESOURCES / "entitlements.plist") if identity else None,
            "target_arch": os.environ.get(TARGET_ARCH_ENV) or None,
        }

    @staticmethod
    def collect_kwargs() -> dict:
        """Linux: the executable and libraries stripped of their symbol tables, which nothing reads
        at run time (a Python built by pyenv or from source carries ~17 MB of them in libpython
        alone; a third of the bundle's size). Only where binutils' `strip` is installed."""
        return {"strip": True} if sys.platform.startswith("linux") and shutil.which("strip") else {}

    def info_plist(self) -> dict:
        """macOS: the .app's Info.plist entries."""
        settings = self.plan["settings"]
        return {
            "CFBundleName": settings["name"],
            "CFBundleDisplayName": settings["window"]["title"],
            "CFBundleShortVersionString": settings["version"],
            "NSHighResolutionCapable": True,
            "LSMinimumSystemVersion": "11.0",
            "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        }
