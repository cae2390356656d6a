"""The happy paths over real HTTP, Redis and a Celery worker: submit, poll, read, delete."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.payload import good_bundle, good_files, manifest, multipart, post_batch, zip_body
from tests.integration.stack import Stack, running_stack, wait_until

pytestmark = pytest.mark.integration


def test_submit_poll_and_read_verdicts_in_every_format(stack: Stack) -> None:
    bundles = [good_bundle(f"F-{i}", f"f{i}") for i in range(5)]
    files = {k: v for i in range(5) for k, v in good_files(f"f{i}", seed=i).items()}
    with stack.client() as client:
        answer = post_batch(client, manifest(*bundles), files)
        assert answer.status_code == 202
        batch_id = answer.json()["batch_id"]
        assert answer.headers["location"] == f"/v1/batches/{batch_id}"
        status = stack.wait_done(batch_id)
        assert status["counts"] == {"total": 5, "done": 5, "pending": 0}
        page = client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 2}).json()
        assert [v["reference"] for v in page["items"]] == ["F-0", "F-1"]
        assert page["total"] == 5 and page["next"].endswith("offset=2&limit=2")
        lines = client.get(f"/v1/batches/{batch_id}/verdicts", params={"format": "ndjson"}).text.splitlines()
        assert [json.loads(line)["reference"] for line in lines] == [f"F-{i}" for i in range(5)]
        rows = list(csv.DictReader(io.StringIO(client.get(f"/v1/batches/{batch_id}/verdicts?format=csv").text)))
        assert [r["reference"] for r in rows] == [f"F-{i}" for i in range(5)]
        one = client.get(f"/v1/batches/{batch_id}/bundles/F-3").json()
        assert one["reference"] == "F-3" and one["batch_id"] == batch_id
        id_doc = next(d for d in one["documents"] if d["role"] == "id_document")
        assert id_doc["fields"]["document_number"] == "*****02C3"  # masked: last four only
        assert client.get(f"/v1/batches/{batch_id}/bundles/NOPE").status_code == 404


def test_idempotency_key_returns_the_first_batch(stack: Stack) -> None:
    doc, files = manifest(good_bundle("I-1", "i1")), good_files("i1")
    with stack.client() as client:
        first = post_batch(client, doc, files, headers={"Idempotency-Key": "retry-123"})
        second = post_batch(client, doc, files, headers={"Idempotency-Key": "retry-123"})
        third = post_batch(client, doc, files, headers={"Idempotency-Key": "another"})
    assert first.status_code == second.status_code == 202
    assert first.json()["batch_id"] == second.json()["batch_id"] != third.json()["batch_id"]


def test_zip_submission(stack: Stack) -> None:
    doc, files = manifest(good_bundle("Z-1", "z1")), good_files("z1")
    with stack.client() as client:
        answer = client.post("/v1/batches", content=zip_body(doc, files), headers={"Content-Type": "application/zip"})
        assert answer.status_code == 202, answer.text
        stack.wait_done(answer.json()["batch_id"])
        verdict = client.get(f"/v1/batches/{answer.json()['batch_id']}/bundles/Z-1").json()
    assert sorted(d["filename"] for d in verdict["documents"]) == sorted(files)


def test_inline_check_answers_with_the_verdict(stack: Stack) -> None:
    with stack.client() as client:
        answer = client.post("/v1/check", files=multipart(manifest(good_bundle("C-1", "c1")), good_files("c1")))
    assert answer.status_code == 200, answer.text
    assert answer.json()["reference"] == "C-1" and answer.json()["verdict"] in (
        "ready",
        "review",
        "fix_required",
    )


def test_inline_check_answers_202_with_links_when_the_verdict_is_late(tmp_path: Path) -> None:
    # No worker until the answer is in, and no inline wait: the verdict is late whatever the machine's speed.
    no_wait = {"PREFLIGHT_INLINE_WAIT_S": "0"}
    with running_stack(tmp_path, workers=0, extra_env=no_wait) as late, late.client() as client:
        answer = client.post("/v1/check", files=multipart(manifest(good_bundle("L-1", "l1")), good_files("l1")))
        assert answer.status_code == 202, answer.text
        body = answer.json()
        batch_id = body["batch_id"]
        assert body["bundles"] == 1 and body["state"] == "queued"
        bundle_link = f"/v1/batches/{batch_id}/bundles/L-1"
        assert answer.headers["location"] == body["links"]["bundle"] == bundle_link
        assert body["links"]["status"] == f"/v1/batches/{batch_id}"
        status = client.get(body["links"]["status"])
        assert status.status_code == 200, status.text
        assert status.json()["counts"] == {"total": 1, "done": 0, "pending": 1}
        listed = client.get(body["links"]["verdicts"])
        assert listed.status_code == 200 and listed.json()["total"] == 1 and listed.json()["items"] == []
        pending = client.get(bundle_link)
        assert pending.status_code == 202
        assert pending.json() == {"batch_id": batch_id, "reference": "L-1", "state": "pending"}

        late.start_worker("late-worker")

        def served() -> dict[str, Any] | None:
            found = client.get(bundle_link)
            return found.json() if found.status_code == 200 else None

        verdict = wait_until(served, timeout_s=120, what="the verdict at the bundle link")
        assert verdict["reference"] == "L-1" and verdict["batch_id"] == batch_id
        assert verdict["verdict"] in ("ready", "review", "fix_required")
        assert client.get(body["links"]["status"]).json()["state"] == "done"
        assert client.get(body["links"]["verdicts"]).json()["items"] == [verdict]


def test_inline_check_takes_exactly_one_bundle_and_queues_nothing_when_refused(tmp_path: Path) -> None:
    # No worker: a task queued by mistake would stay in the queue for the assertion to see.
    doc = manifest(good_bundle("C-1", "c1"), good_bundle("C-2", "c2"))
    with running_stack(tmp_path, workers=0) as idle, idle.client() as client:
        answer = client.post("/v1/check", files=multipart(doc, {**good_files("c1"), **good_files("c2")}))
        assert answer.status_code == 422 and answer.json()["field"] == "$.bundles", answer.text
        assert idle.queued() == 0
        assert list(idle.redis.scan_iter(match="kyc:*")) == []


def test_delete_removes_files_and_verdicts(stack: Stack) -> None:
    with stack.client() as client:
        batch_id = post_batch(client, manifest(good_bundle("D-1", "d1")), good_files("d1")).json()["batch_id"]
        stack.wait_done(batch_id)
        assert client.delete(f"/v1/batches/{batch_id}").status_code == 204
        assert client.get(f"/v1/batches/{batch_id}").status_code == 404
    assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}*")) == []


def test_readyz_reports_the_worker(stack: Stack) -> None:
    import httpx

    body = httpx.get(stack.api_url + "/readyz").json()
    assert body == {"status": "ready", "redis": True, "workers": 1}


def test_logs_hold_no_personal_data(stack: Stack) -> None:
    with stack.client() as client:
        batch_id = post_batch(client, manifest(good_bundle("P-1", "p1")), good_files("p1")).json()["batch_id"]
        stack.wait_done(batch_id)
    logs = "".join(path.read_text(errors="replace") for path in stack.data_dir.glob("*.log"))
    assert "kyc.check_bundle" in logs  # the worker did log its task: we are reading the right files
    for personal in ("Eriksson", "ERIKSSON", "L898902C3", "1974-08-12", "Harbour Road"):
        assert personal not in logs
