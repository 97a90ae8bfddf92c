"""Markdown to safe HTML: markdown-it-py renders (raw HTML off), nh3 (ammonia) sanitises.

Two layers on purpose: even if a renderer bug let markup through, no script, event handler or
javascript: URL survives the sanitiser.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul", "input",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable(
        ["table", "strikethrough"]
    )


def render(text: str) -> Markup:
    """Render Markdown `text` to sanitised HTML."""
    html = _renderer().render(text)
    return Markup(sanitize(html))


def sanitize(html: str) -> str:
    """Keep only harmless tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS - {"input"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


_BLOCK_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", re.MULTILINE)
_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_INLINE = re.compile(r"(\*\*|__|~~|`|!?\[([^\]]*)\]\([^)]*\))")
# Single (or leftover) emphasis marks at the edges of words: *pastel*, _x_ (never snake_case's).
_EMPHASIS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_])[*_]{1,3}(?![\w*_])")


def plain_excerpt(text: str, length: int = 160, *, skip_first_line: bool = False) -> str:
    """A one-line plain-text preview of Markdown, without rendering it (cheap enough for lists)."""
    head = text[: length * 4]
    if skip_first_line:
        head = head.split("\n", 1)[1] if "\n" in head else ""
    head = plain_text(head)
    return head if len(head) <= length else head[: length - 1].rstrip() + "…"


def plain_text(text: str) -> str:
    """Markdown as one line of plain words: no heading, list or emphasis marks, links as their text.

    Characters outside Markdown's syntax pass through untouched (search marks its hits with
    control characters, which must survive)."""
    text = _FENCE.sub(" ", _TABLE_RULE.sub(" ", _BLOCK_MARKS.sub("", text)))
    text = _INLINE.sub(lambda m: m.group(2) if m.group(2) is not None else "", text)
    text = _EMPHASIS.sub("", text)
    return " ".join(text.replace("|", " ").split())
