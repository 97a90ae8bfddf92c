"""Config classes. Chosen and layered at call time by create_app(); nothing is read at import."""

from __future__ import annotations


class Config:
    """Settings every environment shares."""

    APP_NAME = "Inkwell"
    DATABASE_FILENAME = "inkwell.sqlite3"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # uploads; a friendly 413 page answers anything larger
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Strict"
    JSON_SORT_KEYS = False
    # Upgrade the database schema at start (after a backup). A multi-process server deployment
    # sets this to False and runs `flask db upgrade` once instead.
    AUTO_UPGRADE_DB = True
    BACKUPS_KEPT = 5
    BACKUP_EVERY_HOURS = 24  # an automatic backup at start when the newest is older (0: never)
    NOTES_PER_PAGE = 30
    IMPORT_MAX_BYTES = 1 << 30  # what an archive may unpack to
    IMPORT_MAX_ENTRIES = 100_000
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: a desktop app stays open for days
    TESTING = False
    DEBUG = False


class ProductionConfig(Config):
    """What end users run: the desktop shell and a deployed server."""


class DevelopmentConfig(Config):
    """`flask run --debug` and the shell's --dev mode."""

    DEBUG = True
    TEMPLATES_AUTO_RELOAD = True


class TestingConfig(Config):
    """The test suite: no instance config, no environment variables, a fixed secret."""

    TESTING = True
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = False  # tests that check CSRF turn it back on
    BACKUP_EVERY_HOURS = 0  # no background thread unless a test asks for it
