"""Load the hosted Flask app from a 'module:factory' (or 'module:app') string.

The kit's own webapp follows `create_app(config=None, *, instance_path=None)`. Other factories
get whatever of that they accept; anything they don't is applied to the app afterwards.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from pathlib import Path
from typing import Any, Callable

from .errors import AppLoadError

log = logging.getLogger(__name__)


def load_flask_app(spec: str, *, config: dict[str, Any], instance_path: Path):
    """Import `spec`, build the Flask app with `config` and `instance_path`, and return it."""
    from flask import Flask

    target = import_target(spec)
    if isinstance(target, Flask):
        app = target
        app.config.update(config)
        log.warning("%s is an app object, not a factory: its instance path stays %s", spec, app.instance_path)
        return app
    if not callable(target):
        raise AppLoadError(f"{spec} is neither a Flask app nor a factory function")
    app = _call_factory(target, spec, config, instance_path)
    if not isinstance(app, Flask):
        raise AppLoadError(f"{spec}() returned {type(app).__name__}, not a Flask app")
    return app


def import_target(spec: str) -> Any:
    """The object a 'module:attribute' string names."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise AppLoadError(f"--app must look like 'module:factory', got {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise AppLoadError(f"cannot import {module_name!r}: is it installed, or on PYTHONPATH?") from exc
        raise  # the module exists but its own import failed: a real bug, keep the traceback
    try:
        return getattr(module, attribute)
    except AttributeError as exc:
        raise AppLoadError(f"module {module_name!r} has no attribute {attribute!r}") from exc


def _call_factory(factory: Callable, spec: str, config: dict[str, Any], instance_path: Path):
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        parameters = {}
    kwargs: dict[str, Any] = {}
    args: list[Any] = []
    if "instance_path" in parameters:
        kwargs["instance_path"] = str(instance_path)
    positional = [
        p for p in parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "instance_path"
    ]
    passes_config = bool(positional)
    if passes_config:
        args.append(config)
    app = factory(*args, **kwargs)
    if not passes_config and hasattr(app, "config"):
        app.config.update(config)
    if "instance_path" not in kwargs and hasattr(app, "instance_path"):
        log.info("%s takes no instance_path: data the app keeps in its instance folder stays at %s",
                 spec, app.instance_path)
    return app


def close_app_resources(app) -> None:
    """Close what the app holds open (database connections) so the process exits cleanly."""
    extension = getattr(app, "extensions", {}).get("sqlalchemy")
    if extension is None:
        return
    with app.app_context():
        for engine in extension.engines.values():
            engine.dispose()
