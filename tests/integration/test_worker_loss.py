"""A worker killed mid-bundle (kill -9 of the whole worker) loses nothing: a new worker checks that bundle again
and finishes the batch, and every bundle gets exactly one verdict, counted once (ARCHITECTURE section 2, Celery
issues #4976, #7651)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
import redis

from tests.integration.heavy import attempts as _attempts
from tests.integration.heavy import post_and_wait_for_verdicts
from tests.integration.stack import Stack, descendants, process_state, running_stack, wait_until
from workers import keys

pytestmark = pytest.mark.integration

BUNDLES = 24


def _started_without_verdict(stack: Stack, batch_id: str) -> set[int]:
    """Indexes of the bundles a worker has started (workers.tasks counts each start) but not given a verdict."""
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    references: list[str] = client.lrange(keys.refs(batch_id), 0, -1)  # type: ignore[assignment]
    judged: list[str] = client.hkeys(keys.verdicts(batch_id))  # type: ignore[assignment]
    started: list[str] = client.hkeys(keys.attempts(batch_id))  # type: ignore[assignment]
    return {int(i) for i in started if references[int(i)] not in judged}


def _freeze_mid_bundle(stack: Stack, worker: subprocess.Popen[bytes], batch_id: str) -> set[int]:
    """Stop (SIGSTOP) the worker and its pool; if it is between two bundles, let it go on (SIGCONT) and try again.
    Returns the bundles in progress in the frozen worker: Redis cannot change under the check, so a bundle found
    in progress is still in progress when the worker is then killed."""

    def frozen_in_progress() -> set[int]:
        os.killpg(worker.pid, signal.SIGSTOP)
        group = {worker.pid, *descendants(worker.pid)}
        wait_until(lambda: all(process_state(p) in ("T", "") for p in group), what="the worker to stop")
        stack.redis.ping()  # a round trip: whatever the worker sent before it stopped has been executed
        in_progress = _started_without_verdict(stack, batch_id)
        if not in_progress:
            os.killpg(worker.pid, signal.SIGCONT)
        return in_progress

    return wait_until(frozen_in_progress, timeout_s=120, what="the worker to be frozen in the middle of a bundle")


def test_killed_worker_bundles_are_redelivered_and_counted_once(tmp_path: Path) -> None:
    # Visibility timeout of a few seconds so that the lost message comes back within the test.
    env = {"PREFLIGHT_VISIBILITY_TIMEOUT_S": "4", "PREFLIGHT_WORKER_CONCURRENCY": "1"}
    with running_stack(tmp_path, workers=0, extra_env=env) as stack:
        victim = stack.start_worker("w0", concurrency=1)  # start_worker's --concurrency overrides the env
        stack.wait_ready()
        with stack.client() as client:
            batch_id = post_and_wait_for_verdicts(client, BUNDLES, seed=0, verdicts=2)
            _freeze_mid_bundle(stack, victim, batch_id)
            os.killpg(victim.pid, signal.SIGKILL)  # the main process and its pool children, no goodbye
            victim.wait()
            interrupted = _started_without_verdict(stack, batch_id)  # read with the worker dead: final
            assert interrupted, "no bundle was in progress at the kill: the test would prove nothing"
            # A bundle running longer than the visibility timeout may have been started twice already.
            attempts_at_kill = _attempts(stack, batch_id)
            done_at_kill = client.get(f"/v1/batches/{batch_id}").json()["counts"]["done"]
            assert done_at_kill < BUNDLES
            stack.start_worker("replacement", concurrency=1)
            status = stack.wait_done(batch_id, timeout_s=240)
            items = client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 1000}).json()["items"]
        attempts = _attempts(stack, batch_id)
        record = stack.batch_record(batch_id)
        counted = sum(int(v) for k, v in record.items() if k.startswith("count:"))
        # Redelivered: each bundle interrupted by the kill was started again after it, and this time checked for
        # real (an error verdict, as after too many attempts, describes no documents).
        assert all(attempts[i] > attempts_at_kill[i] >= 1 for i in interrupted), (interrupted, attempts)
        assert max(attempts.values()) >= 2
        by_reference = {v["reference"]: v for v in items}
        assert all(len(by_reference[f"K-{i}"]["documents"]) == 3 for i in interrupted)
        # Counted once: one verdict per bundle, each counted in exactly one verdict count.
        assert sorted(v["reference"] for v in items) == sorted(f"K-{i}" for i in range(BUNDLES))
        assert stack.redis.hlen(keys.verdicts(batch_id)) == BUNDLES
        assert status["counts"] == {"total": BUNDLES, "done": BUNDLES, "pending": 0}
        assert counted == BUNDLES
        assert sorted(attempts) == list(range(BUNDLES))  # every bundle was started (none skipped)
        assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}:blob*")) == []
