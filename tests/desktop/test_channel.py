"""The channel between the window process and the app process: calls both ways over two pipes."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from desktop.channel import Channel, ChannelClosed, RemoteError


@pytest.fixture
def channel_pair():
    """Makes two channels joined by pipes, as the window process and the app process are; closes them after."""
    made: list[Channel] = []

    def make(left_handlers: dict, right_handlers: dict) -> tuple[Channel, Channel]:
        a_read, b_write = os.pipe()
        b_read, a_write = os.pipe()
        left = Channel(os.fdopen(a_read, "rb"), os.fdopen(a_write, "wb"), left_handlers, name="left")
        right = Channel(os.fdopen(b_read, "rb"), os.fdopen(b_write, "wb"), right_handlers, name="right")
        left.start()
        right.start()
        made.extend((left, right))
        return left, right

    yield make
    for channel in made:
        channel.close()
    for channel in made:
        assert channel.closed.wait(5)


def test_a_call_returns_what_the_other_side_answers_and_paths_cross_as_text(channel_pair):
    left, right = channel_pair({}, {"open_dialog": lambda kind: [Path("/home/me") / f"{kind}.txt"]})
    assert left.call("open_dialog", timeout=5, kind="save") == ["/home/me/save.txt"]


def test_a_handler_that_raises_reaches_the_caller_by_name_and_message(channel_pair):
    def refuse(link):
        raise ValueError(f"Refused {link}")

    left, _right = channel_pair({}, {"open_link": refuse})
    with pytest.raises(RemoteError, match="Refused notes://x") as failure:
        left.call("open_link", timeout=5, link="notes://x")
    assert failure.value.kind == "ValueError"
    with pytest.raises(RemoteError, match="no handler"):
        left.call("no_such_call", timeout=5)


def test_calls_are_answered_while_another_waits_on_the_user(channel_pair):
    release = threading.Event()
    left, _right = channel_pair({}, {"slow": lambda: release.wait(5), "quick": lambda: "at once"})
    slow = threading.Thread(target=left.call, args=("slow",), kwargs={"timeout": 5})
    slow.start()
    assert left.call("quick", timeout=5) == "at once"  # a file dialog must not hold up the next call
    release.set()
    slow.join(5)


def test_handlers_added_later_are_found_and_messages_need_no_answer(channel_pair):
    told = threading.Event()
    handlers: dict = {}
    left, _right = channel_pair({}, handlers)
    handlers["close_window"] = told.set  # the window exists only after the app process started
    assert left.send("close_window")
    assert told.wait(5)


def test_a_caller_waiting_on_a_process_that_ends_is_told_at_once(channel_pair):
    block = threading.Event()
    left, right = channel_pair({}, {"hang": lambda: block.wait(10)})
    outcome: list[BaseException] = []

    def caller() -> None:
        try:
            left.call("hang")
        except ChannelClosed as exc:
            outcome.append(exc)

    thread = threading.Thread(target=caller)
    thread.start()
    right.close()  # the app process died: its end of the pipe closes
    thread.join(5)
    assert outcome and not thread.is_alive()
    assert left.closed.is_set()
    block.set()
