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
import re
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

    target_spec, call = split_call(spec)
    with pinned_config(config, instance_path):
        target = import_target(target_spec)
        if isinstance(target, Flask):
            if call is not None:
                raise AppLoadError(f"{target_spec} is an app object, not a factory: it can't be called as {spec}")
            app = target
            log.info("%s is an app object, not a factory: its instance path stays %s", spec, app.instance_path)
        elif callable(target):
            app = _call_factory(target, spec, config, instance_path, call)
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


def split_call(spec: str) -> tuple[str, tuple[list, dict] | None]:
    """'module:create_app("production", debug=False)' -> ('module:create_app', (["production"], {"debug": False})),
    as `flask --app` reads it; a spec without a call -> (spec, None). Only literals may be passed."""
    import ast

    module, _, attribute = spec.partition(":")
    if "(" not in attribute:
        return spec, None
    try:
        expression = ast.parse(attribute.strip(), mode="eval").body
    except SyntaxError as exc:
        raise AppLoadError(f"cannot read {spec!r}: write the call as Flask does, e.g. 'app:create_app(\"production\")'") \
            from exc
    if not isinstance(expression, ast.Call) or not isinstance(expression.func, ast.Name):
        raise AppLoadError(f"cannot read {spec!r}: name a function and its arguments, e.g. 'app:create_app(\"production\")'")
    try:
        args = [ast.literal_eval(argument) for argument in expression.args]
        kwargs = {keyword.arg: ast.literal_eval(keyword.value) for keyword in expression.keywords if keyword.arg}
    except ValueError as exc:
        raise AppLoadError(f"the arguments in {spec!r} must be literals (strings, numbers, True/False/None, lists, "
                           "dicts), as with flask --app") from exc
    if len(kwargs) != len(expression.keywords):
        raise AppLoadError(f"cannot read {spec!r}: **arguments can't be passed")
    return f"{module}:{expression.func.id}", (args, kwargs)


# Parameter names that hold the name of a configuration ("production", "development", ...),
# as Flask's best-known tutorials write `create_app(config_name)` with `config[config_name]`.
_NAME_PARAMETER = re.compile(r"(^|_)(name|env|environment|mode|stage|profile|flavou?r)$")
_PREFERRED_NAMES = ("production", "prod", "default", "desktop")


def factory_arguments(factory: Callable, config: dict[str, Any], instance_path: Path,
                      call: tuple[list, dict] | None = None) -> tuple[list, dict]:
    """What to pass `factory`: the instance path if it takes one, and the settings in the shape its
    settings parameter expects (a mapping, a subclass of its default config class, a config name,
    or nothing). `call`: the arguments the project named (`create_app("production")`): those win."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        parameters = {}
    args, kwargs = (list(call[0]), dict(call[1])) if call is not None else ([], {})
    if "instance_path" in parameters and "instance_path" not in kwargs:
        kwargs["instance_path"] = str(instance_path)
    named = [p for p in parameters.values() if p.name != "instance_path" and p.kind is not p.VAR_POSITIONAL
             and p.kind is not p.VAR_KEYWORD]
    positional = [p for p in named if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    given = {p.name for p in positional[:len(args)]} | set(kwargs)
    for parameter in named:
        if parameter.name in given:
            continue
        value = _settings_argument(factory, parameter, config) if parameter is named[0] else _NOTHING
        if value is _NOTHING:
            if parameter.default is parameter.empty:
                raise AppLoadError(f"{_name(factory)}() needs {parameter.name!r}, which the shell can't guess: name it "
                                   f"in [tool.desktop] factory, e.g. factory = \"{_spec_with(factory, parameter)}\"")
            continue
        if parameter.kind is parameter.KEYWORD_ONLY or len(args) != positional.index(parameter):
            kwargs[parameter.name] = value
        else:
            args.append(value)
    return args, kwargs


_NOTHING = object()


def _settings_argument(factory: Callable, parameter: inspect.Parameter, config: dict[str, Any]) -> Any:
    """What the factory's first parameter gets: its config class subclassed with the settings,
    the settings as a mapping, a config name, or _NOTHING (it keeps its default)."""
    default = parameter.default
    if default is not parameter.empty and isinstance(default, type):  # create_app(config_class=Config)
        return type(f"Desktop{default.__name__}", (default,), dict(config))
    if isinstance(default, Mapping):  # create_app(config={})
        return dict(config)
    names = _config_names(factory)
    if _NAME_PARAMETER.search(parameter.name) or isinstance(default, str) or parameter.annotation in (str, "str"):
        # create_app(config_name), create_app(config_name=None), create_app("production"): a name,
        # the production one where the app's table has it (a shipped app is not in development).
        if default is None or default is parameter.empty:
            return _preferred(names) if names else _NOTHING
        return _NOTHING  # the name the app defaults to
    if default is None or default is parameter.empty:  # create_app(test_config=None), create_app(config)
        if default is parameter.empty and names:  # create_app(config) with a dict of names beside it
            return _preferred(names)
        return dict(config)
    return _NOTHING  # another value: the factory keeps it, the pin does the rest


def _config_names(factory: Callable) -> list[str]:
    """The names of a `config = {"development": DevelopmentConfig, ...}` table in the factory's
    module (or the modules it imports names from), the shape Flask's tutorials use."""
    module_globals = getattr(factory, "__globals__", {})
    for value in list(module_globals.values()):
        if isinstance(value, Mapping) and value and all(isinstance(k, str) for k in value) \
                and all(isinstance(v, type) for v in value.values()):
            return list(value)
    return []


def _preferred(names: list[str]) -> str:
    return next((name for name in _PREFERRED_NAMES if name in names), names[0])


def _name(factory: Callable) -> str:
    return getattr(factory, "__qualname__", getattr(factory, "__name__", "the factory"))


def _spec_with(factory: Callable, parameter: inspect.Parameter) -> str:
    return f"{getattr(factory, '__module__', 'module')}:{_name(factory)}({parameter.name}=...)"


def _call_factory(factory: Callable, spec: str, config: dict[str, Any], instance_path: Path,
                  call: tuple[list, dict] | None = None):
    args, kwargs = factory_arguments(factory, config, instance_path, call)
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
