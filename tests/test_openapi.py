"""The committed OpenAPI document is the app's: regenerate with `python -m service.openapi_export`."""

from __future__ import annotations

import json

import msgspec

from service.openapi_export import OPENAPI_PATH, render
from workers.checks.manifest import Manifest


def test_committed_openapi_matches_the_app() -> None:
    assert OPENAPI_PATH.read_text() == render(), "openapi/openapi.json is stale: python -m service.openapi_export"


def test_openapi_names_every_v1_endpoint() -> None:
    paths = json.loads(OPENAPI_PATH.read_text())["paths"]
    assert {
        "/v1/batches",
        "/v1/batches/{batch_id}",
        "/v1/batches/{batch_id}/verdicts",
        "/v1/batches/{batch_id}/bundles/{reference}",
        "/v1/check",
        "/healthz",
        "/readyz",
    } <= set(paths)
    assert "delete" in paths["/v1/batches/{batch_id}"]


def test_only_the_batch_routes_ask_for_a_key() -> None:
    spec = json.loads(render())
    assert "security" not in spec  # no document-wide requirement: the health probes are open
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            wanted: list[dict[str, list[str]]] | None = [{"apiKey": []}] if path.startswith("/v1/") else None
            assert operation.get("security") == wanted, (method, path)


def test_the_manifest_part_is_described_by_the_types_that_parse_it() -> None:
    spec = json.loads(OPENAPI_PATH.read_text())
    (ref,), components = msgspec.json.schema_components([Manifest], ref_template="#/components/schemas/{name}")
    for path in ("/v1/batches", "/v1/check"):
        form = spec["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert form["properties"]["manifest"]["$ref"] == ref["$ref"], path
    for name, schema in components.items():
        assert spec["components"]["schemas"][name] == schema, name


def test_exports_and_problems_have_their_own_media_types() -> None:
    spec = json.loads(OPENAPI_PATH.read_text())
    ok = spec["paths"]["/v1/batches/{batch_id}/verdicts"]["get"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "application/x-ndjson", "text/csv"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response["content"] == {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }, (method, path, status)
