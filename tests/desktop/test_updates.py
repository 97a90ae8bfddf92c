"""Signed updates: what the app accepts from an update server, and everything it refuses.

A real repository (made by the builder's `keys init` and `publish` code, signed with python-tuf)
served over HTTP on 127.0.0.1; small folders stand in for the onedir bundles.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import random
import shutil
import socket
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.builder.updates import UpdateRepository, init_keys
from desktop.updates import UpdateClient, UpdateError, UpdateSource, platform_tag

HERE = platform_tag()  # this machine's builds: the repository names every file after its platform


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A static file server for `folder` on 127.0.0.1; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def bundle(folder: Path, version: str) -> Path:
    """A folder standing in for a onedir bundle of `version`."""
    folder.mkdir(parents=True)
    (folder / "app").write_text(f"#!/bin/sh\necho {version}\n")
    (folder / "app").chmod(0o755)
    (folder / "_internal").mkdir()
    (folder / "_internal" / "data.txt").write_text(f"version {version}\n" * 100)
    # What every build shares (libraries): what a patch between two builds leaves out.
    (folder / "_internal" / "library.so").write_bytes(random.Random(0).randbytes(200_000))
    return folder


@pytest.fixture
def repo(tmp_path) -> tuple[UpdateRepository, Path]:
    keys = tmp_path / "keys"
    init_keys(keys, tmp_path / "repo")
    return UpdateRepository(tmp_path / "repo"), keys


def client(tmp_path: Path, url: str, root: Path, version: str = "1.0.0", channel: str = "stable",
           timeout: float = 5) -> UpdateClient:
    source = UpdateSource(url=url, channel=channel, trusted_root=root.read_bytes(),
                          state_dir=tmp_path / "user-data" / "updates", download_dir=tmp_path / "user-cache")
    return UpdateClient(source, version, timeout=timeout)


def publish(repository: UpdateRepository, keys: Path, tmp_path: Path, version: str, channel: str = "stable",
            platform: str | None = None):
    folder = tmp_path / (f"dist-{version}-{platform}" if platform else f"dist-{version}")
    return repository.publish(bundle(folder, version), slug="notes", version=version, channel=channel, keys_dir=keys,
                              platform=platform)


def test_a_newer_version_is_offered_and_arrives_verified(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    with serving(repository.dir) as url:
        updates = client(tmp_path, url, repository.metadata / "root.json")
        offer = updates.check()
        assert (offer.version, offer.archive) == ("1.1.0", f"notes-1.1.0-{HERE}.tar.gz")
        seen: list[int] = []
        updates.progress = seen.append
        archive = updates.download(offer)
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["_internal", "_internal/data.txt", "_internal/library.so", "app"]
    assert seen and seen[-1] == offer.size


def test_each_platform_is_offered_its_own_builds(repo, tmp_path):
    """One repository, every platform's builds: the same version for two platforms, a newer one
    for another platform only (its users are offered it, this machine's are not)."""
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    publish(repository, keys, tmp_path, "1.1.0", platform="plan9-mips")
    other = publish(repository, keys, tmp_path, "1.2.0", platform="plan9-mips")
    assert other.platform == "plan9-mips" and other.archive.name.endswith("notes-1.2.0-plan9-mips.tar.gz")
    with serving(repository.dir) as url:
        offer = client(tmp_path, url, repository.metadata / "root.json").check()
    assert (offer.version, offer.archive) == ("1.1.0", f"notes-1.1.0-{HERE}.tar.gz")


def test_the_same_or_an_older_version_is_no_update_and_beta_is_for_beta_users(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.0.0")
    publish(repository, keys, tmp_path, "1.1.0b1", channel="beta")
    with serving(repository.dir) as url:
        root = repository.metadata / "root.json"
        assert client(tmp_path / "a", url, root, version="1.0.0").check() is None
        assert client(tmp_path / "b", url, root, version="1.0.0", channel="beta").check().version == "1.1.0b1"
        assert client(tmp_path / "c", url, root, version="1.2.0").check() is None  # never back


def test_a_tampered_archive_is_refused(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    [archive] = repository.targets.glob(f"*.notes-1.1.0-{HERE}.tar.gz")
    with serving(repository.dir) as url:
        updates = client(tmp_path, url, repository.metadata / "root.json")
        offer = updates.check()
        archive.write_bytes(archive.read_bytes()[:-10] + b"0123456789")  # same length, other bytes
        with pytest.raises(UpdateError, match="refused"):
            updates.download(offer)
    assert not list((tmp_path / "user-cache").glob("*.tar.gz"))  # nothing unverified is kept


def test_tampered_metadata_is_refused(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    newest = max(repository.metadata.glob("*.targets.json"), key=lambda p: int(p.name.split(".")[0]))
    data = json.loads(newest.read_text())
    data["signed"]["targets"][f"stable-{HERE}.json"]["length"] += 1
    newest.write_text(json.dumps(data))
    with serving(repository.dir) as url, pytest.raises(UpdateError, match="refused"):
        client(tmp_path, url, repository.metadata / "root.json").check()


def test_expired_metadata_is_refused(repo, tmp_path, monkeypatch):
    repository, keys = repo
    monkeypatch.setattr("desktop.builder.updates.EXPIRY_DAYS", {"root": 365, "targets": 365, "snapshot": 90,
                                                                 "timestamp": -1})
    publish(repository, keys, tmp_path, "1.1.0")
    with serving(repository.dir) as url, pytest.raises(UpdateError, match="Expired"):
        client(tmp_path, url, repository.metadata / "root.json").check()


def test_metadata_older_than_what_this_machine_saw_is_refused(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    old_timestamp = (repository.metadata / "timestamp.json").read_bytes()
    publish(repository, keys, tmp_path, "1.2.0")
    with serving(repository.dir) as url:
        assert client(tmp_path, url, repository.metadata / "root.json").check().version == "1.2.0"
        (repository.metadata / "timestamp.json").write_bytes(old_timestamp)  # a mirror replays the past
        with pytest.raises(UpdateError, match="BadVersionNumber|version"):
            client(tmp_path, url, repository.metadata / "root.json").check()


def test_a_repository_signed_with_unknown_keys_is_refused(repo, tmp_path):
    repository, keys = repo
    root = tmp_path / "shipped-root.json"
    shutil.copy(repository.metadata / "root.json", root)
    impostor_keys = tmp_path / "impostor-keys"
    init_keys(impostor_keys, tmp_path / "impostor")
    impostor = UpdateRepository(tmp_path / "impostor")
    publish(impostor, impostor_keys, tmp_path, "6.6.6")
    with serving(impostor.dir) as url, pytest.raises(UpdateError, match="refused"):
        client(tmp_path, url, root).check()


def test_publishing_with_a_key_the_repository_doesnt_trust_is_refused(repo, tmp_path):
    repository, _keys = repo
    other = tmp_path / "other-keys"
    init_keys(other, tmp_path / "other-repo")
    with pytest.raises(Exception, match="not the targets key this repository trusts"):
        publish(repository, other, tmp_path, "1.1.0")


def test_a_server_that_is_down_or_silent_is_no_update_soon(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    root = repository.metadata / "root.json"
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{closed.getsockname()[1]}"
    assert client(tmp_path / "a", down, root).check() is None
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        assert client(tmp_path / "b", f"http://127.0.0.1:{silent.getsockname()[1]}", root, timeout=1).check() is None


def test_keys_rotate_and_clients_follow_the_new_root(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    shipped = tmp_path / "shipped-root.json"
    shutil.copy(repository.metadata / "root.json", shipped)
    repository.rotate("targets", keys)
    publish(repository, keys, tmp_path, "1.2.0")
    with serving(repository.dir) as url:
        assert client(tmp_path, url, shipped).check().version == "1.2.0"
    assert (keys / "targets.pem.old").exists()


def test_users_who_kept_up_are_offered_a_patch_and_others_the_whole_archive(repo, tmp_path):
    repository, keys = repo
    publish(repository, keys, tmp_path, "1.1.0")
    full = publish(repository, keys, tmp_path, "1.2.0")
    with serving(repository.dir) as url:
        kept_up = client(tmp_path / "a", url, repository.metadata / "root.json", version="1.1.0").check()
        behind = client(tmp_path / "b", url, repository.metadata / "root.json", version="1.0.0").check()
        assert kept_up.patch == f"notes-1.1.0-to-1.2.0-{HERE}.patch.tar"
        assert 0 < kept_up.patch_size < full.size // 10
        assert behind.patch is None and behind.archive == f"notes-1.2.0-{HERE}.tar.gz"
