"""One tenant's large batch does not hold up another tenant (issue #16, "Fairness"; workers/queues.py): an inline
check is taken next, not after the batch, and two tenants' batches advance in turn. One worker process, so that
the order in which bundles are taken is the order in which they finish. The assertions are about that order,
not about seconds: with one FIFO queue (before), every bundle of the first batch finished before the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.payload import good_bundle, good_files, manifest, multipart, post_batch
from tests.integration.stack import Stack, running_stack
from workers.queues import INLINE_QUEUE, batch_queue
from workers.settings import get_settings

pytestmark = pytest.mark.integration

LARGE = 12
# Longer than any bundle takes here, shorter than the HTTP client's 60 s timeout: the inline answer is a verdict
# when the check is taken within a few bundles, and a 202 when it waits behind the whole batch (LARGE bundles).
INLINE_WAIT_S = "50"


def _files(prefix: str, count: int) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for n in range(count):
        files |= good_files(f"{prefix}{n}", seed=n)
    return files


def _post_large_batch(stack: Stack, tenant: str) -> str:
    doc = manifest(*(good_bundle(f"L-{n}", f"l{n}") for n in range(LARGE)))
    with stack.client(tenant) as client:
        answer = post_batch(client, doc, _files("l", LARGE))
    assert answer.status_code == 202, answer.text
    batch_id: str = answer.json()["batch_id"]
    return batch_id


def _done(stack: Stack, tenant: str, batch_id: str) -> int:
    with stack.client(tenant) as client:
        status: dict[str, Any] = client.get(f"/v1/batches/{batch_id}").json()
    return int(status["counts"]["done"])


def _one_worker_stack(tmp_path: Path) -> Any:
    return running_stack(tmp_path, workers=0, extra_env={"PREFLIGHT_INLINE_WAIT_S": INLINE_WAIT_S})


def test_tenants_use_different_queues() -> None:
    settings = get_settings().worker
    assert batch_queue("acme", settings) != batch_queue("globex", settings)  # else the tests below prove nothing
    assert INLINE_QUEUE not in {batch_queue(t, settings) for t in ("acme", "globex")}


def test_inline_check_is_taken_before_another_tenants_batch(tmp_path: Path) -> None:
    with _one_worker_stack(tmp_path) as stack:
        stack.start_worker("w0", concurrency=1)
        stack.wait_ready()
        large = _post_large_batch(stack, "acme")
        with stack.client("globex") as client:
            inline = client.post("/v1/check", files=multipart(manifest(good_bundle("I-1", "i")), good_files("i")))
        large_done = _done(stack, "acme", large)
        assert inline.status_code == 200, f"inline check not answered within its wait: {inline.status_code}"
        assert inline.json()["reference"] == "I-1"
        # Taken after the bundle running when it arrived (and at most one more that started meanwhile).
        assert large_done <= 3, f"{large_done} of {LARGE} bundles of the other tenant's batch ran first"


def test_two_tenants_batches_advance_in_turn(tmp_path: Path) -> None:
    with _one_worker_stack(tmp_path) as stack:
        stack.start_worker("w0", concurrency=1)
        stack.wait_ready()
        large = _post_large_batch(stack, "acme")
        small_doc = manifest(good_bundle("S-0", "s0"), good_bundle("S-1", "s1"))
        with stack.client("globex") as client:
            small = post_batch(client, small_doc, _files("s", 2)).json()["batch_id"]
        stack.wait_done(small, tenant="globex", timeout_s=200)
        large_done = _done(stack, "acme", large)
        # In turn: S-0 after the running L bundle, then one L, then S-1 (a bundle or two of slack for the timing
        # of the submission against the first bundle taken).
        assert large_done <= 4, f"{large_done} of {LARGE} bundles of the large batch ran before the small batch"


def test_queue_names_are_what_workers_consume() -> None:
    # A message sent to a queue no worker consumes would never run: every queue the API can choose is consumed.
    from workers.celery_app import app

    consumed = set(app.amqp.queues)
    settings = get_settings().worker
    tenants = [f"tenant-{n}" for n in range(50)]
    assert {INLINE_QUEUE, *(batch_queue(t, settings) for t in tenants)} <= consumed
    assert settings.queue in consumed  # messages queued before the split are still taken
