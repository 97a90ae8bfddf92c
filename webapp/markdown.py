"""Markdown to safe HTML: markdown-it-py renders (raw HTML off), nh3 (ammonia) sanitises.

Two layers on purpose: even if a renderer bug let markup through, no script, event handler or
javascript: URL survives the sanitiser.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul", "input",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align", "style"},  # style: text-align only (STYLE_PROPERTIES), for column alignment
    "td": {"align", "style"},
    "ol": {"start"},
    "code": {"class"},
}
STYLE_PROPERTIES = {"text-align"}
# Code blocks are highlighted by Pygments on the server (nothing to vendor, same in preview and
# note): its spans carry short token classes, the only classes a span may have.
HIGHLIGHT_CLASSES = {
    "k", "kc", "kd", "kn", "kp", "kr", "kt", "s", "s1", "s2", "sa", "sb", "sc", "sd", "se", "sh", "si", "sr", "ss",
    "c", "c1", "cm", "cp", "cs", "ch", "cpf", "n", "na", "nb", "nc", "nd", "ne", "nf", "nn", "nt", "nv", "bp", "fm",
    "o", "ow", "p", "m", "mi", "mf", "mh", "mo", "mb", "il", "w", "err", "gd", "gi", "gh", "gu", "ge", "gs",
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True,
                                     "highlight": _highlight}).enable(["table", "strikethrough"])


def _highlight(code: str, language: str, _attrs) -> str:
    """A fenced code block naming a language Pygments knows, highlighted ("" : the plain block)."""
    if not language:
        return ""
    from pygments import highlight  # here: only notes with code blocks pay for the import
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return ""
    body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre><code class="language-{escape(language)}">{body}</code></pre>\n'


def render(text: str) -> Markup:
    """Render Markdown `text` to sanitised HTML."""
    html = _renderer().render(text)
    return Markup(sanitize(html))


def sanitize(html: str) -> str:
    """Keep only harmless tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=(ALLOWED_TAGS - {"input"}) | {"span"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"span": HIGHLIGHT_CLASSES},
        filter_style_properties=STYLE_PROPERTIES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


_BLOCK_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", re.MULTILINE)
_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_INLINE = re.compile(r"(\*\*|__|~~|`|!?\[([^\]]*)\]\([^)]*\))")
# Runs of emphasis marks; those at the edge of a word (*pastel*, _x_) go, snake_case's stay.
_MARK_RUNS = re.compile(r"[*_]+")


def plain_excerpt(text: str, length: int = 160, *, skip_first_line: bool = False) -> str:
    """A one-line plain-text preview of Markdown, without rendering it (cheap enough for lists)."""
    head = text[: length * 4]
    if skip_first_line:
        head = head.split("\n", 1)[1] if "\n" in head else ""
    head = plain_text(head)
    return head if len(head) <= length else head[: length - 1].rstrip() + "…"


def _strip_emphasis(text: str) -> str:
    """Drop emphasis marks that open or close a word. A plain scan for the marks, then a look at
    their two neighbours: lookbehind patterns tried at every character cost the notes list ~2 ms."""
    if "*" not in text and "_" not in text:
        return text

    def word(char: str) -> bool:
        return char.isalnum() or char == "_"

    def decide(match: re.Match) -> str:
        if len(match.group()) > 3:
            return match.group()
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        opens = not word(before) and not after.isspace()
        closes = not before.isspace() and not word(after)
        return "" if opens or closes else match.group()

    return _MARK_RUNS.sub(decide, text)


def plain_text(text: str) -> str:
    """Markdown as one line of plain words: no heading, list or emphasis marks, links as their text.

    Characters outside Markdown's syntax pass through untouched (search marks its hits with
    control characters, which must survive)."""
    text = _FENCE.sub(" ", _TABLE_RULE.sub(" ", _BLOCK_MARKS.sub("", text)))
    text = _INLINE.sub(lambda m: m.group(2) if m.group(2) is not None else "", text)
    text = _strip_emphasis(text)
    return " ".join(text.replace("|", " ").split())
