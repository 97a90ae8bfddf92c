"""A test client that checks every response against the app's OpenAPI document."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:inkwell-api"


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class CheckedClient:
    """Wraps Flask's test client; each call asserts the response is what the document says."""

    def __init__(self, client, document: dict) -> None:
        self.client = client
        self.document = document
        self.registry = Registry().with_resource(BASE, Resource.from_contents(document, default_specification=DRAFT202012))
        self.routes = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"), template)
            for template in document["paths"]
        ]
        self.checked = 0

    def _template(self, path: str) -> str:
        path = path.split("?", 1)[0].removeprefix("/api/v1")
        for pattern, template in self.routes:
            if pattern.match(path):
                return template
        raise AssertionError(f"{path} is not in the OpenAPI document")

    def request(self, method: str, path: str, **kwargs):
        """Send the request and check the response against the document."""
        response = self.client.open(path, method=method, **kwargs)
        template = self._template(path)
        operation = self.document["paths"][template].get(method.lower())
        assert operation is not None, f"{method} {template} is not documented"
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {path} answered {status}, not documented"
        content = operation["responses"][status].get("content")
        if content:
            assert response.is_json, f"{method} {path} {status} is not JSON"
            ref = _pointer("paths", template, method.lower(), "responses", status, "content", "application/json", "schema")
            Draft202012Validator({"$ref": f"{BASE}#/{ref}"}, registry=self.registry).validate(response.json)
        else:
            assert not response.data, f"{method} {path} {status} should have no body"
        self.checked += 1
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)
