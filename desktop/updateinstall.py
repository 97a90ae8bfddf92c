"""Putting a verified update in place: staged beside the install, switched at the next start,
rolled back if the new version fails its own self-test.

    <install>            what an update replaces whole: the onedir bundle that runs (its
                         executable started this process), or on macOS the .app around it
    <install>.next       a verified update, unpacked, waiting for the next start
    <install>.next.json  written last, once <install>.next is complete: the version it holds
                         (beside it, not in it: a .app's signature seals everything inside)
    <install>.previous   the version before the last update (kept until the next one)
    <install>.failed     an update that failed its self-test (kept for the bug report)

Folders are switched by renaming, never by writing over files: the running process keeps the
files it has open, and a folder is always either the old version or the new one, whole.
Only installs that belong to the user update themselves (see `install_format`); a system package
(.deb) is left to the package manager.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

FORMAT_FILE = "desktop-install-format"  # written by the packager into the bundle: "user", "deb", ...
APP_BUNDLE = "app"  # the format of a macOS .app: known by its shape, nothing written into it
# Installs that update themselves: Linux's per-user install, a macOS .app in a folder of the
# user's (both switch by renaming while the old version runs: POSIX allows it) and Windows'
# per-user Inno Setup install (the staged version switches from outside: updatehandover.py).
SELF_UPDATING_FORMATS = ("user", APP_BUNDLE)
INSTALLER_FILES = (FORMAT_FILE, "unins[0-9][0-9][0-9].*")  # carried from an install to its updates


def install_dir() -> Path | None:
    """What an update replaces (None from source: a developer's checkout updates with git)."""
    return install_root(Path(sys.executable).resolve()) if getattr(sys, "frozen", False) else None


def install_root(executable: Path) -> Path:
    """The folder around a frozen app's `executable` that an update replaces whole: the .app of a
    macOS bundle (X.app/Contents/MacOS/X), else the executable's own folder (onedir)."""
    contents = executable.parent.parent
    if executable.parent.name == "MacOS" and contents.name == "Contents" and contents.parent.suffix == ".app":
        return contents.parent
    return executable.parent


def install_format(folder: Path) -> str:
    if folder.suffix == ".app" and (folder / "Contents").is_dir():
        return APP_BUNDLE
    try:
        return (folder / FORMAT_FILE).read_text().strip()
    except OSError:
        return ""


def updates_itself(folder: Path | None) -> tuple[bool, str]:
    """Whether this install applies its own updates, and if not, why (for the log and the page)."""
    if folder is None:
        return False, "running from source: update with your version control"
    kind = install_format(folder)
    if kind == "deb":
        return False, "installed as a system package: your package manager (apt) updates it"
    if kind not in SELF_UPDATING_FORMATS:
        return False, "this copy was not installed by an installer that allows updates"
    if "/AppTranslocation/" in folder.as_posix():  # macOS runs a quarantined app from a read-only copy
        return False, "macOS runs this copy from a temporary place: move it to Applications, then start it again"
    if not os.access(folder.parent, os.W_OK):
        return False, f"{folder.parent} is not writable"
    return True, ""


def sibling(folder: Path, suffix: str) -> Path:
    return folder.with_name(folder.name + suffix)


def stage(archive: Path, folder: Path, version: str) -> Path:
    """Unpack a verified archive as <install>.next, marked complete last; return it."""
    return _stage(folder, version, lambda partial: extract_safely(archive, partial))


def stage_patch(patch: Path, folder: Path, version: str) -> Path:
    """Rebuild the new version as <install>.next from the install and a verified patch; return it."""
    from .updatepatch import apply_patch

    return _stage(folder, version, lambda partial: apply_patch(patch, folder, partial))


def _stage(folder: Path, version: str, fill: Callable[[Path], object]) -> Path:
    staged = sibling(folder, ".next")
    staged_mark(folder).unlink(missing_ok=True)  # first: a mark never names a folder being replaced
    shutil.rmtree(staged, ignore_errors=True)
    partial = sibling(folder, ".next-partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        with _install_modes(folder):
            partial.mkdir()
            fill(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # nothing half-made is left behind
        raise
    if install_format(folder) != APP_BUNDLE:  # (nothing is added to a sealed .app)
        _carry_over_installer_files(folder, partial)
    os.rename(partial, staged)
    mark = staged_mark(folder)
    mark.with_suffix(".partial").write_text(json.dumps({"version": version}))
    os.replace(mark.with_suffix(".partial"), mark)  # complete: the next start applies it
    log.info("update %s staged in %s: it applies at the next start", version, staged)
    return staged


@contextlib.contextmanager
def _install_modes(folder: Path):
    """New folders and files made as open as the install is (an .app in /Applications that other
    users run: 755), not by the umask the app keeps its user data private with (077). The window
    process stages an update; the user's data is written by the app process."""
    if os.name != "posix":
        yield
        return
    umask = 0o777 & ~stat.S_IMODE(folder.stat().st_mode) & 0o077
    before = os.umask(umask)
    try:
        yield
    finally:
        os.umask(before)


def _carry_over_installer_files(folder: Path, staged: Path) -> None:
    """What the installer put beside the bundle stays with the install: its format (a build carries
    none) and Inno Setup's uninstaller, which Windows' "Apps" list runs from the install folder."""
    for pattern in INSTALLER_FILES:
        for path in folder.glob(pattern):
            if path.is_file() and not (staged / path.name).exists():
                shutil.copy2(path, staged / path.name)


def extract_safely(archive: Path, folder: Path) -> None:
    """Unpack a .tar.gz into `folder`, refusing anything that would land outside it: absolute
    paths, "..", links pointing out, devices. Python's own 'data' filter where it has one (3.11.4+;
    Debian 12's 3.11.2 doesn't), the same checks by hand otherwise."""
    from .updates import UpdateError

    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            try:
                tar.extractall(folder, filter="data")
            except tarfile.FilterError as exc:
                raise UpdateError(f"the update archive was refused: {exc}") from exc
            return
        root = folder.resolve()
        for member in tar.getmembers():
            target = (root / member.name).resolve()
            bad = not (target == root or root in target.parents) or member.isdev()
            if member.issym() or member.islnk():
                link = (target.parent / member.linkname).resolve() if member.issym() else (root / member.linkname).resolve()
                bad = bad or os.path.isabs(member.linkname) or not (link == root or root in link.parents)
            if bad:
                raise UpdateError(f"the update archive was refused: {member.name!r} would be outside its folder")
        tar.extractall(folder)  # every member checked above


def staged_mark(folder: Path) -> Path:
    return sibling(folder, ".next.json")


def discard_leftovers(folder: Path) -> None:
    """At start: a staged folder no mark names any more (Windows' switch copied it from there, or
    it was dropped); never one being filled."""
    staged = sibling(folder, ".next")
    if staged.is_dir() and staged_version(folder) is None and not sibling(folder, ".next-partial").exists():
        shutil.rmtree(staged, ignore_errors=True)


def staged_version(folder: Path) -> str | None:
    if not sibling(folder, ".next").is_dir():
        return None
    try:
        return json.loads(staged_mark(folder).read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def apply_staged(folder: Path, executable_name: str | Path, passes_self_test: Callable[[Path], bool]) -> str:
    """At start, before anything else: switch to the staged version if there is one.

    Returns "none" (nothing staged), "applied" (the new version is in place and passed its
    self-test: start it) or "rolled-back" (it failed: the old version is back in place)."""
    version = staged_version(folder)
    if version is None:
        return "none"
    staged, previous = sibling(folder, ".next"), sibling(folder, ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    os.rename(folder, previous)
    os.rename(staged, folder)
    return self_test_or_roll_back(folder, version, folder / executable_name, passes_self_test)


def self_test_or_roll_back(folder: Path, version: str, executable: Path, passes_self_test: Callable[[Path], bool]) -> str:
    """The new version is in `folder`, the one before in <install>.previous: keep the new one if it
    passes its self-test ("applied"), else put the one before back ("rolled-back")."""
    staged_mark(folder).unlink(missing_ok=True)
    log.info("update %s applied; checking it with its self-test", version)
    if passes_self_test(executable):
        return "applied"
    failed = sibling(folder, ".failed")
    shutil.rmtree(failed, ignore_errors=True)
    os.rename(folder, failed)
    os.rename(sibling(folder, ".previous"), folder)
    log.error("update %s failed its self-test: rolled back to the version before (the failed one is kept "
              "in %s)", version, failed)
    return "rolled-back"


def self_test(executable: Path, args: list[str], timeout: float = 120) -> bool:
    """Run the new version's self-test (same data folder options as this launch)."""
    try:
        result = subprocess.run([str(executable), "--self-test", *args], capture_output=True, text=True,
                                timeout=timeout, env={**os.environ, "DESKTOP_NO_DIALOG": "1"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("the updated app's self-test could not run: %s", exc)
        return False
    if result.returncode != 0:
        log.error("the updated app's self-test failed (exit %d): %s", result.returncode,
                  (result.stdout + result.stderr).strip()[-2000:])
    return result.returncode == 0
