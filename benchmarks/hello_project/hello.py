"""The baseline's hello world, as a factory the kit hosts (benchmarks/startup.py)."""

from flask import Flask


def create_app():
    app = Flask(__name__)
    app.get("/")(lambda: "<title>Hello</title><h1>Hello</h1>")
    return app
