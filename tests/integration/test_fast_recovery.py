"""A whole worker killed mid-bundle (kill -9 of its process group) has its bundles running again on a live worker
within seconds, not after the broker's visibility timeout (issue #16, "Fast recovery"; workers/recovery.py): the
visibility timeout here is ten minutes, so it cannot be what brings them back. Every bundle still gets exactly one
verdict, counted once, and the recovered bundles are started once more, not twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.integration.heavy import attempts as _attempts
from tests.integration.heavy import heavy_batch, post_and_wait_for_verdicts
from tests.integration.payload import post_batch
from tests.integration.stack import Stack, descendants, process_state, running_stack, wait_until
from workers import keys
from workers.heartbeat import HEARTBEAT_TTL_S

pytestmark = pytest.mark.integration

# Enough work that the batch is still running when the victim is frozen, a heartbeat TTL (~17 s) after the
# survivor started: a heavy bundle takes 1-3 s on a worker process, and 16 bundles between two workers were
# sometimes all checked by then on a quiet machine (fresh-clone run of 2026-12-06: nothing left to freeze).
BUNDLES = 40
# The design brings a dead worker's bundles back within ~20 s (heartbeat TTL 15 s + one 5 s look) plus the time
# the survivor needs to finish the bundle it is checking; generous for a loaded 2-core machine.
RESTARTED_WITHIN_S = 45


def _claimed_without_verdict(stack: Stack, batch_id: str, worker: str) -> set[int]:
    """Bundles of `batch_id` that `worker` has claimed (workers/recovery.py) and that have no verdict yet."""
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    references: list[str] = client.lrange(keys.refs(batch_id), 0, -1)  # type: ignore[assignment]
    judged = set(client.hkeys(keys.verdicts(batch_id)))
    found: set[int] = set()
    for value in client.hvals(keys.RUNNING):
        claim = json.loads(value)
        claimed_batch, _, index = claim["bundle"].rpartition(":")
        mine = claim["worker"].startswith(f"{worker}@") and claimed_batch == batch_id
        if mine and references[int(index)] not in judged:
            found.add(int(index))
    return found


def _freeze_mid_bundle(
    stack: Stack, worker: subprocess.Popen[bytes], name: str, batch_id: str
) -> tuple[set[int], float]:
    """SIGSTOP the worker's process group; if it is between two bundles, SIGCONT and try again. Returns the
    bundles it is checking (claimed, no verdict; Redis cannot change under the frozen worker) and when it was
    frozen (time.monotonic: it stopped writing its heartbeat then)."""
    frozen_at = 0.0

    def frozen_in_progress() -> set[int]:
        nonlocal frozen_at
        frozen_at = time.monotonic()
        os.killpg(worker.pid, signal.SIGSTOP)
        group = {worker.pid, *descendants(worker.pid)}
        wait_until(lambda: all(process_state(p) in ("T", "") for p in group), what="the worker to stop")
        stack.redis.ping()  # a round trip: whatever the worker sent before it stopped has been executed
        in_progress = _claimed_without_verdict(stack, batch_id, name)
        if not in_progress:
            os.killpg(worker.pid, signal.SIGCONT)
        return in_progress

    in_progress = wait_until(
        frozen_in_progress, timeout_s=120, what="the worker to be frozen in the middle of a bundle"
    )
    return in_progress, frozen_at


def test_dead_worker_bundles_run_again_within_seconds(tmp_path: Path) -> None:
    env = {"PREFLIGHT_VISIBILITY_TIMEOUT_S": "600", "PREFLIGHT_WORKER_CONCURRENCY": "1"}
    with running_stack(tmp_path, workers=0, extra_env=env) as stack:
        victim = stack.start_worker("victim", concurrency=1)
        stack.start_worker("survivor", concurrency=1)
        survivor_started = time.monotonic()
        stack.wait_ready()
        with stack.client() as client:
            batch_id = post_and_wait_for_verdicts(client, BUNDLES, seed=0, verdicts=2)
            # A worker judges its peers only once Redis has answered it for a whole heartbeat TTL
            # (workers/heartbeat.py): let the survivor get there before the kill, as a worker of a running
            # deployment has.
            time.sleep(max(0.0, survivor_started + HEARTBEAT_TTL_S + 2 - time.monotonic()))
            interrupted, frozen_at = _freeze_mid_bundle(stack, victim, "victim", batch_id)
            attempts_at_kill = _attempts(stack, batch_id)
            os.killpg(victim.pid, signal.SIGKILL)  # the main process and its pool child, no goodbye
            killed_at = time.monotonic()
            victim.wait()

            def restarted() -> bool:
                attempts = _attempts(stack, batch_id)
                return all(attempts.get(i, 0) > attempts_at_kill.get(i, 0) for i in interrupted)

            wait_until(restarted, timeout_s=120, what="the interrupted bundles to be started again")
            restarted_after_s = time.monotonic() - killed_at
            print(
                f"interrupted bundles {sorted(interrupted)} started again {restarted_after_s:.1f} s after the kill, "
                f"{killed_at - frozen_at + restarted_after_s:.1f} s after the worker was frozen"
            )
            status = stack.wait_done(batch_id, timeout_s=240)
            items = client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 1000}).json()["items"]
        assert restarted_after_s < RESTARTED_WITHIN_S, restarted_after_s
        attempts = _attempts(stack, batch_id)
        record = stack.batch_record(batch_id)
        counted = sum(int(v) for k, v in record.items() if k.startswith("count:"))
        # Started once more, by the survivor (the only live worker), and checked for real this time (an error
        # verdict, as after too many attempts, describes no documents). (A worker frozen between its claim and its
        # count of the attempt had not counted it yet.)
        once_more = all(attempts[i] == attempts_at_kill.get(i, 0) + 1 <= 2 for i in interrupted)
        assert once_more, (interrupted, attempts_at_kill, attempts)
        by_reference = {v["reference"]: v for v in items}
        assert all(len(by_reference[f"K-{i}"]["documents"]) == 3 for i in interrupted)
        # Counted once: one verdict per bundle, each counted in exactly one verdict count.
        assert sorted(v["reference"] for v in items) == sorted(f"K-{i}" for i in range(BUNDLES))
        assert stack.redis.hlen(keys.verdicts(batch_id)) == BUNDLES
        assert status["counts"] == {"total": BUNDLES, "done": BUNDLES, "pending": 0}
        assert counted == BUNDLES
        assert sorted(attempts) == list(range(BUNDLES))
        assert all(n == 1 for i, n in attempts.items() if i not in interrupted), attempts
        # Every claim was released (the survivor's, once its run ends: just after the last verdict) or taken.
        wait_until(lambda: stack.redis.hlen(keys.RUNNING) == 0, timeout_s=30, what="every claim to be released")


def test_worker_restarted_under_its_name_gives_back_its_earlier_bundles(tmp_path: Path) -> None:
    """A worker started again with the hostname of one that died (a restarted container) gives back the bundles
    its earlier life had claimed at its first look, without waiting for its heartbeat to expire."""
    env = {"PREFLIGHT_VISIBILITY_TIMEOUT_S": "600", "PREFLIGHT_WORKER_CONCURRENCY": "1"}
    with running_stack(tmp_path, workers=0, extra_env=env) as stack:
        victim = stack.start_worker("w0", concurrency=1)
        stack.wait_ready()
        bundles = 6
        doc, files = heavy_batch(bundles, seed=1)
        with stack.client() as client:
            batch_id = post_batch(client, doc, files).json()["batch_id"]
            interrupted, _ = _freeze_mid_bundle(stack, victim, "w0", batch_id)
            attempts_at_kill = _attempts(stack, batch_id)
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait()
            stack.start_worker("w0", concurrency=1)  # the same hostname, w0@host
            status = stack.wait_done(batch_id, timeout_s=240)
        attempts = _attempts(stack, batch_id)
        assert all(attempts[i] == attempts_at_kill.get(i, 0) + 1 for i in interrupted), (interrupted, attempts)
        assert status["counts"] == {"total": bundles, "done": bundles, "pending": 0}
        assert stack.redis.hlen(keys.verdicts(batch_id)) == bundles
        wait_until(lambda: stack.redis.hlen(keys.RUNNING) == 0, timeout_s=30, what="every claim to be released")
