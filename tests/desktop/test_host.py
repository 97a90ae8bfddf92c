"""Hosting any Flask app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from flask import Flask

from desktop.errors import AppLoadError
from desktop.host import close_app_resources, load_flask_app

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def sample_apps_importable(monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))


def load(spec: str, tmp_path: Path, **config):
    return load_flask_app(spec, config={"SECRET_KEY": "k", **config}, instance_path=tmp_path)


def test_kit_factory_gets_config_and_instance_path(tmp_path):
    app = load("webapp:create_app", tmp_path, APP_NAME="Hosted")
    assert app.instance_path == str(tmp_path)
    assert app.config["APP_NAME"] == "Hosted"
    close_app_resources(app)


def test_factory_without_arguments_gets_config_afterwards(tmp_path):
    app = load("sample_apps:create_minimal_app", tmp_path, GREETING="hi")
    assert isinstance(app, Flask)
    assert app.config["GREETING"] == "hi"


def test_factory_with_config_parameter(tmp_path):
    app = load("sample_apps:create_app_with_config", tmp_path, GREETING="hello")
    assert app.test_client().get("/").get_data(as_text=True).endswith("<p>hello</p>")
    assert app.instance_path == str(tmp_path)


def test_app_object(tmp_path):
    assert load("sample_apps:plain_app", tmp_path).name == "plain"


@pytest.mark.parametrize(
    "spec, message",
    [
        ("sample_apps", "module:factory"),
        ("no_such_module_xyz:create_app", "cannot import 'no_such_module_xyz'"),
        ("sample_apps:missing", "no attribute 'missing'"),
        ("sample_apps:not_an_app", "neither a Flask app nor a factory"),
    ],
)
def test_bad_specs_are_explained(spec, message, tmp_path):
    with pytest.raises(AppLoadError, match=message):
        load(spec, tmp_path)


def test_bug_in_factory_keeps_its_traceback(tmp_path):
    with pytest.raises(RuntimeError, match="the factory is broken"):
        load("sample_apps:create_failing_app", tmp_path)
    sys.modules.pop("sample_apps", None)


SHELL_SETTINGS = {"SECRET_KEY": "per-install-key", "DATABASE": "/user/data/app.db"}


@pytest.mark.parametrize("spec", [
    "sample_apps:create_app_with_test_config",
    "sample_apps:create_app_with_config_class",
    "sample_apps:create_app_by_name",
    "sample_apps:create_app_without_parameters",
    "sample_apps:create_app_needing_a_config_name",
    "sample_apps:create_app_with_an_optional_config_name",
    "sample_apps:create_app_keyword_only",
    "sample_apps:create_app_taking_anything",
    'sample_apps:create_app_needing_a_config_name("development")',
    "module_level_app:app",
    "flasky_shape:app",
])
def test_every_factory_shape_gets_the_shells_settings_before_its_extensions_read_them(spec, tmp_path):
    sys.modules.pop(spec.partition(":")[0], None)  # a module-level app is built at import
    app = load_flask_app(spec, config=dict(SHELL_SETTINGS), instance_path=tmp_path)
    seen = app.extensions["seen"]
    assert seen["SECRET_KEY"] == "per-install-key" and seen["DATABASE"] == "/user/data/app.db"
    assert seen["GREETING"] != ""  # the app's own settings are still there
    assert app.config["SECRET_KEY"] == "per-install-key"
    assert type(app.config).__name__ == "Config"  # an ordinary config once built
    app.config["LATER"] = 1  # and the app may change it from then on


def test_a_config_class_factory_gets_a_subclass_of_its_own_class(tmp_path):
    from desktop.host import factory_arguments
    from sample_apps import ShapeConfig, create_app_with_config_class

    args, _ = factory_arguments(create_app_with_config_class, dict(SHELL_SETTINGS), tmp_path)
    assert issubclass(args[0], ShapeConfig) and args[0].SECRET_KEY == "per-install-key"
    assert args[0].GREETING == "from the class"


def test_an_app_that_names_no_instance_folder_gets_the_user_data_folder(tmp_path):
    app = load_flask_app("sample_apps:create_app_with_test_config", config=dict(SHELL_SETTINGS),
                         instance_path=tmp_path)
    assert app.instance_path == str(tmp_path)  # never instance/ beside the code
    from flask import Flask

    assert Flask("after").instance_path != str(tmp_path)  # only while the shell builds the app


def test_url_building_is_compiled_when_first_used_and_builds_the_same(tmp_path, monkeypatch):
    """Werkzeug compiles two builder functions per route when it is added (~0.5 ms each): the
    hosted app's rules compile them when a URL is first built instead, with the same results."""
    import types

    from flask import Flask, url_for
    from werkzeug.routing import Rule

    from desktop.host import lazy_builder_rule, load_flask_app

    module = types.ModuleType("routes_app")

    def create_app():
        app = Flask("routes_app")
        app.add_url_rule("/notes/<int:note_id>", "note", lambda note_id: "")
        tags = lambda page: ""  # noqa: E731 - one view for both rules
        app.add_url_rule("/tags/", "tags", tags, defaults={"page": 1})
        app.add_url_rule("/tags/page/<int:page>", "tags", tags)
        return app

    module.create_app = create_app
    monkeypatch.setitem(sys.modules, "routes_app", module)
    app = load_flask_app("routes_app:create_app", config={"SECRET_KEY": "x"}, instance_path=tmp_path)
    assert {type(rule) for rule in app.url_map.iter_rules()} == {lazy_builder_rule()}
    with app.test_request_context("/"):
        assert url_for("note", note_id=7) == "/notes/7"
        assert url_for("note", note_id=7, q="a b") == "/notes/7?q=a+b"  # unknown values: the query
        assert url_for("tags") == "/tags/" and url_for("tags", page=3) == "/tags/page/3"
        assert url_for("static", filename="a.css") == "/static/a.css"
    assert Flask.url_rule_class is Rule  # only while the shell builds the app


@pytest.mark.parametrize(("spec", "greeting"), [
    ("sample_apps:create_app_needing_a_config_name", "from the class"),  # the table's production config
    ("sample_apps:create_app_with_an_optional_config_name", "from the class"),  # not its development default
    ('sample_apps:create_app_needing_a_config_name("development")', "from development"),  # as the project says
    ("sample_apps:create_app_with_an_optional_config_name(config_name='development')", "from development"),
    ("sample_apps:create_app_keyword_only(debug=True)", "keyword only"),
])
def test_a_config_name_is_the_production_one_unless_the_project_names_another(spec, greeting, tmp_path):
    """Issue 27: `create_app(config_name)` failed with KeyError: <class 'Desktop_empty'>, and
    `create_app(config_name=None)` with TypeError: unhashable type: 'dict'."""
    app = load_flask_app(spec, config=dict(SHELL_SETTINGS), instance_path=tmp_path)
    assert app.config["GREETING"] == greeting and app.config["SECRET_KEY"] == "per-install-key"


def test_a_module_that_extends_the_app_keeps_what_it_adds(tmp_path):
    """The FLASK_APP=flasky.py shape: its commands come with it."""
    sys.modules.pop("flasky_shape", None)
    app = load_flask_app("flasky_shape:app", config=dict(SHELL_SETTINGS), instance_path=tmp_path)
    assert "deploy" in app.cli.commands and app.config["GREETING"] == "from the class"


@pytest.mark.parametrize(("spec", "message"), [
    ("sample_apps:create_app_needing_two_things", r"needs 'region'.*factory = \"sample_apps:create_app_needing_two_things"),
    ("sample_apps:create_app_needing_a_config_name(os.environ)", "must be literals"),
    ("sample_apps:create_app_needing_a_config_name(", "write the call as Flask does"),
    ("module_level_app:app()", "is an app object, not a factory"),
])
def test_what_the_shell_cant_pass_is_explained_with_the_fix(spec, message, tmp_path):
    with pytest.raises(AppLoadError, match=message):
        load_flask_app(spec, config=dict(SHELL_SETTINGS), instance_path=tmp_path)


def test_an_app_whose_default_config_is_for_development_runs_without_debug(tmp_path):
    """Issue 27: `create_app(os.getenv("FLASK_CONFIG") or "default")` with a DEBUG = True default."""
    from desktop.config import InstanceConfig
    from desktop.kit import KitSettings
    from desktop.launch import flask_config
    from desktop.paths import resolve_paths

    paths = resolve_paths("Shapes", tmp_path)
    paths.create()
    config = flask_config(KitSettings(name="Shapes"), paths, InstanceConfig())
    app = load_flask_app('sample_apps:create_app_needing_a_config_name("development")', config=config,
                         instance_path=paths.data)
    assert app.config["GREETING"] == "from development" and app.debug is False
