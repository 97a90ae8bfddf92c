"""Schema-driven fuzzing: Schemathesis generates requests from the OpenAPI document; no 5xx, every answer as documented."""

from __future__ import annotations

import schemathesis
import schemathesis.specs.openapi.checks  # noqa: F401 - registers the OpenAPI checks
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from sqlalchemy import text

from tests.webapp.test_notes import create
from webapp.extensions import db

EXAMPLES_PER_OPERATION = 100
# Every check Schemathesis has, not only "no 5xx": status codes, headers (Allow on a 405), bodies,
# and that documented-valid input is accepted and invalid input refused.
ALL_CHECKS = schemathesis.checks.CHECKS.get_all()


def test_every_operation_answers_as_documented(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    for number in range(3):  # something to read, change and delete
        create(client, f"Fuzz target {number}", "body", "fuzz")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    requests = 0

    for operation, mode in [(op, mode) for op in operations for mode in schemathesis.GenerationMode]:
        # Positive data must be accepted, negative data (wrong types, missing required fields) refused.
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            nonlocal requests
            requests += 1
            response = case.call()
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
            case.validate_response(response, checks=ALL_CHECKS)

        try:
            answers_as_documented()
        except Unsatisfiable:  # an operation with nothing to get wrong (no parameters, no body)
            assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
    print(f"schemathesis: {requests} requests over {len(operations)} operations")
    # The fuzzer changes and deletes notes through the API as any script may; afterwards the
    # app must be healthy and its database sound.
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_the_documents_links_lead_from_what_is_made_to_what_acts_on_it(app, client):
    """Issue 27: DELETE /attachments/{id} only ever saw made-up ids. The document's links name, in
    each new note's and new attachment's answer, the id the operations on it take: followed
    here, each leads to that very note or attachment. (A stateful Schemathesis run over them
    was flaky in Schemathesis itself: FlakyStrategyDefinition in its stateful phase.)"""
    import io

    def resolve_pointer(document, pointer: str):
        for part in pointer.strip("/").split("/"):
            document = document[int(part)] if isinstance(document, list) else document[part]
        return document

    spec = client.get("/api/v1/openapi.json").json
    links: dict[tuple[str, str], dict] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for response in operation.get("responses", {}).values() if isinstance(operation, dict) else ():
                links.setdefault((path, method), {}).update(response.get("links", {}))
    note_links = links[("/notes", "post")]
    assert {"GetNote", "UpdateNote", "DeleteNote", "AttachFiles"} <= set(note_links)
    note = client.post("/api/v1/notes", json={"title": "Linked", "body": "b"}).json
    note_id = resolve_pointer(note, note_links["GetNote"]["parameters"]["note_id"].split("#", 1)[1])
    assert client.get(f"/api/v1/notes/{note_id}").json["title"] == "Linked"
    from webapp.services import tokens

    with app.app_context():
        _, token = tokens.create("links")
    uploaded = client.post(f"/api/v1/notes/{note_id}/attachments", data={"files": [(io.BytesIO(b"x"), "a.txt")]},
                           content_type="multipart/form-data", headers={"Authorization": f"Bearer {token}"}).json
    pointer = links[("/notes/{note_id}/attachments", "post")]["DeleteAttachment"]["parameters"]["attachment_id"]
    attachment_id = resolve_pointer(uploaded, pointer.split("#", 1)[1])
    assert client.delete(f"/api/v1/attachments/{attachment_id}",
                         headers={"Authorization": f"Bearer {token}"}).status_code == 204
