"""The shell's log, and how it survives an app that reconfigures logging."""

from __future__ import annotations

import logging
import logging.config

import pytest

from desktop import logs
from desktop.logs import configure_logging, restore_shell_logging, set_level, shell_logging_kept

# Alembic's alembic.ini, as `flask db init` writes it: its loggers and a console handler.
ALEMBIC_INI = """\
[loggers]
keys = root,sqlalchemy,alembic,flask_migrate

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[logger_flask_migrate]
level = INFO
handlers =
qualname = flask_migrate

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""


@pytest.fixture
def isolated_logging(monkeypatch):
    """Let a test configure the process's logging (and an app's fileConfig break it); undo it all after."""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    saved = {name: (logger.disabled, logger.level, logger.propagate, list(logger.handlers))
             for name, logger in logging.root.manager.loggerDict.items() if isinstance(logger, logging.Logger)}
    monkeypatch.setattr(logging, "captureWarnings", lambda capture: None)  # pytest owns the warnings
    monkeypatch.setattr(logs, "_shell_handlers", [])
    monkeypatch.setattr(logs, "_shell_levels", {})
    yield
    # pytest's own handlers come and go with each test phase: leave those to pytest.
    keep = [handler for handler in saved_root[0] if not _pytests(handler)]
    for handler in list(root.handlers):
        if not _pytests(handler) and handler not in keep:
            root.removeHandler(handler)
    root.handlers.extend(handler for handler in keep if handler not in root.handlers)
    for handler in logs._shell_handlers:
        handler.close()
    root.setLevel(saved_root[1])
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and name not in saved:
            logger.disabled = False  # made during the test, maybe disabled by a fileConfig since
    for name, (disabled, level, propagate, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.disabled, logger.level, logger.propagate = disabled, level, propagate
        logger.handlers[:] = handlers


def _pytests(handler: logging.Handler) -> bool:
    return type(handler).__module__.startswith("_pytest")


def flush_logs() -> None:
    for handler in logs._shell_handlers:
        handler.flush()


def app_file_config(tmp_path) -> None:
    """What a standard Flask-Migrate env.py does to the process's logging."""
    ini = tmp_path / "alembic.ini"
    ini.write_text(ALEMBIC_INI)
    logging.config.fileConfig(ini)


def test_the_log_file_gets_the_shell_lines(tmp_path, isolated_logging):
    log_file = tmp_path / "app.log"
    configure_logging(log_file, "INFO")
    logging.getLogger("desktop.test").info("hello from the shell")
    flush_logs()
    assert "INFO    desktop.test [MainThread] hello from the shell" in log_file.read_text()


def test_the_shell_log_survives_an_apps_file_config(tmp_path, isolated_logging, capsys):
    log_file = tmp_path / "app.log"
    configure_logging(log_file, "DEBUG")
    set_level("INFO")
    shell_log = logging.getLogger("desktop.test")
    access_log = logging.getLogger("werkzeug")
    shell_log.info("before")

    app_file_config(tmp_path)
    shell_log.info("lost: the logger is disabled, the handlers gone")
    assert shell_log.disabled and access_log.disabled
    assert not any(handler in logging.getLogger().handlers for handler in logs._shell_handlers)

    restore_shell_logging()
    shell_log.info("after")
    logging.getLogger("desktop").info("the parent too")
    logging.getLogger("alembic.runtime").info("the app's own loggers reach the file as well")
    flush_logs()
    text = log_file.read_text()
    assert "before" in text and "after" in text and "the parent too" in text
    assert "the app's own loggers" in text
    assert "lost" not in text
    assert logging.getLogger().level == logging.INFO  # set_level's, not fileConfig's WARN
    assert access_log.level == logging.WARNING and not access_log.disabled
    assert logging.getLogger().handlers == logs._shell_handlers  # fileConfig's console handler is gone
    assert "after" not in capsys.readouterr().err  # the console only has warnings


def test_restoring_leaves_an_intact_set_up_alone(tmp_path, isolated_logging):
    configure_logging(tmp_path / "app.log", "INFO")
    extra = logging.NullHandler()
    logging.getLogger().addHandler(extra)  # an app adding its own handler keeps it
    restore_shell_logging()
    assert extra in logging.getLogger().handlers
    assert all(handler in logging.getLogger().handlers for handler in logs._shell_handlers)


def test_restoring_before_any_set_up_only_enables_the_shell_loggers(isolated_logging):
    logger = logging.getLogger("desktop.somewhere")
    other = logging.getLogger("someone.else")
    logger.disabled = other.disabled = True
    handlers = list(logging.getLogger().handlers)
    restore_shell_logging()
    assert not logger.disabled
    assert other.disabled  # not the shell's to decide
    assert logging.getLogger().handlers == handlers


def test_while_kept_an_apps_file_config_is_undone_at_once(tmp_path, isolated_logging, capsys):
    log_file = tmp_path / "app.log"
    configure_logging(log_file, "INFO")
    original = logging.config.fileConfig
    with shell_logging_kept():
        assert logging.config.fileConfig is not original
        app_file_config(tmp_path)
        logging.getLogger("desktop.test").info("right after the app's fileConfig")
        logging.getLogger("alembic.runtime.migration").info("Running upgrade  -> 0001")
    assert logging.config.fileConfig is original  # put back
    flush_logs()
    text = log_file.read_text()
    assert "right after the app's fileConfig" in text
    assert "Running upgrade  -> 0001" in text
    assert "Running upgrade" not in capsys.readouterr().err


def test_pywebviews_bridge_failing_in_a_page_the_user_left_is_not_an_error(tmp_path, isolated_logging):
    """Ctrl+N right as the list shows: pywebview's second bridge script runs in the next page."""
    log_file = tmp_path / "app.log"
    configure_logging(log_file, "INFO")
    pywebview = logging.getLogger("pywebview")
    try:
        raise RuntimeError("WebKitJavascriptError: TypeError: undefined is not an object "
                           "(evaluating 'window.pywebview._createApi')")
    except RuntimeError as exc:
        pywebview.exception(exc)
    pywebview.error("WebKitJavascriptError: something else")
    text = log_file.read_text()
    assert "_createApi" not in text and " ERROR " in text and "something else" in text


def test_a_flood_of_one_line_does_not_push_the_earlier_log_out(tmp_path, isolated_logging):
    """Issue 26: an error flood rotated the earlier log away."""
    log_file = tmp_path / "app.log"
    configure_logging(log_file, "INFO")
    logging.getLogger("desktop.test").warning("what happened first")
    for number in range(5000):
        logging.getLogger("werkzeug").error("Error on request %d", number)
    flush_logs()
    text = log_file.read_text()
    assert "what happened first" in text and text.count("Error on request") == 20
    assert "more like it in the next minute are left out" in text
