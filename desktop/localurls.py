"""Which URLs are the app's own: the one check for every redirect, menu item, link and notification
that sends the window (or the user's browser) somewhere.

A target is a path of the app when a browser would stay on this server with it: it starts with
one slash, never two (`//evil.example` is another site), has no backslash (browsers read `/\\x`
as `//x`), and no control or line-separator character (browsers drop tabs and newlines, so
`/\\t/evil.example` becomes `//evil.example`; in a header they would end it and start another).
"""

from __future__ import annotations

from urllib.parse import quote

# Characters a URL may carry as they are; anything else (non-ASCII text) is percent-encoded.
_URL_SAFE = "/?&=%#:;@!$'()*+,~-._[]"


def is_app_path(url: object) -> bool:
    """A path of the app itself: never another site, another scheme, or a protocol-relative URL."""
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return False
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in url)


def redirect_target(url: object, default: str = "/") -> str:
    """`url` ready for a Location header if it is a path of the app (non-ASCII percent-encoded),
    else `default`."""
    return quote(url, safe=_URL_SAFE) if is_app_path(url) else default
