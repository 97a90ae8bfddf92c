"""Adds a footer to every HTML page, rendered with a Jinja environment of its own that loads from
this package (as Flask-DebugToolbar renders its toolbar)."""

from jinja2 import Environment, PackageLoader


class Footer:
    def __init__(self, app=None):
        self.jinja_env = Environment(loader=PackageLoader(__name__, "templates"), autoescape=True)
        if app is not None:
            self.init_app(app)

    def init_app(self, app):
        app.extensions["footer"] = self
        app.after_request(self._add_footer)

    def _add_footer(self, response):
        if response.mimetype == "text/html" and not response.direct_passthrough:
            footer = self.jinja_env.get_template("footer.html").render()
            response.set_data(response.get_data(as_text=True).replace("</body>", footer + "</body>"))
        return response
