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
    """Issue 27: DELETE /attachments/{id} only ever saw made-up ids. With the document's links a
    sequence creates a note, then reads, changes, attaches to and deletes that very note."""
    from hypothesis import settings as hypothesis_settings

    app.config["WTF_CSRF_ENABLED"] = False
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    links = {name for operation in schema.get_all_operations()
             for response in operation.ok().definition.raw.get("responses", {}).values()
             for name in response.get("links", {})}
    assert {"GetNote", "UpdateNote", "DeleteNote", "AttachFiles", "DeleteAttachment"} <= links
    machine = schema.as_state_machine()
    machine.run(settings=hypothesis_settings(max_examples=25, stateful_step_count=6, deadline=None, database=None,
                                             suppress_health_check=list(HealthCheck)))
    assert client.get("/healthz").status_code == 200
