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
