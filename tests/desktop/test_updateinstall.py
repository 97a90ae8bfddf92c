"""Putting an update in place: staged beside the install, switched whole, rolled back if it fails its self-test."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from desktop.builder.updatefiles import make_archive
from desktop.updateinstall import (FORMAT_FILE, apply_staged, install_root, sibling, stage, staged_mark, staged_version,
                                   updates_itself)
from desktop.updates import UpdateError


def install(folder: Path, version: str, install_format: str = "user") -> Path:
    folder.mkdir(parents=True)
    (folder / "notes").write_text(f"#!/bin/sh\necho {version}\n")
    (folder / "notes").chmod(0o755)
    (folder / "_internal").mkdir()
    (folder / "_internal" / "version.txt").write_text(version)
    (folder / FORMAT_FILE).write_text(install_format)
    return folder


def archive_of(tmp_path: Path, version: str) -> Path:
    built = install(tmp_path / f"build-{version}", version)
    (built / FORMAT_FILE).unlink()  # a build carries no install format; the install keeps its own
    archive = tmp_path / f"notes-{version}.tar.gz"
    make_archive(built, archive)
    return archive


def test_a_staged_update_applies_at_the_next_start_and_the_previous_version_is_kept(tmp_path):
    app = install(tmp_path / "apps" / "notes", "1.0.0")
    stage(archive_of(tmp_path, "1.1.0"), app, "1.1.0")
    assert staged_version(app) == "1.1.0"
    assert (app / "_internal" / "version.txt").read_text() == "1.0.0"  # nothing changes until the next start
    tested: list[Path] = []
    assert apply_staged(app, "notes", lambda exe: tested.append(exe) or True) == "applied"
    assert tested == [app / "notes"] and (app / "notes").stat().st_mode & 0o111
    assert (app / "_internal" / "version.txt").read_text() == "1.1.0"
    assert (app / FORMAT_FILE).read_text() == "user"  # still updates itself
    assert (sibling(app, ".previous") / "_internal" / "version.txt").read_text() == "1.0.0"
    assert not staged_mark(app).exists()
    assert apply_staged(app, "notes", lambda exe: True) == "none"


def test_an_update_is_staged_only_once_complete(tmp_path):
    """The mark naming the staged version is written last, beside the folder: a folder without it
    (an interrupted download or unpack) is never applied, and the next check replaces it."""
    app = install(tmp_path / "apps" / "notes", "1.0.0")
    sibling(app, ".next").mkdir()
    assert staged_version(app) is None
    stage(archive_of(tmp_path, "1.1.0"), app, "1.1.0")
    assert staged_version(app) == "1.1.0"
    assert sorted(p.name for p in sibling(app, ".next").iterdir()) == ["_internal", FORMAT_FILE, "notes"]


def app_bundle(folder: Path, version: str) -> Path:
    """A macOS .app as PyInstaller makes it (the executable in Contents/MacOS, data in Resources
    linked from Frameworks); its signature seals everything inside, so nothing may be added."""
    executable = folder / "Contents" / "MacOS" / "Notes"
    executable.parent.mkdir(parents=True)
    executable.write_text(f"#!/bin/sh\necho {version}\n")
    executable.chmod(0o755)
    (folder / "Contents" / "Resources").mkdir()
    (folder / "Contents" / "Resources" / "version.txt").write_text(version)
    (folder / "Contents" / "Frameworks").mkdir()
    (folder / "Contents" / "Frameworks" / "version.txt").symlink_to("../Resources/version.txt")
    return folder


def test_a_macos_app_is_replaced_whole_and_nothing_is_written_into_it(tmp_path):
    app = app_bundle(tmp_path / "Applications" / "Notes.app", "1.0.0")
    assert install_root(app / "Contents" / "MacOS" / "Notes") == app
    assert install_root(tmp_path / "notes" / "notes") == tmp_path / "notes"  # onedir: the executable's folder
    assert updates_itself(app) == (True, "")
    archive = tmp_path / "Notes-1.1.0.tar.gz"
    make_archive(app_bundle(tmp_path / "dist" / "Notes.app", "1.1.0"), archive)
    stage(archive, app, "1.1.0")
    tested: list[Path] = []
    executable = Path("Contents/MacOS/Notes")
    assert apply_staged(app, executable, lambda exe: tested.append(exe) or True) == "applied"
    assert tested == [app / executable]
    assert (app / "Contents" / "Frameworks" / "version.txt").read_text() == "1.1.0"  # links kept
    assert sorted(p.name for p in app.iterdir()) == ["Contents"]  # the seal holds: nothing added
    assert (sibling(app, ".previous") / "Contents" / "Resources" / "version.txt").read_text() == "1.0.0"


def test_a_macos_app_run_from_where_macos_put_it_in_quarantine_says_to_move_it(tmp_path):
    translocated = app_bundle(tmp_path / "AppTranslocation" / "1234" / "d" / "Notes.app", "1.0.0")
    assert updates_itself(translocated) == (
        False, "macOS runs this copy from a temporary place: move it to Applications, then start it again")


def test_an_update_that_fails_its_self_test_is_rolled_back(tmp_path, caplog):
    app = install(tmp_path / "apps" / "notes", "1.0.0")
    stage(archive_of(tmp_path, "2.0.0"), app, "2.0.0")
    assert apply_staged(app, "notes", lambda exe: False) == "rolled-back"
    assert (app / "_internal" / "version.txt").read_text() == "1.0.0"
    assert (sibling(app, ".failed") / "_internal" / "version.txt").read_text() == "2.0.0"
    assert staged_version(app) is None
    assert "update 2.0.0 failed its self-test: rolled back" in caplog.text


def test_an_archive_that_would_write_outside_the_install_is_refused(tmp_path):
    app = install(tmp_path / "apps" / "notes", "1.0.0")
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("owned")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="../../escaped")
    with pytest.raises(UpdateError, match="refused"):
        stage(evil, app, "6.6.6")
    assert not (tmp_path / "escaped").exists() and staged_version(app) is None


def test_a_link_out_of_the_install_is_refused_even_without_pythons_tar_filter(tmp_path, monkeypatch):
    monkeypatch.delattr(tarfile, "data_filter", raising=False)  # Debian 12's Python 3.11.2 has none
    app = install(tmp_path / "apps" / "notes", "1.0.0")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        link = tarfile.TarInfo("_internal/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    with pytest.raises(UpdateError, match="outside its folder"):
        stage(evil, app, "6.6.6")
    stage(archive_of(tmp_path, "1.1.0"), app, "1.1.0")  # a sound archive still unpacks the old way
    assert staged_version(app) == "1.1.0"


def test_only_installs_that_belong_to_the_user_update_themselves(tmp_path):
    assert updates_itself(None) == (False, "running from source: update with your version control")
    user = install(tmp_path / "user" / "notes", "1.0.0")
    assert updates_itself(user) == (True, "")
    deb = install(tmp_path / "opt" / "notes", "1.0.0", install_format="deb")
    assert updates_itself(deb)[1] == "installed as a system package: your package manager (apt) updates it"


def test_a_staged_version_is_as_open_as_the_install_not_as_private_as_user_data(tmp_path):
    """The shell keeps user data private (umask 077); an install other users run stays 755."""
    import os
    import stat

    app = install(tmp_path / "apps" / "notes", "1.0.0")
    app.chmod(0o755)
    (app / "_internal").chmod(0o755)
    archive = archive_of(tmp_path, "1.1.0")
    os.umask(0o077)  # as the shell runs
    staged = stage(archive, app, "1.1.0")
    for folder in (staged, staged / "_internal"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
    assert stat.S_IMODE((staged / "notes").stat().st_mode) == 0o755
