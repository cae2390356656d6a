"""Annotated previews through the service, over real HTTP with a real worker: kept (sealed) only when the batch
asks, served as a JPEG that no cache keeps, not to another tenant, and deleted with the batch."""

from __future__ import annotations

from typing import Any

from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import Stack


def _expired(reference: str) -> dict[str, Any]:
    bundle = good_bundle(reference, reference)
    bundle["documents"][0]["declared"]["expiry_date"] = "2020-01-01"  # DOCUMENT_EXPIRED on the ID
    return bundle


def _batch(stack: Stack, reference: str, *, previews: bool) -> str:
    doc = {**manifest(_expired(reference)), "previews": previews}
    with stack.client() as client:
        answer = post_batch(client, doc, good_files(reference))
    assert answer.status_code == 202, answer.text
    batch_id: str = answer.json()["batch_id"]
    stack.wait_done(batch_id)
    return batch_id


def test_a_preview_is_kept_only_when_asked_and_goes_with_the_batch(stack: Stack) -> None:
    asked, not_asked = _batch(stack, "PV-1", previews=True), _batch(stack, "PV-2", previews=False)
    path = "/v1/batches/{}/bundles/{}/documents/id_document/preview.jpg"
    with stack.client() as client:
        answer = client.get(path.format(asked, "PV-1"))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "image/jpeg" and answer.headers["cache-control"] == "no-store"
        assert answer.content[:2] == b"\xff\xd8"
        assert client.get(path.format(not_asked, "PV-2")).status_code == 404
        assert client.get(path.format(asked, "NO-SUCH")).status_code == 404
        with stack.client("globex") as other:
            assert other.get(path.format(asked, "PV-1")).status_code == 404  # another tenant's batch
        # Sealed at rest: the stored bytes are not a JPEG.
        stored: list[bytes] = [stack.redis.get(k) for k in stack.redis.keys(f"kyc:b:{asked}:preview:*")]  # type: ignore[misc]
        assert stored and all(value[:2] != b"\xff\xd8" for value in stored)
        assert client.delete(f"/v1/batches/{asked}").status_code == 204
        assert client.get(path.format(asked, "PV-1")).status_code == 404
    assert stack.redis.keys(f"kyc:b:{asked}:preview:*") == []
