"""Patches between two builds, the app's side: rebuild the new version from the installed one.

Consecutive builds of an app share almost every file (the GUI toolkit's libraries, Python, the
packages); what changes is the app's own code, which PyInstaller keeps in one archive inside the
executable. A patch carries only that: per file, "keep" (the installed copy is right), "patch"
(a bsdiff delta against the installed copy) or "new" (the file itself), each with the SHA-256 and
mode the result must have.

The patch archive itself is a TUF target, so its manifest is signed like the full archive; and
every file rebuilt is checked against the manifest before the folder is staged. An installed copy
that was changed or damaged gives a mismatch, and the update falls back to the full archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tarfile
from pathlib import Path, PurePosixPath

from .updates import UpdateError

MANIFEST = "manifest.json"
FORMAT = 1
OPS = ("keep", "patch", "new", "link", "dir")


def patch_name(slug: str, old_version: str, new_version: str, platform: str) -> str:
    return f"{slug}-{old_version}-to-{new_version}-{platform}.patch.tar"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def apply_patch(patch: Path, installed: Path, into: Path) -> int:
    """Rebuild the new version in `into` (an empty folder) from `installed` and the verified patch
    archive `patch`; return how many files were rebuilt. Raises UpdateError on any mismatch."""
    import bsdiff4

    with tarfile.open(patch) as tar:
        manifest = _manifest(tar)
        for entry in manifest["files"]:
            path = _inside(into, entry["path"])
            op = entry["op"]
            if op == "dir":
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if op == "link":
                target = entry["target"]
                if os.path.isabs(target) or not _within(into, path.parent / target):
                    raise UpdateError(f"the update patch was refused: {entry['path']!r} links outside its folder")
                os.symlink(target, path)
                continue
            if op == "keep":
                shutil.copyfile(_inside(installed, entry["path"]), path)
            elif op == "patch":
                old = _inside(installed, entry["path"]).read_bytes()
                path.write_bytes(bsdiff4.patch(old, _blob(tar, entry)))
            else:  # new
                path.write_bytes(_blob(tar, entry))
            if sha256_of(path) != entry["sha256"]:
                raise UpdateError(f"the update patch does not fit this install: {entry['path']} came out different "
                                  "(the installed copy was changed)")
            os.chmod(path, entry["mode"] & 0o777)
    return len(manifest["files"])


def _manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
        if manifest.get("format") != FORMAT or not all(entry["op"] in OPS for entry in manifest["files"]):
            raise ValueError("an unknown patch format")
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise UpdateError(f"the update patch is not usable: {exc}") from exc
    return manifest


def _blob(tar: tarfile.TarFile, entry: dict) -> bytes:
    member = tar.extractfile(entry["blob"])
    if member is None:
        raise UpdateError(f"the update patch lacks the data for {entry['path']}")
    return member.read()


def _inside(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    path = root.joinpath(*pure.parts)
    if pure.is_absolute() or ".." in pure.parts or not _within(root, path):
        raise UpdateError(f"the update patch was refused: {relative!r} is outside its folder")
    return path


def _within(root: Path, path: Path) -> bool:
    base = os.path.abspath(root)
    return os.path.commonpath([base, os.path.abspath(path)]) == base


def describe_tree(folder: Path) -> dict[str, dict]:
    """Every entry of a folder: relative POSIX path -> {kind, mode, sha256 | target}."""
    entries: dict[str, dict] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            entries[relative] = {"kind": "link", "target": os.readlink(path)}
        elif stat.S_ISDIR(info.st_mode):
            entries[relative] = {"kind": "dir"}
        elif stat.S_ISREG(info.st_mode):
            entries[relative] = {"kind": "file", "mode": stat.S_IMODE(info.st_mode), "size": info.st_size,
                                 "sha256": sha256_of(path)}
    return entries
