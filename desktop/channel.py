"""The line between the window process and the app process: JSON lines over a pair of pipes.

Each side can call a handler on the other by name and wait for its answer (`call`), or just tell
it something (`send`). Handlers run on a thread each, because some wait on the user (a file
dialog) and must not hold up the next message. Only the two processes of one launch hold these
pipes: nothing on the machine, and no web page, can write to them.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from typing import IO, Any, Callable

log = logging.getLogger(__name__)


class ChannelClosed(Exception):
    """The other process is gone (or the channel was closed) before it answered."""


class RemoteError(Exception):
    """A handler on the other side raised: `kind` is its exception class name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Channel:
    """Calls and messages both ways over `reader` / `writer` (binary file objects)."""

    def __init__(self, reader: IO[bytes], writer: IO[bytes], handlers: dict[str, Callable[..., Any]] | None = None,
                 *, name: str = "channel", on_closed: Callable[[], None] | None = None) -> None:
        self._reader, self._writer = reader, writer
        # Kept, not copied: handlers added later (once the window exists) are found too.
        self.handlers: dict[str, Callable[..., Any]] = handlers if handlers is not None else {}
        self._name = name
        self._on_closed = on_closed
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[threading.Event, list]] = {}
        self._write_lock = threading.Lock()
        self.closed = threading.Event()

    def start(self) -> None:
        """Read and dispatch messages on a daemon thread until the other side closes its end."""
        threading.Thread(target=self._read, name=f"{self._name}-reader", daemon=True).start()

    def send(self, name: str, **args: Any) -> bool:
        """Tell the other side something (no answer); False if it is gone."""
        return self._write({"call": name, "args": args})

    def call(self, name: str, timeout: float | None = None, **args: Any) -> Any:
        """Run handler `name` on the other side and return its result (RemoteError if it raised)."""
        call_id = next(self._ids)
        answered, box = threading.Event(), []
        self._pending[call_id] = (answered, box)
        try:
            if not self._write({"id": call_id, "call": name, "args": args}):
                raise ChannelClosed(f"{self._name}: the other process is gone")
            if not answered.wait(timeout):
                raise TimeoutError(f"{self._name}: no answer to {name} within {timeout} s")
        finally:
            self._pending.pop(call_id, None)
        answer = box[0]
        if answer is None:
            raise ChannelClosed(f"{self._name}: the other process ended before answering {name}")
        if "error" in answer:
            raise RemoteError(answer.get("kind", "Exception"), answer["error"])
        return answer.get("result")

    def close(self) -> None:
        """Close our end of writing: the other side reads the end of its input."""
        with self._write_lock:
            try:
                self._writer.close()
            except OSError:
                pass

    def _write(self, message: dict) -> bool:
        # default=str: paths (a dialog's answer) cross as strings
        data = json.dumps(message, separators=(",", ":"), default=str).encode() + b"\n"
        with self._write_lock:
            try:
                self._writer.write(data)
                self._writer.flush()
            except (OSError, ValueError):  # a broken pipe, or closed already
                return False
        return True

    def _read(self) -> None:
        try:
            for line in self._reader:
                try:
                    message = json.loads(line)
                except ValueError:
                    log.warning("%s: ignored a line that is not a message", self._name)
                    continue
                if "call" in message:
                    threading.Thread(target=self._handle, args=(message,), name=f"{self._name}-{message['call']}",
                                     daemon=True).start()
                elif message.get("id") in self._pending:
                    answered, box = self._pending[message["id"]]
                    box.append(message)
                    answered.set()
        except (OSError, ValueError):  # the pipe broke
            pass
        finally:
            try:
                self._reader.close()
            except OSError:
                pass
            self.closed.set()
            for answered, box in list(self._pending.values()):
                box.append(None)
                answered.set()
            if self._on_closed is not None:
                self._on_closed()

    def _handle(self, message: dict) -> None:
        name, call_id = message["call"], message.get("id")
        handler = self.handlers.get(name)
        try:
            if handler is None:
                raise LookupError(f"no handler for {name!r}")
            answer = {"result": handler(**message.get("args", {}))}
        except Exception as exc:  # noqa: BLE001 - the caller gets it as a RemoteError
            if call_id is None:
                log.warning("%s: %s failed: %s", self._name, name, exc, exc_info=not isinstance(exc, LookupError))
            answer = {"error": str(exc), "kind": type(exc).__name__}
        if call_id is not None:
            self._write({"id": call_id, **answer})
