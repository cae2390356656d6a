"""What Litestar cannot infer for the OpenAPI document: the streamed upload body and the problem responses."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from service.errors import PROBLEM_JSON


class Problem(msgspec.Struct):
    """RFC 9457 problem details; `field` names the offending input (a JSON path into the manifest, a header,
    or a file name)."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem, description=description, media_type=PROBLEM_JSON, generate_examples=False
    )


# Redis (store and broker) unreachable, e.g. restarting: the request can be sent again after Retry-After seconds.
_UNAVAILABLE = _problem("Redis is unreachable (restarting?); send again after the Retry-After header's seconds")
AUTH_PROBLEMS = {
    401: _problem("Missing or unknown API key"),
    404: _problem("No such batch for this tenant"),
    503: _UNAVAILABLE,
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
}

_MANIFEST = Schema(type=OpenAPIType.STRING, description="The manifest JSON (ARCHITECTURE section 1)")
_FILES = Schema(
    type=OpenAPIType.ARRAY,
    items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
    description="One part per document; its filename is the manifest's `file` value",
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
                    )
                ),
                "application/zip": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.STRING,
                        format=OpenAPIFormat.BINARY,
                        description="A zip holding manifest.json and the files it names",
                    )
                ),
            },
        )
