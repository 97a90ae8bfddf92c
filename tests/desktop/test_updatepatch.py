"""Patches between two builds: only what changed travels, and the result is exactly the new build."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pytest

from desktop.builder.updatefiles import make_archive, make_patch
from desktop.updatepatch import MANIFEST, apply_patch, describe_tree
from desktop.updates import UpdateError

LIBRARY = bytes(range(256)) * 4096  # 1 MB standing in for a bundled library nobody touched


def build(folder: Path, version: str, *, extra: str = "") -> Path:
    """A folder shaped like a onedir bundle: an executable holding the app's code, libraries, data."""
    (folder / "_internal" / "lib").mkdir(parents=True)
    code = b"".join(f"def view_{n}(): return {n!r}\n".encode() for n in range(20000))
    (folder / "notes").write_bytes(b"\x7fELF" + code + f"VERSION = {version!r}\n".encode())
    (folder / "notes").chmod(0o755)
    (folder / "_internal" / "lib" / "libbig.so").write_bytes(LIBRARY)
    (folder / "_internal" / "version.txt").write_text(version)
    os.symlink("lib/libbig.so", folder / "_internal" / "libbig.so.1")
    if extra:
        (folder / "_internal" / "extra.txt").write_text(extra)
    return folder


@pytest.fixture
def builds(tmp_path) -> tuple[Path, Path, Path]:
    """An installed 1.0.0 (with a file 1.1.0 drops), the 1.1.0 build, and the 1.0.0 archive as published."""
    old = build(tmp_path / "installed", "1.0.0", extra="only in 1.0.0")
    new = build(tmp_path / "dist", "1.1.0")
    (new / "_internal" / "added.txt").write_text("new in 1.1.0")
    archive = tmp_path / "notes-1.0.0.tar.gz"
    make_archive(old, archive)
    return old, new, archive


def test_a_patch_carries_only_what_changed_and_rebuilds_the_new_version_exactly(builds, tmp_path):
    installed, new, old_archive = builds
    patch = tmp_path / "notes.patch.tar"
    facts = make_patch(old_archive, new, patch)
    assert facts.kept >= 1 and facts.patched >= 1 and facts.added >= 1
    assert facts.size < 50_000 < sum(p.stat().st_size for p in new.rglob("*") if p.is_file())
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    apply_patch(patch, installed, rebuilt)
    assert describe_tree(rebuilt) == describe_tree(new)  # contents, modes, links; the dropped file is gone
    assert (rebuilt / "notes").stat().st_mode & 0o111


def test_a_changed_install_does_not_fit_the_patch(builds, tmp_path):
    installed, new, old_archive = builds
    patch = tmp_path / "notes.patch.tar"
    make_patch(old_archive, new, patch)
    (installed / "_internal" / "lib" / "libbig.so").write_bytes(b"damaged")
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    with pytest.raises(UpdateError, match="came out different"):
        apply_patch(patch, installed, rebuilt)


def forged(tmp_path: Path, entry: dict) -> Path:
    patch = tmp_path / "forged.patch.tar"
    data = json.dumps({"format": 1, "files": [entry]}).encode()
    with tarfile.open(patch, "w") as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return patch


@pytest.mark.parametrize("entry", [
    {"path": "../outside", "op": "dir"},
    {"path": "/etc/evil", "op": "dir"},
    {"path": "lib", "op": "link", "target": "../../outside"},
    {"path": "x", "op": "keep", "sha256": "0", "mode": 420},
])
def test_a_patch_never_writes_or_reads_outside_its_folders(tmp_path, entry):
    installed, rebuilt = tmp_path / "installed", tmp_path / "rebuilt"
    installed.mkdir()
    rebuilt.mkdir()
    if entry["op"] == "keep":  # a kept file that is not in the install: an error, not a crash
        with pytest.raises((UpdateError, OSError)):
            apply_patch(forged(tmp_path, entry), installed, rebuilt)
        return
    with pytest.raises(UpdateError, match="outside"):
        apply_patch(forged(tmp_path, entry), installed, rebuilt)
    assert not (tmp_path / "outside").exists()
