"""Reading pages the way a user sees them: texts of elements, and every tag with its attributes."""

from __future__ import annotations

from html.parser import HTMLParser


class _Collector(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, css_class: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._depth = 0  # > 0 while inside an element with css_class
        self._current: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in self.VOID:
            return
        if self._depth:
            self._depth += 1
        elif self.css_class and self.css_class in (attributes.get("class") or "").split():
            self._depth = 1
            self._current = []

    def handle_endtag(self, tag):
        if self._depth and tag not in self.VOID:
            self._depth -= 1
            if not self._depth:
                self.texts.append(" ".join("".join(self._current).split()))

    def handle_data(self, data):
        if self._depth:
            self._current.append(data)


def texts_of(html: str, css_class: str) -> list[str]:
    """The visible text of every element with `css_class`, whitespace collapsed."""
    parser = _Collector(css_class)
    parser.feed(html)
    return parser.texts


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag in `html` with its attributes."""
    parser = _Collector(None)
    parser.feed(html)
    return parser.elements
