"""What Litestar cannot infer for the OpenAPI document: the streamed upload body and its manifest, the streamed
verdict exports, the problem responses, and the routes that answer 200 or 202 with different bodies."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)

from service.batches.export import CSV_COLUMNS
from service.errors import PROBLEM_JSON
from workers.checks.manifest import Manifest

NDJSON = "application/x-ndjson"
CSV = "text/csv"
MARKDOWN = "text/markdown"


class Problem(msgspec.Struct):
    """RFC 9457 problem details; `field` names the offending input (a JSON path into the manifest, a header,
    or a file name). A problem may carry more members: `cap` (413: the cap that was exceeded), `redis` and
    `workers` (503 of /readyz)."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem, description=description, media_type=PROBLEM_JSON, generate_examples=False
    )


def json_body(data_container: type[msgspec.Struct], description: str) -> ResponseSpec:
    return ResponseSpec(data_container=data_container, description=description, generate_examples=False)


# Redis (store and broker) unreachable, e.g. restarting: the request can be sent again after Retry-After seconds.
_UNAVAILABLE = _problem("Redis is unreachable (restarting?); send again after the Retry-After header's seconds")
# Any route: an unexpected error (logged with its traceback, never its text), or a batch whose data does not open
# with the configured master key(s) (`batch-unreadable`).
SERVER_PROBLEMS = {500: _problem("Internal error (`internal-error`), or a batch sealed under another master key")}
AUTH_PROBLEMS = {
    400: _problem("A path or query parameter is not valid; `field` names it"),
    401: _problem("Missing or unknown API key"),
    404: _problem("No such batch for this tenant"),
    503: _UNAVAILABLE,
    **SERVER_PROBLEMS,
}
# POST /v1/webhooks: a body that is not {url, events} is a 400; a refused url or unknown event a 422.
WEBHOOK_PROBLEMS = {
    **AUTH_PROBLEMS,
    422: _problem("The url is refused (not https, does not resolve, or a private address) or an event is unknown"),
}
SUBMIT_PROBLEMS = {
    400: _problem(
        "The body is not well-formed: multipart whose boundary does not match or whose last part is unterminated, "
        "an unreadable zip, a file sent twice; `field` names where. Nothing is stored or queued"
    ),
    401: _problem("Missing or unknown API key"),
    413: _problem(
        "Over a cap, named in `detail` and `cap`: bytes per file, bytes per request (for a zip, decompressed "
        "bytes), or parts per request. Nothing is stored or queued"
    ),
    415: _problem("The body is neither multipart/form-data nor application/zip"),
    422: _problem("The manifest cannot be accepted; `field` names where"),
    503: _UNAVAILABLE,
    **SERVER_PROBLEMS,
}
READY_PROBLEMS = {503: _problem("Redis is unreachable, or no worker is alive (`redis`, `workers`)"), **SERVER_PROBLEMS}


def bundle_responses(ready: type[msgspec.Struct], pending: type[msgspec.Struct], pending_doc: str) -> dict[int, Any]:
    """A route answering 200 with the verdict, or 202 (`pending`) while it is not ready yet."""
    return {200: json_body(ready, "The bundle's verdict"), 202: json_body(pending, pending_doc)}


# The manifest's schema comes from the msgspec types that parse it (workers.checks.manifest): never a handler
# argument (the body is read as a stream), so Litestar does not see them; ManifestComponents adds them.
_REF = "#/components/schemas/{name}"
_MANIFEST_REF, MANIFEST_SCHEMAS = msgspec.json.schema_components([Manifest], ref_template=_REF)


@dataclass
class ManifestComponents(Components):
    """The document's components plus the manifest's schemas (Litestar fills `schemas` only with the types of the
    handlers' signatures and responses, replacing what the config held)."""

    def to_schema(self) -> dict[str, Any]:
        out = super().to_schema()
        schemas: dict[str, Any] = out.setdefault("schemas", {})
        if clash := sorted(set(schemas) & set(MANIFEST_SCHEMAS)):
            raise RuntimeError(f"OpenAPI components named twice (a response type and a manifest type): {clash}")
        schemas.update(copy.deepcopy(MANIFEST_SCHEMAS))
        return out


_MANIFEST = Reference(
    ref=_MANIFEST_REF[0]["$ref"],
    description="The manifest, a JSON document (docs/contract.md); its `file` values name the file parts",
)
_FILES = Schema(
    type=OpenAPIType.ARRAY,
    items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
    description="One part per document; its filename is the manifest's `file` value",
)
_LOCATION = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.STRING), required=True, description="Where to follow the batch (or the one bundle)"
)


@dataclass
class SubmissionOperation(Operation):
    """An operation whose body is read as a stream: document the two accepted forms by hand."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        properties={"manifest": _MANIFEST, "file": _FILES},
                        required=["manifest"],
                        # A part of any other name is a file too, named by its filename (else by the part's name).
                        additional_properties=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
                    ),
                    # No `encoding`: an object part is application/json by default (Litestar's Encoding would add
                    # `explode` and `allowReserved`, which do apply to multipart parts).
                ),
                "application/zip": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.STRING,
                        format=OpenAPIFormat.BINARY,
                        description="A zip holding manifest.json (the Manifest schema) and the files it names",
                    )
                ),
            },
        )
        accepted = (self.responses or {}).get("202")
        if isinstance(accepted, OpenAPIResponse):
            accepted.headers = {**(accepted.headers or {}), "Location": _LOCATION}


_EXPORTS = {
    NDJSON: OpenAPIMediaType(
        schema=Schema(
            type=OpenAPIType.STRING,
            description="`format=ndjson`: one BundleVerdict JSON object per line, in submission order",
        )
    ),
    CSV: OpenAPIMediaType(
        schema=Schema(
            type=OpenAPIType.STRING,
            description="`format=csv`: a header row, then one row per verdict; columns: " + ", ".join(CSV_COLUMNS),
        )
    ),
}


@dataclass
class VerdictsOperation(Operation):
    """GET .../verdicts answers JSON pages, or (streamed) NDJSON or CSV, as its `format` asks."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            ok.content = {**(ok.content or {}), **_EXPORTS}


class EscalationOperation(Operation):
    """GET .../escalation answers the packet as JSON, or as a Markdown ticket body with `format=md`."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            markdown = Schema(type=OpenAPIType.STRING, description="`format=md`: the packet as a Markdown ticket body")
            ok.content = {**(ok.content or {}), MARKDOWN: OpenAPIMediaType(schema=markdown)}
