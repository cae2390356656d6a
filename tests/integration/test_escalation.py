"""The escalation packet of a checked bundle, over real HTTP with a real Redis and Celery worker: the ticket
subject, each file's SHA-256, size and pixels as received, the timestamps and the checklist; JSON and Markdown."""

from __future__ import annotations

import hashlib

from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import Stack


def test_escalation_packet_of_a_checked_bundle(stack: Stack) -> None:
    files = good_files("esc", seed=3)
    with stack.client() as client:
        answer = post_batch(client, manifest(good_bundle("UID-4711", "esc")), files)
        assert answer.status_code == 202, answer.text
        batch_id = answer.json()["batch_id"]
        stack.wait_done(batch_id)
        url = f"/v1/batches/{batch_id}/bundles/UID-4711/escalation"
        packet = client.get(url).json()
        verdict = client.get(f"/v1/batches/{batch_id}/bundles/UID-4711").json()
        markdown = client.get(url, params={"format": "md"})
        assert client.get(f"/v1/batches/{batch_id}/bundles/NOPE/escalation").status_code == 404
    with stack.client("globex") as other:
        assert other.get(url).status_code == 404  # another tenant's batch is not found
    assert packet["subject"] == "Urgent: Account Locked After KYC Submission \u2013 UID UID-4711"
    assert packet["verdict"] == verdict["verdict"] and packet["checked_at"] == verdict["checked_at"]
    assert packet["received_at"] and packet["received_at"] <= packet["checked_at"]
    sent = {name: (hashlib.sha256(data).hexdigest(), len(data)) for name, data in files.items()}
    assert {f["filename"]: (f["sha256"], f["size_bytes"]) for f in packet["files"]} == sent
    assert all(f["width"] and f["height"] for f in packet["files"])
    not_passed = [(f["code"], f["status"]) for f in verdict["findings"] if f["status"] != "pass"]
    assert sorted((f["code"], f["status"]) for f in packet["findings"]) == sorted(not_passed)
    assert any("Tier-2" in item for item in packet["checklist"])
    assert packet["attempt"] == verdict["attempt"] == 1 and packet["changes"] is None
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    body = markdown.text
    assert body.startswith(f"# {packet['subject']}\n")
    assert all(f["sha256"] in body for f in packet["files"]) and "Tier-2" in body
    assert "This is preflight attempt 1 for this applicant." in body
