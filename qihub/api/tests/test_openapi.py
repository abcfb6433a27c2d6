"""The published API contract: any change to the schema shows up as a reviewed diff.

Regenerate with `make openapi` after an intended change.
"""

import json
from pathlib import Path

from qihub.api.api import api

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


def test_openapi_matches_the_snapshot():
    current = json.loads(json.dumps(api.get_openapi_schema(), ensure_ascii=False))
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8")), (
        "The API schema changed: review it, then run `make openapi` to update the snapshot."
    )


def test_every_operation_documents_its_problem_responses():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"422", "429"} <= codes, f"{method.upper()} {path} lacks 422/429"


def test_served_schema_and_docs(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_no_two_schemas_share_a_name(monkeypatch):
    # Ninja merges each operation's schema definitions into one namespace by class name, so two
    # enums both called "Level" (a region's level, a pilot project's level) would silently
    # document one with the other's values.
    from ninja.openapi.schema import OpenAPISchema

    conflicts: dict[str, list[object]] = {}
    original = OpenAPISchema.add_schema_definitions

    def checked(self, definitions):
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                conflicts.setdefault(name, [known]).append(definition)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", checked)
    api.get_openapi_schema()
    assert not conflicts, {name: len(versions) for name, versions in conflicts.items()}
