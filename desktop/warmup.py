"""A fast first page: what a Flask app otherwise does on its first request, done ahead.

The window asks for its first page the moment the app serves, and that request used to pay for
compiling the page's templates to Python (a few ms each, a page has several) and for the ORM
configuring its mappers (~30 ms for a dozen models). Both are the app's own work, so nothing here
changes what it answers:
- compiled templates are kept in the user's cache folder (Jinja's bytecode cache: each entry is
  checked against its template's source, so an edited or updated template is compiled again);
- SQLAlchemy's mappers are configured on a thread of their own as soon as the app serves: the
  first request, if it comes first, waits for that (SQLAlchemy's lock) instead of doing it again.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)


def cache_compiled_templates(app, folder: Path) -> None:
    """Keep `app`'s compiled templates in `folder` across launches (unless it has a cache of its own)."""
    env = app.jinja_env
    if env.bytecode_cache is not None:
        return
    from jinja2 import FileSystemBytecodeCache

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a cache is an optimisation: without it the templates compile as usual
        log.warning("compiled templates are not kept (%s): %s", folder, exc)
        return

    class SkippedWhenUnwritable(FileSystemBytecodeCache):
        """A cache entry that can't be written (a full disk) or read is skipped: the template is
        compiled as if there were no cache, and the page is served as usual."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except OSError as exc:
                log.debug("a compiled template could not be read from the cache: %s", exc)

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError as exc:
                log.info("a compiled template was not kept (%s): it is compiled again next time", exc.strerror or exc)

    env.bytecode_cache = SkippedWhenUnwritable(str(folder))


def warm_up_in_background() -> None:
    """Configure the ORM's mappers now, beside the first request, if the app uses SQLAlchemy's ORM."""
    if "sqlalchemy.orm" in sys.modules:
        threading.Thread(target=_configure_mappers, name="warm-up", daemon=True).start()


def _configure_mappers() -> None:
    from sqlalchemy.orm import configure_mappers

    try:
        configure_mappers()
    except Exception:  # noqa: BLE001 - the app's first query raises the same error, where the app handles it
        log.debug("the ORM's mappers could not be configured ahead", exc_info=True)
