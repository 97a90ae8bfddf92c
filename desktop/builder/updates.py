"""Signed updates, the developer's side: keys, and publishing builds to an update repository.

The repository is a folder of static files (TUF metadata, signed with python-tuf; archives), ready
to upload to any static host:

    metadata/1.root.json ...   the trust anchor and its successors (root.json: the first, shipped)
    metadata/N.targets.json    which files exist, with their hashes and lengths (targets key)
    metadata/N.snapshot.json   which targets metadata is current (snapshot key)
    metadata/timestamp.json    which snapshot is current, short-lived (timestamp key)
    targets/<sha256>.<name>    archives of the onedir bundle, patches from the version before
                               (only what changed), and one small index per channel and
                               platform (stable-linux-x86_64.json, beta-macos-arm64.json, ...)
                               naming the newest archive and its patch: each platform's builds
                               are published on their own, into the same repository

Consistent snapshots (version- and hash-prefixed names) let an upload replace files one by one
while clients keep seeing one consistent state. Keys are ed25519, one per role, as PEM files in a
folder the developer names, never in the repository; the root key can live offline (only
`keys rotate` needs it).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import ConfigError, DesktopError, UsageError
from ..updates import channel_index_name, platform_tag
from .updatefiles import make_archive

ROLES = ("root", "targets", "snapshot", "timestamp")
ONLINE_ROLES = ("targets", "snapshot", "timestamp")  # what `publish` signs with
CHANNELS = ("stable", "beta")
# How long each role's signature holds. A client refuses expired metadata (a freeze attack shows
# as old metadata): `publish --refresh` re-signs snapshot and timestamp before they run out.
EXPIRY_DAYS = {"root": 365, "targets": 365, "snapshot": 90, "timestamp": 30}


class UpdateRepositoryError(DesktopError):
    """The update repository or its keys are missing, or don't match."""

    exit_code = getattr(os, "EX_DATAERR", 65)


@dataclass(frozen=True)
class Published:
    archive: Path
    version: str
    channel: str
    platform: str
    size: int
    patches: dict[str, int]  # version patched from -> size of that patch


def archive_name(slug: str, version: str, platform: str) -> str:
    return f"{slug}-{version}-{platform}.tar.gz"


def expiry(days: int) -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=days)


def init_keys(keys_dir: Path, repo_dir: Path) -> Path:
    """Create the four role keys in `keys_dir` and a new repository in `repo_dir`; return the root
    metadata file to ship with the app (public: it holds public keys only)."""
    from securesystemslib.signer import CryptoSigner
    from tuf.api.metadata import Metadata, Root

    existing = [role for role in ROLES if (keys_dir / f"{role}.pem").exists()]
    if existing:
        raise UsageError(f"{keys_dir} already holds keys ({', '.join(existing)}): keys init never overwrites keys; "
                         "use `keys rotate ROLE` to replace one")
    if (repo_dir / "metadata").exists():
        raise UsageError(f"{repo_dir} already has an update repository")
    keys_dir.mkdir(parents=True, exist_ok=True)
    signers = {role: CryptoSigner.generate_ed25519() for role in ROLES}
    for role, signer in signers.items():
        _write_private(keys_dir / f"{role}.pem", signer.private_bytes)
    root = Root(expires=expiry(EXPIRY_DAYS["root"]), consistent_snapshot=True)
    for role, signer in signers.items():
        root.add_key(signer.public_key, role)
    repository = UpdateRepository(repo_dir)
    repository.metadata.mkdir(parents=True)
    repository.targets.mkdir(parents=True, exist_ok=True)
    root_md = Metadata(root)
    root_md.sign(signers["root"])
    repository.write_root(root_md)
    repository.start_online_roles({role: signers[role] for role in ONLINE_ROLES})
    return repository.metadata / "root.json"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


class UpdateRepository:
    """A repository folder: reads and writes its metadata, signs with keys from a keys folder."""

    def __init__(self, repo_dir: Path) -> None:
        self.dir = repo_dir
        self.metadata = repo_dir / "metadata"
        self.targets = repo_dir / "targets"

    # -- metadata files -------------------------------------------------------------------------
    def load(self, role: str):
        """The newest metadata of `role`."""
        from tuf.api.metadata import Metadata

        if role == "timestamp":
            path = self.metadata / "timestamp.json"
        else:
            versions = sorted((int(p.name.split(".", 1)[0]), p) for p in self.metadata.glob(f"*.{role}.json")
                              if p.name.split(".", 1)[0].isdigit())
            if not versions:
                raise UpdateRepositoryError(f"{self.dir} is not an update repository (no {role} metadata): "
                                            "create one with `python -m desktop keys init`")
            path = versions[-1][1]
        if not path.exists():
            raise UpdateRepositoryError(f"{path} is missing")
        return Metadata.from_file(str(path))

    def write_root(self, root_md) -> None:
        data = root_md.to_bytes(_serializer())
        (self.metadata / f"{root_md.signed.version}.root.json").write_bytes(data)
        if root_md.signed.version == 1:
            (self.metadata / "root.json").write_bytes(data)  # the trust anchor apps ship

    def _write(self, md) -> None:
        role = md.signed.type
        name = "timestamp.json" if role == "timestamp" else f"{md.signed.version}.{role}.json"
        (self.metadata / name).write_bytes(md.to_bytes(_serializer()))

    def start_online_roles(self, signers: dict) -> None:
        """Empty targets, and the snapshot and timestamp naming it (version 1 of each)."""
        from tuf.api.metadata import Metadata, MetaFile, Snapshot, Targets, Timestamp

        targets = Metadata(Targets(expires=expiry(EXPIRY_DAYS["targets"])))
        snapshot = Metadata(Snapshot(expires=expiry(EXPIRY_DAYS["snapshot"]), meta={"targets.json": MetaFile(1)}))
        timestamp = Metadata(Timestamp(expires=expiry(EXPIRY_DAYS["timestamp"]),
                                       snapshot_meta=MetaFile(1)))
        for md in (targets, snapshot, timestamp):
            md.sign(signers[md.signed.type])
            self._write(md)

    # -- signing --------------------------------------------------------------------------------
    def signer(self, role: str, keys_dir: Path, root=None):
        """The signer for `role` from `keys_dir`, checked against the key the root trusts for it."""
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
        from securesystemslib.signer import CryptoSigner, SSlibKey

        path = keys_dir / f"{role}.pem"
        if not path.exists():
            raise UpdateRepositoryError(f"no {role} key in {keys_dir} ({path.name}): publish needs the targets, "
                                        "snapshot and timestamp keys (the root key only to rotate keys)")
        private = load_pem_private_key(path.read_bytes(), None)
        public = SSlibKey.from_crypto(private.public_key())
        root = root if root is not None else self.load("root").signed
        trusted = root.roles[role].keyids
        if public.keyid not in trusted:
            raise UpdateRepositoryError(f"{path} is not the {role} key this repository trusts "
                                        f"(it trusts {', '.join(k[:12] for k in trusted)}...)")
        return CryptoSigner(private, root.keys[public.keyid])

    # -- publishing -----------------------------------------------------------------------------
    def publish(self, bundle_dir: Path, *, slug: str, version: str, channel: str, keys_dir: Path,
                platform: str | None = None) -> Published:
        """Add the onedir bundle in `bundle_dir` as `version` on `channel` for `platform` (this
        machine's by default: the bundle was built here), signed with `keys_dir`."""
        from packaging.version import InvalidVersion, Version

        if channel not in CHANNELS:
            raise UsageError(f"the channel is one of {', '.join(CHANNELS)}, not {channel!r}")
        try:
            parsed = Version(version)
        except InvalidVersion as exc:
            raise ConfigError(f"version {version!r} is not a PEP 440 version (like 1.2.0 or 1.3.0b1)") from exc
        if not bundle_dir.is_dir():
            raise UsageError(f"no bundle at {bundle_dir}: build it first (python -m desktop build)")
        root = self.load("root").signed
        signers = {role: self.signer(role, keys_dir, root) for role in ONLINE_ROLES}
        targets = self.load("targets")
        platform = platform or platform_tag()
        name = archive_name(slug, version, platform)
        newest = self._channel_index(targets, channel, platform)
        if newest and Version(newest["version"]) >= parsed:
            raise UsageError(f"{channel} already has version {newest['version']} for {platform}: a new release "
                             "needs a higher version (clients never move back)")
        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / name
            make_archive(bundle_dir, archive)
            self._add_target(targets, name, archive)
            size = archive.stat().st_size
            patches: dict[str, str] = {}  # version patched from -> target name ("" if not worth it)
            # A stable release reaches beta users too; a beta release only them.
            for channel_name in CHANNELS if channel == "stable" else ("beta",):
                newest = self._channel_index(targets, channel_name, platform)
                if newest is None or Version(newest["version"]) < parsed:
                    entry = {"version": version, "archive": name}
                    if newest is not None:  # users who kept up download only what changed
                        old = newest["version"]
                        patches.setdefault(old, self._add_patch(targets, newest, bundle_dir, slug, version, size,
                                                                tmp, platform))
                        entry["patches"] = {old: patches[old]} if patches[old] else {}
                    index_name = channel_index_name(channel_name, platform)
                    index = Path(tmp) / index_name
                    index.write_text(json.dumps(entry, indent=1))
                    self._add_target(targets, index_name, index)
            self._sign_and_write(targets, signers)
        sizes = {old: targets.signed.targets[patch].length for old, patch in patches.items() if patch}
        return Published(archive=self.targets / name, version=version, channel=channel, platform=platform, size=size,
                         patches=sizes)

    def refresh(self, keys_dir: Path) -> None:
        """Re-sign snapshot and timestamp with new expiry dates (nothing else changes)."""
        root = self.load("root").signed
        signers = {role: self.signer(role, keys_dir, root) for role in ("snapshot", "timestamp")}
        snapshot, timestamp = self.load("snapshot"), self.load("timestamp")
        snapshot.signed.version += 1
        snapshot.signed.expires = expiry(EXPIRY_DAYS["snapshot"])
        self._sign(snapshot, signers["snapshot"])
        self._write(snapshot)
        self._bump_timestamp(timestamp, snapshot.signed.version, signers["timestamp"])

    def rotate(self, role: str, keys_dir: Path) -> Path:
        """Replace `role`'s key with a new one (the old file is kept as ROLE.pem.old); needs the root key.
        Clients learn the new key from the next root metadata, which the old root signed."""
        from securesystemslib.signer import CryptoSigner

        if role not in ROLES:
            raise UsageError(f"the roles are {', '.join(ROLES)}, not {role!r}")
        root_md = self.load("root")
        old_root_signer = self.signer("root", keys_dir, root_md.signed)
        new = CryptoSigner.generate_ed25519()
        for keyid in list(root_md.signed.roles[role].keyids):
            root_md.signed.revoke_key(keyid, role)
        root_md.signed.add_key(new.public_key, role)
        root_md.signed.version += 1
        root_md.signed.expires = expiry(EXPIRY_DAYS["root"])
        root_md.signatures.clear()
        # A new root is signed by the old root key and by the new one (when the root key itself changes).
        root_md.sign(old_root_signer, append=True)
        if role == "root":
            root_md.sign(new, append=True)
        key_file = keys_dir / f"{role}.pem"
        os.replace(key_file, keys_dir / f"{role}.pem.old")
        _write_private(key_file, new.private_bytes)
        self.write_root(root_md)
        if role in ONLINE_ROLES:  # what that key signs is re-signed with the new one
            signers = {name: self.signer(name, keys_dir, root_md.signed) for name in ONLINE_ROLES}
            self._sign_and_write(self.load("targets"), signers)
        return self.metadata / f"{root_md.signed.version}.root.json"

    def _add_patch(self, targets, newest: dict, bundle_dir: Path, slug: str, version: str, full_size: int,
                   tmp: str, platform: str) -> str:
        """The patch from the channel's newest version until now to `version` (its target name), or ""
        when it would not be worth it (not under half the full archive)."""
        from ..updatepatch import patch_name
        from .updatefiles import make_patch

        old_target = targets.signed.targets[newest["archive"]]
        name = patch_name(slug, newest["version"], version, platform)
        patch = Path(tmp) / name
        facts = make_patch(self.targets / f"{old_target.hashes['sha256']}.{old_target.path}", bundle_dir, patch)
        if facts.size >= full_size // 2:
            return ""
        self._add_target(targets, name, patch)
        return name

    def _channel_index(self, targets, channel: str, platform: str) -> dict | None:
        name = channel_index_name(channel, platform)
        target = targets.signed.targets.get(name)
        if target is None:
            return None
        path = self.targets / f"{target.hashes['sha256']}.{name}"
        return json.loads(path.read_text())

    def _add_target(self, targets, name: str, path: Path) -> None:
        from tuf.api.metadata import TargetFile

        target = TargetFile.from_file(name, str(path), ["sha256"])
        self.targets.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, self.targets / f"{target.hashes['sha256']}.{name}")
        targets.signed.targets[name] = target

    def _sign_and_write(self, targets, signers: dict) -> None:
        from tuf.api.metadata import MetaFile

        targets.signed.version += 1
        targets.signed.expires = expiry(EXPIRY_DAYS["targets"])
        self._sign(targets, signers["targets"])
        self._write(targets)
        snapshot = self.load("snapshot")
        snapshot.signed.meta["targets.json"] = MetaFile(targets.signed.version)
        snapshot.signed.version += 1
        snapshot.signed.expires = expiry(EXPIRY_DAYS["snapshot"])
        self._sign(snapshot, signers["snapshot"])
        self._write(snapshot)
        self._bump_timestamp(self.load("timestamp"), snapshot.signed.version, signers["timestamp"])

    def _bump_timestamp(self, timestamp, snapshot_version: int, signer) -> None:
        from tuf.api.metadata import MetaFile

        timestamp.signed.snapshot_meta = MetaFile(snapshot_version)
        timestamp.signed.version += 1
        timestamp.signed.expires = expiry(EXPIRY_DAYS["timestamp"])
        self._sign(timestamp, signer)
        self._write(timestamp)

    @staticmethod
    def _sign(md, signer) -> None:
        md.signatures.clear()
        md.sign(signer)


def _serializer():
    from tuf.api.serialization.json import JSONSerializer

    return JSONSerializer(compact=False)
