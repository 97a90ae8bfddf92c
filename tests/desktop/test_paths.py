"""Where the shell keeps user files."""

from __future__ import annotations

import os
import stat

import pytest

from desktop.errors import DataDirError
from desktop.paths import DATA_DIR_ENV, resolve_paths


def test_data_dir_holds_everything(tmp_path):
    paths = resolve_paths("Inkwell", tmp_path)
    for folder in (paths.data, paths.config, paths.logs, paths.cache):
        assert folder.parent == tmp_path
    assert paths.config_file.parent == paths.config
    assert paths.log_file.parent == paths.logs


def test_environment_variable_selects_portable_mode(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert resolve_paths("Inkwell").data == tmp_path / "data"


def test_default_is_the_users_directories(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    paths = resolve_paths("Inkwell")
    for folder in (paths.data, paths.config, paths.logs, paths.cache):
        assert "Inkwell" in folder.parts
        if os.name == "posix":
            assert tmp_path in folder.parents
    assert os.getcwd() not in {str(p) for p in (paths.data, paths.config)}


def test_create_makes_private_folders(tmp_path):
    paths = resolve_paths("Inkwell", tmp_path / "new")
    paths.create()
    assert paths.data.is_dir() and paths.logs.is_dir()
    if os.name == "posix":
        assert stat.S_IMODE(paths.config.stat().st_mode) == 0o700


def test_uncreatable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # works as root too, unlike a read-only folder
    with pytest.raises(DataDirError, match="cannot create"):
        resolve_paths("Inkwell", blocker / "inside").create()


posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: ACLs, tested in CI there)")


@posix_only
def test_folders_and_files_are_private_whatever_the_umask(tmp_path):
    """Issue 26: under umask 000 the app made its folders 0777, and another user swapped the log folder."""
    os.umask(0o000)
    paths = resolve_paths("Inkwell", tmp_path / "new")
    paths.create()
    for folder in (tmp_path / "new", paths.data, paths.config, paths.logs, paths.cache):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    (paths.data / "notes.sqlite3").write_text("what the app writes next")
    assert stat.S_IMODE((paths.data / "notes.sqlite3").stat().st_mode) == 0o600


@posix_only
def test_a_folder_every_user_can_change_is_refused_with_the_fix(tmp_path):
    """Issue 26: data and config folders pre-created 0777 by another user were used as found."""
    paths = resolve_paths("Inkwell", tmp_path / "d")
    paths.data.mkdir(parents=True)
    paths.data.chmod(0o777)
    with pytest.raises(DataDirError, match=rf"can be changed by every user .* chmod 700 {paths.data}"):
        paths.create()


@posix_only
def test_a_folder_of_another_user_is_refused(tmp_path, monkeypatch):
    paths = resolve_paths("Inkwell", tmp_path / "d")
    paths.config.mkdir(parents=True, mode=0o700)
    owner = paths.config.stat().st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)  # as if another (non-root) user ran the app
    with pytest.raises(DataDirError, match="belongs to another user"):
        paths.create()


@posix_only
def test_a_folder_open_to_others_is_closed(tmp_path, caplog):
    paths = resolve_paths("Inkwell", tmp_path / "d")
    paths.logs.mkdir(parents=True)
    paths.logs.chmod(0o755)
    paths.create()
    assert stat.S_IMODE(paths.logs.stat().st_mode) == 0o700 and "made it the user's only" in caplog.text
