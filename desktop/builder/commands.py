"""`python -m desktop build` and `python -m desktop package`: one function per command."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from ..errors import UsageError
from ..kit import KitSettings
from .bundle import BuildError, build_bundle, bundle_path, check_prerequisites, dist_dir, work_dir


def _settings(project: Path | None) -> KitSettings:
    from ..project import load_project

    return load_project(project)


def build_command(argv: list[str], *, project: Path | None = None) -> int:
    """Build the bundle."""
    parser = argparse.ArgumentParser(prog="python -m desktop build",
                                     description="Build the app as a PyInstaller bundle in the project's dist/.")
    parser.add_argument("--onefile", action="store_true",
                        help="one self-unpacking executable instead of a folder (slower to start)")
    _add_check_option(parser)
    args = parser.parse_args(argv)
    settings = _settings(project)
    check_prerequisites()
    _print_readiness(settings)
    started = time.monotonic()
    bundle = build_bundle(settings, onefile=args.onefile)
    _check(settings, bundle, onefile=args.onefile, skip=args.no_check)
    print(f"Built {bundle} in {time.monotonic() - started:.0f} s.", flush=True)
    return 0


def _add_check_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-check", action="store_true",
                        help="don't start the bundle once to see it works (for a bundle that can't run here)")


def _check(settings: KitSettings, bundle: Path, *, onefile: bool, skip: bool) -> None:
    """Start the bundle once before saying it is built (BuildError with the reason if it doesn't start)."""
    if skip:
        print("  not started to check it (--no-check): it may not start on a user's machine", flush=True)
        return
    from .bundlecheck import check_bundle

    started = time.monotonic()
    print("  starting the bundle once to check it...", flush=True)
    checked = check_bundle(settings, bundle, onefile=onefile)
    print(f"  [{time.monotonic() - started:5.0f} s] checked: {checked}", flush=True)


def available_formats() -> list[str]:
    """The installer formats this machine can make."""
    if sys.platform.startswith("linux"):
        return (["deb"] if shutil.which("dpkg-deb") else []) + ["user"]
    return []  # Windows (Inno Setup) and macOS (.dmg) are made by the CI workflow's scripts for now


def package_command(argv: list[str], *, project: Path | None = None) -> int:
    """Build the folder bundle (unless --no-build) and wrap it in this OS's installers."""
    parser = argparse.ArgumentParser(prog="python -m desktop package",
                                     description="Make the installers this OS can make (Linux: a per-user "
                                                 "install that updates itself, and a .deb on Debian/Ubuntu).")
    parser.add_argument("--format", choices=["deb", "user"], action="append",
                        help="only this format (default: every one this machine can make)")
    parser.add_argument("--no-build", action="store_true", help="package the bundle already in dist/")
    _add_check_option(parser)
    args = parser.parse_args(argv)
    settings = _settings(project)
    formats = args.format or available_formats()
    if not formats:
        raise UsageError("no installer format can be made on this machine (a .deb needs Debian/Ubuntu's dpkg-deb)")
    if "deb" in formats and not shutil.which("dpkg-deb"):
        raise BuildError("making a .deb needs dpkg-deb (Debian/Ubuntu)")
    if args.no_build:
        bundle = bundle_path(settings, dist_dir(settings), onefile=False)
        if not bundle.is_dir():
            raise BuildError(f"there is no bundle at {bundle}: run `python -m desktop build` first")
    else:
        check_prerequisites()
        _print_readiness(settings)
        bundle = build_bundle(settings, onefile=False)
        _check(settings, bundle, onefile=False, skip=args.no_check)
        print(f"Built {bundle}.", flush=True)
    for name in formats:
        if name == "deb":
            from .formats.deb import build_deb

            package = build_deb(settings, bundle, dist_dir(settings), icons_dir=work_dir(settings) / "icons")
            print(f"Built {package}.", flush=True)
        elif name == "user":
            from .formats.userinstall import build_user_install

            package = build_user_install(settings, bundle, dist_dir(settings), icons_dir=work_dir(settings) / "icons")
            print(f"Built {package} (unpack it, then run install.sh: no root needed).", flush=True)
    return 0


def _print_readiness(settings: KitSettings) -> None:
    """What will hurt the app as a desktop app, before the minute a build takes."""
    from .readiness import check_project, format_findings

    findings = check_project(settings)
    if findings:
        print(format_findings(findings), flush=True)
