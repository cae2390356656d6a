"""A worker killed mid-batch (kill -9 of the whole worker) loses nothing: a new worker finishes the batch and
every bundle gets exactly one verdict, counted once (ARCHITECTURE section 2, Celery issues #4976, #7651)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures.documents import encode_jpeg, render_id_card
from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import running_stack, wait_until

pytestmark = pytest.mark.integration

BUNDLES = 24


def _heavy_id(seed: int) -> bytes:
    """A camera-sized ID photo so that each bundle takes a noticeable time to check."""
    rng = np.random.default_rng(seed)
    card = render_id_card(seed=seed, width=3000)
    noisy = np.clip(card.astype(np.int16) + rng.normal(0, 6, card.shape), 0, 255).astype(np.uint8)
    return encode_jpeg(noisy, quality=90)


def test_killed_worker_bundles_are_redelivered_and_counted_once(tmp_path: Path) -> None:
    # Visibility timeout of a few seconds so that the lost message comes back within the test.
    env = {"PREFLIGHT_VISIBILITY_TIMEOUT_S": "4", "PREFLIGHT_WORKER_CONCURRENCY": "1"}
    with running_stack(tmp_path, workers=1, extra_env=env) as stack:
        heavy = _heavy_id(0)
        files: dict[str, bytes] = {}
        for i in range(BUNDLES):
            files.update(good_files(f"k{i}"))
            files[f"k{i}/id.jpg"] = heavy
        doc = manifest(*(good_bundle(f"K-{i}", f"k{i}") for i in range(BUNDLES)))
        with stack.client() as client:
            batch_id = post_batch(client, doc, files).json()["batch_id"]
            wait_until(
                lambda: client.get(f"/v1/batches/{batch_id}").json()["counts"]["done"] >= 2,
                timeout_s=120,
                what="two verdicts",
            )
            victim = stack.workers[0]
            os.killpg(victim.pid, signal.SIGKILL)  # the main process and its pool children, no goodbye
            victim.wait()
            done_at_kill = client.get(f"/v1/batches/{batch_id}").json()["counts"]["done"]
            assert done_at_kill < BUNDLES, "the worker finished before it was killed: the test proved nothing"
            stack.start_worker("replacement", concurrency=1)
            status = stack.wait_done(batch_id, timeout_s=240)
            references = {
                v["reference"]
                for v in (client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 1000}).json()["items"])
            }
        record = stack.batch_record(batch_id)
        counted = sum(int(v) for k, v in record.items() if k.startswith("count:"))
        assert references == {f"K-{i}" for i in range(BUNDLES)}
        assert status["counts"] == {"total": BUNDLES, "done": BUNDLES, "pending": 0}
        assert counted == BUNDLES  # nothing counted twice
        assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}:blob*")) == []
