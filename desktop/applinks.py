"""App links: a URL scheme of the app's own (`inkwell://note/42`) that shows a page of the app.

The installers register the scheme (the .deb's desktop entry, Windows' registry, macOS's
Info.plist); the system then starts the app with the link, and a running app receives it through
the single-instance hand-over, like a file. Any web page can offer such a link, so a link only
ever becomes a GET of one of the app's own pages, never of the shell's (/__desktop__/...), and
the app can map or refuse each one (`open_link` in [tool.desktop]). Anything else is refused with
a message.

    inkwell://note/42        -> /note/42 (or what the app's open_link hook returns)
    inkwell://search?q=tram  -> /search?q=tram
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import ConfigError, FileOpenError
from .localurls import is_app_path

# Two or more characters before the colon: "C:\notes.md" is a Windows path, not a link.
LINK = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{1,31}$")
RESERVED_SCHEMES = frozenset({"http", "https", "file", "ftp", "mailto", "data", "javascript", "about", "blob", "ws",
                              "wss", "tel", "sms"})
SHELL_PATHS = "/__desktop__"
MAX_LINK = 2000


def check_scheme(scheme: str) -> None:
    """A scheme the app may claim, or ConfigError."""
    if not SCHEME.match(scheme) or scheme in RESERVED_SCHEMES:
        raise ConfigError(f"[tool.desktop] url_scheme {scheme!r}: a lower-case word of the app's own "
                          "(letters, digits, '+', '-', '.'), not one the system uses (http, file, mailto...)")


def is_link(argument: str) -> bool:
    """Whether a command-line argument is a URL (an app link, or a file:// URL) rather than a path."""
    return bool(LINK.match(argument))


def as_file(argument: str) -> Path | None:
    """The local path of a file:// URL (desktop entries with %U pass files that way), else None."""
    parts = urlsplit(argument)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(unquote(parts.path))


def default_path(link: str, scheme: str) -> str:
    """The app's page for `link`: everything after 'scheme://' as a path of the app."""
    if len(link) > MAX_LINK:
        raise FileOpenError(f"Refused a link of {len(link)} characters: too long to be one of the app's own.")
    parts = urlsplit(link)
    if not scheme or parts.scheme.lower() != scheme:
        raise FileOpenError(f"Refused {shorten(link)}: it is not a link of this app"
                            + (f" (those start with {scheme}://)." if scheme else "."))
    path = "/" + (parts.netloc + parts.path).lstrip("/")
    return path + (f"?{parts.query}" if parts.query else "")


def checked_path(path: object, link: str) -> str:
    """`path` if it is one of the app's own pages (never the shell's), else FileOpenError."""
    if not isinstance(path, str) or not is_app_path(path) or path.startswith(SHELL_PATHS) or "\\" in path:
        raise FileOpenError(f"Refused {shorten(link)}: it does not lead to a page of the app.")
    return path


def shorten(link: str) -> str:
    return repr(link if len(link) <= 80 else link[:77] + "...")
