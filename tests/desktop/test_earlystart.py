"""The app process's head start, taken before the window process imports anything of its own."""

from __future__ import annotations

import pytest

from desktop import earlystart


@pytest.fixture
def no_early_start(monkeypatch):
    monkeypatch.setattr(earlystart, "_early", [])
    monkeypatch.delenv(earlystart.ENV, raising=False)
    yield
    for sock, process in earlystart._early:
        process.stdin.close()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()
        sock.close()


@pytest.mark.parametrize("args", [["--version"], ["--paths"], ["--help"], ["--check-updates"], ["x", "--flask"]])
def test_command_lines_that_never_serve_start_no_app_process(args):
    assert not earlystart.wants_app(args)


@pytest.mark.parametrize("args", [[], ["--kiosk"], ["notes.md"], ["--data-dir", "/tmp/x"]])
def test_command_lines_that_serve_do(args):
    assert earlystart.wants_app(args)


def test_an_early_app_process_ends_quietly_when_it_is_not_needed(no_early_start):
    """A second launch hands over and exits: its early app process ends without serving."""
    earlystart.start_early()
    sock = earlystart.early_socket()
    assert sock is not None and sock.getsockname()[0] == "127.0.0.1"
    earlystart.start_early()  # once per launch
    assert earlystart.early_socket() is sock
    process = earlystart.take_early(sock)
    assert earlystart.early_socket() is None
    process.stdin.close()  # what exit does (atexit) when nothing took it
    assert process.wait(30) == 0
    with process.stdout, process.stderr:
        assert process.stdout.read() == b""
    sock.close()


def test_the_app_process_itself_starts_no_other(no_early_start, monkeypatch):
    monkeypatch.setenv(earlystart.ENV, "[]")
    earlystart.start_early()
    assert earlystart.early_socket() is None
