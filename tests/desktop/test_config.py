"""The user's config.toml and the secret key."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from desktop.config import (
    ConfigFileError,
    load_instance_config,
    load_secret_key,
    parse_instance_config,
)


def test_first_run_writes_a_commented_default(tmp_path):
    path = tmp_path / "config.toml"
    config = load_instance_config(path, "Inkwell")
    text = path.read_text()
    assert text.startswith("# Inkwell settings")
    assert "[logging]" in text and "[flask]" in text
    assert config.log_level == "INFO" and config.flask == {} and config.problem is None
    assert parse_instance_config(path.read_bytes()) == config  # the default file is valid


def test_values_are_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[logging]\nlevel = "debug"\naccess_log = true\n[flask]\nMAX_CONTENT_LENGTH = 10\n')
    config = load_instance_config(path, "Inkwell")
    assert config.log_level == "DEBUG"
    assert config.access_log is True
    assert config.flask == {"MAX_CONTENT_LENGTH": 10}


@pytest.mark.parametrize(
    "text, reason",
    [
        ("[logging\n", "not valid TOML"),
        ('[logging]\nlevel = "LOUD"\n', "level must be one of"),
        ("[logging]\naccess_log = 1\n", "true or false"),
        ("[flask]\nsecret_key = 1\n", "UPPER_CASE"),
        ("[windwo]\n", "unknown section"),
        ("logging = 3\n", "must be a table"),
    ],
)
def test_bad_content_is_explained(text, reason):
    with pytest.raises(ConfigFileError, match=reason):
        parse_instance_config(text.encode())


def test_malformed_file_is_kept_aside_and_defaults_used(tmp_path, caplog):
    path = tmp_path / "config.toml"
    path.write_text("[logging]\nlevel = \n")
    with caplog.at_level(logging.WARNING):
        config = load_instance_config(path, "Inkwell")
    kept = list(tmp_path.glob("config.toml.bad-*"))
    assert len(kept) == 1
    assert kept[0].read_text() == "[logging]\nlevel = \n"  # what the user typed is not lost
    assert config.log_level == "INFO"
    assert "not valid TOML" in config.problem
    assert path.read_text().startswith("# Inkwell settings")  # a fresh default took its place
    assert "unusable" in caplog.text and kept[0].name in caplog.text


def test_binary_garbage_is_handled(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert "UTF-8" in load_instance_config(path, "Inkwell").problem


def test_secret_key_is_private_and_stable(tmp_path):
    path = tmp_path / "secret_key"
    key = load_secret_key(path)
    assert len(key) == 64
    assert load_secret_key(path) == key
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_truncated_secret_key_is_replaced(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("short")
    assert len(load_secret_key(path)) == 64


def test_a_config_nested_past_the_parser_is_kept_aside_too(tmp_path):
    """Issue 26: 100k nested arrays stopped the app at start (RecursionError) and weren't kept."""
    path = tmp_path / "config.toml"
    path.write_text("[flask]\nX = " + "[" * 100_000 + "]" * 100_000 + "\n")
    config = load_instance_config(path, "Inkwell")
    assert "nested too deeply" in config.problem and list(tmp_path.glob("config.toml.bad-*"))
