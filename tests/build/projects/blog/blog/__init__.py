import logging
import os
from logging.handlers import RotatingFileHandler

from flask import Flask, render_template

basedir = os.path.abspath(os.path.dirname(__file__))


class Config:
    SECRET_KEY = "change me"
    TITLE = "A blog"


class DevConfig(Config):
    DEBUG = True


class ProdConfig(Config):
    TITLE = "The blog"


config = {"dev": DevConfig, "prod": ProdConfig}


def create_app(config_name=None):
    app = Flask(__name__)
    app.config.from_object(config[config_name or os.getenv("BLOG_CONFIG", "dev")])
    if not app.debug:
        log_dir = os.path.join(basedir, "logs")
        os.makedirs(log_dir, exist_ok=True)
        handler = RotatingFileHandler(os.path.join(log_dir, "blog.log"), maxBytes=10240, backupCount=3)
        handler.setLevel(logging.INFO)
        app.logger.addHandler(handler)
        app.logger.info("blog started")

    @app.route("/")
    def index():
        return render_template("index.html", title=app.config["TITLE"])

    return app
