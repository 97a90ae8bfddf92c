"""What `publish` uploads for a build: its archive, and the patch to it from the version before.

The archive is the whole onedir bundle. The patch goes from the version a channel offered until now to the new one, so every user who
kept up downloads only what changed (see desktop/updatepatch.py for the format and how the app
applies it). Users further behind, and any patch that would not be smaller, get the full archive.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..updateinstall import extract_safely
from ..updatepatch import FORMAT, MANIFEST, describe_tree

# bsdiff holds both files and a suffix array in memory (~17x the old file): past this size a
# changed file travels whole instead.
MAX_DIFFED_BYTES = 64 * 1024 * 1024


def make_archive(bundle_dir: Path, archive: Path) -> None:
    """A gzipped tar of the bundle's contents, with fixed owners and times (the same build gives the
    same archive) and the executable bits kept."""
    def clean(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        return info

    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        for path in sorted(bundle_dir.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(bundle_dir)), recursive=False, filter=clean)


@dataclass(frozen=True)
class PatchFacts:
    kept: int
    patched: int
    added: int
    size: int


def make_patch(old_archive: Path, new_dir: Path, patch: Path) -> PatchFacts:
    """Write the patch from the bundle in `old_archive` (a published .tar.gz) to the bundle in `new_dir`."""
    import bsdiff4

    with tempfile.TemporaryDirectory() as tmp:
        old_dir = Path(tmp)
        extract_safely(old_archive, old_dir)
        old, new = describe_tree(old_dir), describe_tree(new_dir)
        files, blobs = [], []
        counts = {"keep": 0, "patch": 0, "new": 0}
        for relative, entry in new.items():
            if entry["kind"] == "dir":
                files.append({"path": relative, "op": "dir"})
                continue
            if entry["kind"] == "link":
                files.append({"path": relative, "op": "link", "target": entry["target"]})
                continue
            record = {"path": relative, "sha256": entry["sha256"], "mode": entry["mode"]}
            before = old.get(relative)
            if before and before["kind"] == "file" and before["sha256"] == entry["sha256"]:
                record["op"] = "keep"
            else:
                data = (new_dir / relative).read_bytes()
                record["op"], payload = "new", data
                if before and before["kind"] == "file" and max(before["size"], len(data)) <= MAX_DIFFED_BYTES:
                    delta = bsdiff4.diff((old_dir / relative).read_bytes(), data)
                    if len(delta) < len(data) // 2:
                        record["op"], payload = "patch", delta
                record["blob"] = f"blobs/{len(blobs)}"
                blobs.append(payload)
            counts[record["op"]] += 1
            files.append(record)
    manifest = json.dumps({"format": FORMAT, "files": files}, indent=0).encode()
    # Uncompressed: the deltas are bzip2'd by bsdiff already; new files are few and small.
    with tarfile.open(patch, "w") as tar:
        for name, data in [(MANIFEST, manifest), *((f"blobs/{n}", blob) for n, blob in enumerate(blobs))]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return PatchFacts(kept=counts["keep"], patched=counts["patch"], added=counts["new"], size=patch.stat().st_size)
