"""Redis without a single point of failure (issue #16): the API and a worker reach Redis through three sentinels
(REDIS_URL sentinel://...). The primary is killed with kill -9 in the middle of a batch; the sentinels promote the
replica, and the batch finishes on it: every bundle gets exactly one genuine verdict, counted once, none left
pending, and the same API process answers normally, without a restart, even once a sentinel has died too."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.heavy import assert_one_genuine_verdict_each, attempts, post_thumbnails_and_wait_for_verdicts
from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.sentinels import sentinel_topology
from tests.integration.stack import running_stack

pytestmark = pytest.mark.integration

# As in test_redis_outage: thumbnails checked in about a second each, so at two worker processes the batch is
# still running ~10 s after its first verdicts, well past the moment the primary is killed.
BUNDLES = 20
# The sentinels need down-after (1 s here) + an election + a promotion: 2-3 s on loopback; generous for a loaded
# machine.
PROMOTED_WITHIN_S = 30
# The batch finished about 20 s after the kill on a 2-core machine (docs/operations.md); ample margin.
DONE_WITHIN_S = 120


def test_primary_killed_mid_batch_every_bundle_still_gets_one_verdict(tmp_path: Path) -> None:
    started = time.monotonic()
    (tmp_path / "stack").mkdir()
    with (
        sentinel_topology(tmp_path / "redis") as nodes,
        running_stack(
            tmp_path / "stack",
            workers=1,
            redis_url=nodes.url,
            extra_env={**nodes.env, "PREFLIGHT_WORKER_CONCURRENCY": "2"},
        ) as stack,
        stack.client() as client,
    ):
        batch_id, done_before = post_thumbnails_and_wait_for_verdicts(client, BUNDLES)
        killed = time.monotonic()
        nodes.kill_primary()
        nodes.wait_for_promotion(timeout_s=PROMOTED_WITHIN_S)
        promoted_s = time.monotonic() - killed
        status = stack.wait_done(batch_id, timeout_s=DONE_WITHIN_S)
        finished_s = time.monotonic() - killed
        items = assert_one_genuine_verdict_each(stack, client, batch_id, status, BUNDLES)

        # The same API process answers normally on the new primary: reads, readiness, a new batch; even with the
        # first sentinel of REDIS_URL gone too (the one that carries the password in it).
        nodes.kill_sentinel(0)
        assert client.get("/readyz").status_code == 200
        for _ in range(20):  # and keeps answering: no connection to the dead primary is left in its pool
            assert client.get(f"/v1/batches/{batch_id}").status_code == 200
        after = post_batch(client, manifest(good_bundle("R-AFTER", "a")), good_files("a"))
        assert after.status_code == 202, after.text
        assert stack.wait_done(after.json()["batch_id"], timeout_s=DONE_WITHIN_S)["counts"]["done"] == 1

        # workers/recovery.py gives a lost worker's messages back with kombu's restore_by_tag: on the Sentinel
        # transport too, against the new primary.
        probe = "from tests.integration.sentinels import broker_restore_probe; broker_restore_probe()"
        # 60 s: a Python start importing Celery and the app, then two round trips through the sentinels.
        restored = subprocess.run([sys.executable, "-c", probe], env=stack.env, capture_output=True, timeout=60)
        assert restored.returncode == 0, restored.stderr.decode()[-3000:]

        print(
            f"\nsentinel failover: {done_before}/{BUNDLES} verdicts before the kill, replica promoted "
            f"{promoted_s:.1f} s after it, batch done {finished_s:.1f} s after it; {len(items)} verdicts, "
            f"{sum(1 for n in attempts(stack, batch_id).values() if n > 1)} bundles started twice, "
            f"test {time.monotonic() - started:.0f} s"
        )
