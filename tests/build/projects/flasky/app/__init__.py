from flask import Flask, render_template
from flask_footer import Footer

from config import config

footer = Footer()


def create_app(config_name):
    app = Flask(__name__)
    app.config.from_object(config[config_name])
    footer.init_app(app)

    @app.route("/")
    def index():
        return render_template("index.html", greeting=app.config["GREETING"])

    return app
