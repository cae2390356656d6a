"""Applicant history over real HTTP, a real Redis and a real Celery worker: each verdict carries its attempt
number and what changed since the applicant's previous attempt; a third attempt that is still not ready warns
plainly; the attempts are listed per tenant; a bundle recorded twice is one attempt."""

from __future__ import annotations

from typing import Any

import msgspec

from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import Stack
from workers import history
from workers.checks.model import BundleVerdict

REFERENCE = "UID-HIST-1"


def _without_bill(reference: str, prefix: str) -> dict[str, Any]:
    bundle = good_bundle(reference, prefix)
    bundle["documents"] = [d for d in bundle["documents"] if d["role"] != "proof_of_address"]
    return bundle


def _checked(stack: Stack, bundle: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    with stack.client() as client:
        answer = post_batch(client, manifest(bundle), files)
        assert answer.status_code == 202, answer.text
        batch_id = answer.json()["batch_id"]
        stack.wait_done(batch_id)
        verdict: dict[str, Any] = client.get(f"/v1/batches/{batch_id}/bundles/{bundle['reference']}").json()
    return verdict


def test_attempts_are_numbered_and_compared(stack: Stack) -> None:
    files = good_files("hist", seed=1)
    partial = {k: v for k, v in files.items() if not k.endswith("bill.jpg")}
    first, second, third = (_checked(stack, _without_bill(REFERENCE, "hist"), partial) for _ in range(3))
    fourth = _checked(stack, good_bundle(REFERENCE, "hist"), files)

    assert [v["attempt"] for v in (first, second, third, fourth)] == [1, 2, 3, 4]
    assert first["changes"] is None and first["lockout_warning"] is None
    assert second["changes"]["still_failing"] and "BUNDLE_ROLE_MISSING" in second["changes"]["still_failing"]
    assert second["lockout_warning"] is None  # one earlier attempt that was not ready: no warning yet
    assert third["verdict"] != "ready" and "2 earlier preflight attempts" in third["lockout_warning"]
    assert "BUNDLE_ROLE_MISSING" in fourth["changes"]["fixed"]
    assert "BUNDLE_ROLE_MISSING" not in fourth["changes"]["still_failing"] + fourth["changes"]["new"]

    with stack.client() as client:
        listed = client.get(f"/v1/applicants/{REFERENCE}/attempts").json()
        assert client.get("/v1/applicants/UID-NEVER-SEEN/attempts").status_code == 404
    with stack.client("globex") as other:
        assert other.get(f"/v1/applicants/{REFERENCE}/attempts").status_code == 404  # another tenant's
    assert [a["attempt"] for a in listed["attempts"]] == [1, 2, 3, 4]
    assert [a["verdict"] for a in listed["attempts"]] == [v["verdict"] for v in (first, second, third, fourth)]
    assert listed["attempts"][0]["codes"]["BUNDLE_ROLE_MISSING"] == "fail"
    assert "BUNDLE_ROLE_MISSING" not in listed["attempts"][3]["codes"]
    # Codes and statuses only: nothing of the profile or the documents is kept in the history.
    assert "Anna" not in str(listed) and "Harbour" not in str(listed)


def test_a_bundle_recorded_twice_is_one_attempt(stack: Stack) -> None:
    files = {k: v for k, v in good_files("hist2").items() if not k.endswith("bill.jpg")}
    verdict = msgspec.convert(_checked(stack, _without_bill("UID-HIST-2", "hist2"), files), BundleVerdict)
    assert verdict.attempt == 1
    again = history.record_attempt(stack.redis, "acme", verdict.batch_id or "", 0, verdict, 600)
    other = history.record_attempt(stack.redis, "acme", "b_other", 0, verdict, 600)
    assert again.attempt == 1 and other.attempt == 2
    assert len(stack.redis.lrange(history.attempts_key("acme", "UID-HIST-2"), 0, -1)) == 2
