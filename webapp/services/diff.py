"""What changed between two versions of a note, word by word, for people to read."""

from __future__ import annotations

import difflib
import re

TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
MAX_TOKENS = 40_000  # beyond this (a very long note), compare line by line: quadratic time otherwise


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Segments ("same" | "added" | "removed", text) that turn `old` into `new`."""
    old_tokens, new_tokens = TOKENS.findall(old), TOKENS.findall(new)
    if len(old_tokens) + len(new_tokens) > MAX_TOKENS:
        old_tokens, new_tokens = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    segments: list[tuple[str, str]] = []
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            _append(segments, "same", "".join(old_tokens[a_start:a_end]))
            continue
        if operation in ("delete", "replace"):
            _append(segments, "removed", "".join(old_tokens[a_start:a_end]))
        if operation in ("insert", "replace"):
            _append(segments, "added", "".join(new_tokens[b_start:b_end]))
    return segments


def _append(segments: list[tuple[str, str]], kind: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == kind:
        segments[-1] = (kind, segments[-1][1] + text)
    else:
        segments.append((kind, text))
