"""[tool.desktop] settings."""

from __future__ import annotations

import pytest

from desktop.errors import ConfigError
from desktop.kit import KitSettings, load_kit_settings, parse_kit_settings


def test_repository_pyproject_is_read():
    kit = load_kit_settings()
    assert kit.name == "Inkwell"
    assert kit.factory == "webapp:create_app"
    assert kit.version == "0.1.0"
    assert kit.window.min_width <= kit.window.width


def test_defaults_when_table_is_missing():
    kit = parse_kit_settings({"project": {"name": "thing", "version": "2.0"}})
    assert kit.name == "thing"
    assert kit.version == "2.0"
    assert kit.window.title == "thing"
    assert kit.factory == KitSettings.factory


def test_window_table_is_read():
    kit = parse_kit_settings({"tool": {"desktop": {"name": "X", "window": {"width": 900, "title": "Hello"}}}})
    assert kit.window.width == 900
    assert kit.window.title == "Hello"


@pytest.mark.parametrize(
    "table, message",
    [
        ({"name": 3}, "name must be a str"),
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
