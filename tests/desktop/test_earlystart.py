"""The app process's head start, taken before the window process imports anything of its own."""

from __future__ import annotations

import socket

import pytest

from desktop import earlystart
from desktop.server import bind_remembered


@pytest.fixture
def no_early_start(monkeypatch):
    monkeypatch.setattr(earlystart, "_early", [])
    monkeypatch.delenv(earlystart.ENV, raising=False)
    yield
    for process, handover in earlystart._early:
        process.stdin.close()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()
        if handover is not None:
            handover.close()


@pytest.mark.parametrize("args", [["--version"], ["--paths"], ["--help"], ["--check-updates"], ["x", "--flask"]])
def test_command_lines_that_never_serve_start_no_app_process(args):
    assert not earlystart.wants_app(args)


@pytest.mark.parametrize("args", [[], ["--kiosk"], ["notes.md"], ["--data-dir", "/tmp/x"]])
def test_command_lines_that_serve_do(args):
    assert earlystart.wants_app(args)


def test_an_early_app_process_ends_quietly_when_it_is_not_needed(no_early_start):
    """A second launch hands over and exits: its early app process ends without serving."""
    earlystart.start_early()
    earlystart.start_early()  # once per launch
    assert len(earlystart._early) == 1
    process, handover = earlystart.take_early()
    assert earlystart.take_early() is None
    process.stdin.close()  # what exit does (atexit) when nothing took it
    assert process.wait(30) == 0
    with process.stdout, process.stderr:
        assert process.stdout.read() == b""
    if handover is not None:
        handover.close()


def test_the_app_process_itself_starts_no_other(no_early_start, monkeypatch):
    monkeypatch.setenv(earlystart.ENV, "[]")
    earlystart.start_early()
    assert earlystart.take_early() is None


def test_the_app_keeps_its_port_from_one_launch_to_the_next(tmp_path):
    """Same port, same origin: the pages' localStorage and HTTP cache are still theirs."""
    port_file = tmp_path / "webview-port"
    first = bind_remembered(port_file)
    port = first.getsockname()[1]
    assert port_file.read_text().strip() == str(port)
    with socket.create_connection(("127.0.0.1", port)):  # a connection of the last run, now closed
        first.accept()[0].close()
    first.close()
    again = bind_remembered(port_file)
    assert again.getsockname() == ("127.0.0.1", port)
    again.close()


def test_a_port_taken_meanwhile_gives_another_one_which_is_remembered(tmp_path, caplog):
    port_file = tmp_path / "webview-port"
    taken = earlystart.bind_loopback()
    port = taken.getsockname()[1]
    port_file.write_text(str(port))
    with taken, bind_remembered(port_file) as other:
        assert other.getsockname()[1] != port
        assert port_file.read_text().strip() == str(other.getsockname()[1])
    assert f"port {port}, the app's until now, is taken" in caplog.text


@pytest.mark.parametrize("content", ["", "junk", "80", "70000"])
def test_a_missing_or_odd_port_file_means_any_free_port(tmp_path, content):
    port_file = tmp_path / "webview-port"
    port_file.write_text(content)
    with bind_remembered(port_file) as sock:
        assert sock.getsockname()[1] >= 1024
