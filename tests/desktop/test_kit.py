"""[tool.desktop] settings."""

from __future__ import annotations

import pytest

from desktop.errors import ConfigError
from desktop.kit import KitSettings, load_kit_settings, parse_kit_settings


def test_a_projects_pyproject_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "notes"\nversion = "1.2.0"\n[tool.desktop]\nfactory = "notes:create_app"\n'
        '[tool.desktop.window]\nwidth = 900\n')
    kit = load_kit_settings(tmp_path / "pyproject.toml")
    assert (kit.name, kit.version, kit.factory, kit.root) == ("notes", "1.2.0", "notes:create_app", tmp_path)
    assert kit.window.width == 900 and kit.window.min_width <= kit.window.width


def test_defaults_come_from_the_project_never_from_another_app():
    kit = parse_kit_settings({"project": {"name": "thing", "version": "2.0", "description": "Does things",
                                          "authors": [{"name": "Ada", "email": "ada@example.org"}]}})
    assert (kit.name, kit.version, kit.description, kit.author) == ("thing", "2.0", "Does things",
                                                                    "Ada <ada@example.org>")
    assert kit.window.title == "thing"
    assert kit.app_id == "local.thing"
    assert kit.factory == "" and kit.health_path == "" and kit.icon == ""


def test_settings_travel_into_a_bundle_as_json(tmp_path):
    kit = parse_kit_settings({"project": {"name": "Thing"}, "tool": {"desktop": {
        "factory": "thing:app", "first_run": ["init-db"], "migrate": True,
        "config": {"SQLALCHEMY_DATABASE_URI": "sqlite:///{data}/thing.db", "PER_PAGE": 20},
        "env": {"THING_LOGS": "{logs}"}, "bundle": {"hidden_imports": ["thing.extra"]}}}}, root=tmp_path)
    again = KitSettings.from_json(kit.to_json(), root=tmp_path / "bundle")
    assert again == KitSettings(**{**kit.__dict__, "root": tmp_path / "bundle"})


def test_placeholders_name_the_users_folders(tmp_path):
    kit = parse_kit_settings({"tool": {"desktop": {"config": {"URI": "sqlite:///{data}/x.db"}}}})
    assert kit.expand(kit.config["URI"], {"data": tmp_path}) == f"sqlite:///{tmp_path}/x.db"
    assert kit.expand(5, {"data": tmp_path}) == 5
    with pytest.raises(ConfigError, match="unknown placeholder 'home'"):
        kit.expand("{home}/x", {"data": tmp_path})


def test_window_table_is_read():
    kit = parse_kit_settings({"tool": {"desktop": {"name": "X", "window": {"width": 900, "title": "Hello"}}}})
    assert kit.window.width == 900
    assert kit.window.title == "Hello"


@pytest.mark.parametrize(
    "table, message",
    [
        ({"name": 3}, "name must be a str"),
        ({"migrate": "yes"}, "migrate must be a bool"),
        ({"first_run": "init-db"}, "first_run must be a list of strings"),
        ({"config": ["x"]}, "config must be a table"),
        ({"env": {"X": 1}}, "X must be a string"),
        ({"bundle": {"datas": ["nodest"]}}, "SOURCE:DEST"),
        ({"window": {"width": "wide"}}, "width must be a int"),
        ({"window": {"width": True}}, "width must be a int"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ({"factory": "webapp.create_app"}, "module:function"),
    ],
)
def test_bad_settings_are_named(table, message):
    with pytest.raises(ConfigError, match=message):
        parse_kit_settings({"tool": {"desktop": table}})


def test_invalid_toml_is_a_config_error(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.desktop\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_kit_settings(path)


def test_icon_is_resolved_against_the_project(tmp_path):
    (tmp_path / "icon.png").write_bytes(b"png")
    kit = parse_kit_settings({"tool": {"desktop": {"icon": "icon.png"}}}, root=tmp_path)
    assert kit.icon_path() == tmp_path / "icon.png"
    assert parse_kit_settings({"tool": {"desktop": {"icon": "nope.png"}}}, root=tmp_path).icon_path() is None
