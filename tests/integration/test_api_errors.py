"""Bad requests get a 4xx application/problem+json naming the problem, and nothing of the batch is queued."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.integration.payload import good_bundle, good_files, manifest, multipart, post_batch
from tests.integration.stack import Stack

pytestmark = pytest.mark.integration


def _queued_state(stack: Stack) -> tuple[int, int, int]:
    """(messages waiting in the broker queue, batch records, staged or stored blobs)."""
    r = stack.redis
    batches = [k for k in r.scan_iter(match="kyc:b:*", count=1000) if k.count(b":") == 2]
    blobs = list(r.scan_iter(match="kyc:*blob*", count=1000)) + list(r.scan_iter(match="kyc:upload:*", count=1000))
    return stack.queued(), len(batches), len(blobs)


def _assert_problem(answer: httpx.Response, status: int, field: str | None) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        assert body.get("field") == field, body
    return body


def _bad_role() -> dict[str, Any]:
    doc = manifest(good_bundle("R-1", "r1"))
    doc["bundles"][0]["documents"][1]["role"] = "passport_photo"
    return doc


def _duplicate_reference() -> dict[str, Any]:
    return manifest(good_bundle("R-1", "r1"), good_bundle("R-1", "r2"))


CASES = [
    ("malformed JSON", b'{"bundles": [', good_files("r1"), 422, "$"),
    ("unknown role", _bad_role(), good_files("r1"), 422, "$.bundles[0].documents[1].role"),
    (
        "file not sent",
        manifest(good_bundle("R-1", "r1")),
        {k: v for k, v in good_files("r1").items() if "selfie" not in k},
        422,
        "$.bundles[0].documents[1].file",
    ),
    (
        "duplicate reference",
        _duplicate_reference(),
        {**good_files("r1"), **good_files("r2")},
        422,
        "$.bundles[1].reference",
    ),
    (
        "ambiguous submit_on",
        {**manifest(good_bundle("R-1", "r1")), "submit_on": "01/12/2026"},
        good_files("r1"),
        422,
        "$.submit_on",
    ),
    (
        "unknown policy",
        {**manifest(good_bundle("R-1", "r1")), "policy": "lenient"},
        good_files("r1"),
        422,
        "$.policy",
    ),
]


@pytest.mark.parametrize(("name", "doc", "files", "status", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_manifest_is_a_problem_naming_the_field_and_queues_nothing(
    stack: Stack, name: str, doc: Any, files: dict[str, bytes], status: int, field: str
) -> None:
    before = _queued_state(stack)
    with stack.client() as client:
        raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        _assert_problem(post_batch(client, raw, files), status, field)
    assert _queued_state(stack) == before


def test_wrong_content_type_is_415(stack: Stack) -> None:
    before = _queued_state(stack)
    with stack.client() as client:
        answer = client.post("/v1/batches", content=b'{"bundles": []}', headers={"Content-Type": "application/json"})
    _assert_problem(answer, 415, "Content-Type")
    assert _queued_state(stack) == before


@pytest.mark.parametrize("header", [None, "Bearer not-a-key", "Basic YWJjOmRlZg=="])
def test_missing_or_wrong_api_key_is_401(stack: Stack, header: str | None) -> None:
    before = _queued_state(stack)
    headers = {"Authorization": header} if header else {}
    answer = httpx.post(
        stack.api_url + "/v1/batches",
        headers=headers,
        files=multipart(manifest(good_bundle("R-1", "r1")), good_files("r1")),
    )
    _assert_problem(answer, 401, "Authorization")
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert _queued_state(stack) == before


def test_file_over_the_hard_cap_is_413_and_nothing_stays(stack: Stack) -> None:
    before = _queued_state(stack)
    files = good_files("r1")
    files["r1/id.jpg"] = b"\xff\xd8\xff" + bytes(9 * 1024 * 1024)
    with stack.client() as client:
        _assert_problem(post_batch(client, manifest(good_bundle("R-1", "r1")), files), 413, "r1/id.jpg")
    assert _queued_state(stack) == before


def test_other_tenants_batch_is_404(stack: Stack) -> None:
    with stack.client("acme") as acme, stack.client("globex") as globex:
        answer = post_batch(acme, manifest(good_bundle("T-1", "t1")), good_files("t1"))
        assert answer.status_code == 202
        batch_id = answer.json()["batch_id"]
        for path in ("", "/verdicts", "/bundles/T-1"):
            _assert_problem(globex.get(f"/v1/batches/{batch_id}{path}"), 404, "batch_id")
        _assert_problem(globex.delete(f"/v1/batches/{batch_id}"), 404, "batch_id")
        assert acme.get(f"/v1/batches/{batch_id}").status_code == 200


def test_request_over_the_hard_cap_is_413_and_nothing_stays(stack: Stack) -> None:
    before = _queued_state(stack)
    files = {f"r1/part{i}.jpg": b"\xff\xd8\xff" + bytes(7 * 1024 * 1024) for i in range(15)}  # 105 MB in all
    with stack.client() as client:
        _assert_problem(post_batch(client, manifest(good_bundle("R-1", "r1")), files), 413, None)
    assert _queued_state(stack) == before
