"""What a Redis crash or a Sentinel failover can lose of a bundle's progress, and how the bundle is run anyway: a
real redis-server, the API over HTTP and a real Celery worker.

- Its message (workers/orphans.py): kombu's Redis transport takes a message with BRPOP and records it as
  unacknowledged in a second command; lost in between, nothing is left in Redis for the visibility timeout or
  the recovery of a dead worker's claims to give back. Here a batch's messages are deleted from the queue before
  any worker runs. The batch is checked anyway, each bundle once; a batch whose messages are intact beside it is
  not sent twice.
- The end of its run (workers/recovery.py, OwnRuns): a failover that loses a run's last writes (its verdict, the
  release of its claim, its acknowledgement) leaves its message unacknowledged and claimed by a live worker that
  no longer runs it. Here such a message and claim are written by hand for a live worker; its bundle is run
  again within seconds, not after the visibility timeout (ten minutes here)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.integration.heavy import assert_one_genuine_verdict_each, attempts
from tests.integration.payload import post_batch, thumbnail_batch
from tests.integration.stack import running_stack
from workers import keys, orphans
from workers.queues import batch_queue, consumed_queues
from workers.settings import get_settings

pytestmark = pytest.mark.integration

BUNDLES = 4
# Sweeps every 2 s here: a lost bundle is sent again on the second sweep that misses its message.
SWEEP_S = 2
# Two sweeps, then four thumbnail bundles of about a second each, twice; generous for a loaded 2-core machine.
DONE_WITHIN_S = 90


def test_a_bundle_whose_message_was_lost_is_sent_again(tmp_path: Path) -> None:
    with (
        running_stack(tmp_path, workers=0, extra_env={"PREFLIGHT_ORPHAN_SWEEP_S": str(SWEEP_S)}) as stack,
        stack.client() as client,
    ):
        answer = post_batch(client, *thumbnail_batch(BUNDLES))
        assert answer.status_code == 202, answer.text
        lost_id: str = answer.json()["batch_id"]
        assert stack.queued() == BUNDLES
        stack.redis.delete(*consumed_queues(get_settings().worker))
        assert stack.queued() == 0

        answer = post_batch(client, *thumbnail_batch(BUNDLES))
        assert answer.status_code == 202, answer.text
        intact_id: str = answer.json()["batch_id"]

        stack.start_worker("w0")
        stack.wait_ready()
        lost_status = stack.wait_done(lost_id, timeout_s=DONE_WITHIN_S)
        assert_one_genuine_verdict_each(stack, client, lost_id, lost_status, BUNDLES)
        intact_status = stack.wait_done(intact_id, timeout_s=DONE_WITHIN_S)
        assert_one_genuine_verdict_each(stack, client, intact_id, intact_status, BUNDLES)
        # Each lost bundle was sent again once, not on every sweep; the intact batch was never sent again.
        assert attempts(stack, lost_id) == dict.fromkeys(range(BUNDLES), 1)
        assert attempts(stack, intact_id) == dict.fromkeys(range(BUNDLES), 1)
        logs = (tmp_path / "w0.log").read_text()
        assert logs.count("its message was lost, sent again") == BUNDLES


def test_a_run_whose_end_redis_lost_is_run_again(tmp_path: Path) -> None:
    # The sweep for lost messages runs every 2 s here too: a message taken and unacknowledged is not lost, and
    # must not be sent again while it waits.
    env = {"PREFLIGHT_VISIBILITY_TIMEOUT_S": "600", "PREFLIGHT_ORPHAN_SWEEP_S": str(SWEEP_S)}
    with running_stack(tmp_path, workers=0, extra_env=env) as stack, stack.client() as client:
        answer = post_batch(client, *thumbnail_batch(BUNDLES))
        assert answer.status_code == 202, answer.text
        batch_id: str = answer.json()["batch_id"]
        # One message taken off its queue and recorded as delivered, as kombu does (kombu.transport.redis:
        # QoS.append, an entry [message, exchange, routing key] in "unacked" and its time in "unacked_index").
        queue = batch_queue("acme", get_settings().worker)
        raw = stack.redis.rpop(queue)
        assert isinstance(raw, bytes)
        bundle = orphans.bundle_of(raw)
        assert bundle is not None and bundle[0] == batch_id
        tag = json.loads(raw)["properties"]["delivery_tag"]
        stack.redis.hset(orphans.UNACKED_KEY, tag, json.dumps([json.loads(raw), queue, queue]))
        stack.redis.zadd("unacked_index", {tag: time.time()})

        stack.start_worker("w0")
        stack.wait_ready()
        [heartbeat] = [key.decode() for key in stack.redis.scan_iter(match=keys.WORKER_HEARTBEAT_PATTERN)]
        hostname = heartbeat.removeprefix(keys.worker_heartbeat(""))
        # Claimed by the live worker in its present life, as a run whose end Redis lost leaves it.
        claim = {"worker": hostname, "bundle": f"{batch_id}:{bundle[1]}", "at": time.time()}
        stack.redis.hset(keys.RUNNING, tag, json.dumps(claim))

        # Two looks of the heartbeat (5 s apart), then a thumbnail bundle; not the visibility timeout (600 s).
        status = stack.wait_done(batch_id, timeout_s=60)
        assert_one_genuine_verdict_each(stack, client, batch_id, status, BUNDLES)
        assert attempts(stack, batch_id) == dict.fromkeys(range(BUNDLES), 1)
        logs = (tmp_path / "w0.log").read_text()
        assert "recovered a bundle of a lost run" in logs
        assert "its message was lost" not in logs
