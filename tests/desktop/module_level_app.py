"""A module-level app, built while its module is imported (`module_level_app:app`)."""

from flask import Flask

app = Flask(__name__)
app.config.from_mapping(SECRET_KEY="hard-coded", DATABASE="module.db", GREETING="module")
app.extensions["seen"] = {key: app.config.get(key) for key in ("SECRET_KEY", "DATABASE", "GREETING")}
app.get("/")(lambda: f"<title>{app.config['GREETING']}</title>")
