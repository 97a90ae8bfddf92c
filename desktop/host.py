"""Load the hosted Flask app from a 'module:factory' (or 'module:app') string.

The shell's settings (SECRET_KEY, the user's overrides, the project's [tool.desktop.config]) must
be in the app's config *before* its extensions read it, whatever shape the app has:

- `create_app()`: no parameter to pass them through;
- `create_app(test_config=None)` or `create_app(config=None)`: a mapping;
- `create_app(config_class=Config)`: a class default, handed a subclass carrying the settings;
- `create_app("production")`-style names: the default name stays;
- a module-level `app = Flask(__name__)`, built while its module is imported.

All of them are covered the same way: while the module is imported and the factory runs, every
Flask config made is a `PinnedConfig`, which puts the shell's keys back after each of the app's
own `from_object`, `from_pyfile`, `from_mapping`, ... calls. Where the factory takes a mapping or a
config class, it also gets one, so its own logic sees the settings.

In the same window, an app that doesn't name its instance folder gets the user data folder as its
instance folder: Flask would otherwise pick `instance/` beside the code (the source tree, or the
install folder once frozen), where apps like Flask's tutorial keep their database.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Callable

from .errors import AppLoadError

log = logging.getLogger(__name__)

# Config methods that load settings from somewhere: after each, the shell's keys win again.
_LOADERS = ("from_object", "from_pyfile", "from_envvar", "from_mapping", "from_file", "from_prefixed_env", "update")


def load_flask_app(spec: str, *, config: dict[str, Any], instance_path: Path):
    """Import `spec`, build the Flask app with `config` and `instance_path`, and return it."""
    from flask import Flask

    with pinned_config(config, instance_path):
        target = import_target(spec)
        if isinstance(target, Flask):
            app = target
            log.info("%s is an app object, not a factory: its instance path stays %s", spec, app.instance_path)
        elif callable(target):
            app = _call_factory(target, spec, config, instance_path)
            if not isinstance(app, Flask):
                raise AppLoadError(f"{spec}() returned {type(app).__name__}, not a Flask app")
        else:
            raise AppLoadError(f"{spec} is neither a Flask app nor a factory function")
    app.config.update(config)
    if type(app.config).__name__ == "PinnedConfig":  # from here on an ordinary config again
        app.config.__class__ = type(app.config).__mro__[1]
    return app


@contextlib.contextmanager
def pinned_config(config: Mapping[str, Any], instance_path: Path) -> Iterator[None]:
    """While inside, Flask apps made get a config in which `config`'s keys always win, and
    `instance_path` unless they name their own."""
    from flask import Flask

    original = Flask.config_class
    original_instance_path = Flask.auto_find_instance_path
    pinned = dict(config)

    class PinnedConfig(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            dict.update(self, pinned)

    def reapplying(name: str) -> Callable:
        method = getattr(original, name)

        def load(self, *args, **kwargs):
            result = method(self, *args, **kwargs)
            dict.update(self, pinned)
            return result

        return load

    for name in _LOADERS:
        setattr(PinnedConfig, name, reapplying(name))
    original_rule_class = Flask.url_rule_class
    Flask.config_class = PinnedConfig
    Flask.auto_find_instance_path = lambda self: str(instance_path)
    if original_rule_class is _werkzeug_rule():  # an app with its own rule class keeps it
        Flask.url_rule_class = lazy_builder_rule()
    try:
        yield
    finally:
        Flask.config_class = original
        Flask.auto_find_instance_path = original_instance_path
        Flask.url_rule_class = original_rule_class


def _werkzeug_rule() -> type:
    from werkzeug.routing import Rule

    return Rule


@functools.cache
def lazy_builder_rule() -> type:
    """A Werkzeug Rule that compiles its URL builders when first used, not when the route is
    added: Werkzeug generates and compiles two Python functions per route (about 1 ms each), so
    an app with 50 routes spent ~70 ms of every start on URLs it may never build."""
    Rule = _werkzeug_rule()

    class LazyBuilderRule(Rule):
        def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
            compiled: list[Callable[..., tuple[str, str]]] = []

            def build(rule: Rule, **values: Any) -> tuple[str, str]:
                if not compiled:  # two threads may both compile it: harmless, the same function
                    compiled.append(Rule._compile_builder(rule, append_unknown))
                return compiled[0](rule, **values)

            return build

    return LazyBuilderRule


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


def factory_arguments(factory: Callable, config: dict[str, Any], instance_path: Path) -> tuple[list, dict]:
    """What to pass `factory`: the instance path if it takes one, and the settings in the shape its
    first parameter expects (a mapping, a subclass of its default config class, or nothing)."""
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
    if not positional:
        return args, kwargs
    first = positional[0]
    default = first.default
    if isinstance(default, type):  # create_app(config_class=Config)
        args.append(type(f"Desktop{default.__name__}", (default,), dict(config)))
    elif default is inspect.Parameter.empty or default is None or isinstance(default, Mapping):
        args.append(dict(config))  # create_app(test_config=None), create_app(config)
    # else: a name ("production") or another value: the factory keeps its default, the pin does the rest
    return args, kwargs


def _call_factory(factory: Callable, spec: str, config: dict[str, Any], instance_path: Path):
    args, kwargs = factory_arguments(factory, config, instance_path)
    app = factory(*args, **kwargs)
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
