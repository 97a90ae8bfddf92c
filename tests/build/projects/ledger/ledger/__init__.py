import logging
import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

basedir = os.path.abspath(os.path.dirname(__file__))
db = SQLAlchemy()
migrate = Migrate()


class Config:
    SECRET_KEY = "dev"
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(basedir, "ledger.db")
    GREETING = "Entries"


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class)
    db.init_app(app)
    migrate.init_app(app, db)
    # Like many apps: a log folder relative to where the app runs (or from the environment).
    log_dir = os.environ.get("LEDGER_LOG_DIR", "logs")
    os.makedirs(log_dir, exist_ok=True)
    handler = logging.FileHandler(os.path.join(log_dir, "ledger.log"))
    app.logger.addHandler(handler)
    from . import models  # noqa: F401
    from .views import bp

    app.register_blueprint(bp)
    return app
