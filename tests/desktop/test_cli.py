"""The command line, as a user types it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.__main__ import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == "Inkwell 0.1.0"


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for option in ("--app", "--data-dir", "--browser", "--no-open", "--self-test", "--paths", "--log-level", "--version",
                   "--flask"):
        assert option in text


def test_developer_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for command in ("init", "run", "dev", "self-test", "build", "package", "keys", "publish", "flask"):
        assert f"\n    {command} " in text


def test_outside_a_project_the_commands_name_init(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DESKTOP_PROJECT", raising=False)
    for command in (["run"], ["build"], ["self-test"], []):
        assert main(command) == 78
        assert "python -m desktop init" in capsys.readouterr().err


def test_the_shipped_apps_command_line_has_no_builder_commands(tmp_path, capsys):
    """A file named "build" is a file to open, never the builder."""
    from desktop.cli import parse_args
    from desktop.kit import KitSettings

    options, _ = parse_args(KitSettings(name="Thing", factory="thing:create_app"), ["build", "package"])
    assert options.files == ["build", "package"]


def test_paths_prints_the_folders(tmp_path, capsys):
    assert main(["--paths", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"data   {tmp_path / 'data'}" in out
    assert not any(tmp_path.iterdir())  # only asked: nothing created


def test_contradictory_options_are_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-open"])
    assert exit_info.value.code == 2
    assert "--no-open only makes sense with --browser" in capsys.readouterr().err


def test_console_script_is_installed():
    bin_dir = __import__("pathlib").Path(sys.executable).parent
    script = bin_dir / ("inkwell.exe" if sys.platform == "win32" else "inkwell")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "Inkwell 0.1.0"
