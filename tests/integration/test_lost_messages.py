"""A pending bundle whose broker message was lost is sent again (workers/orphans.py): a real redis-server, the API
and a real Celery worker. The messages of a posted batch are deleted from the queue before any worker runs, which
is what kombu's Redis transport leaves behind when Redis dies (or a failover loses the last writes) between its
BRPOP and its record of the message as unacknowledged: nothing left in Redis for the visibility timeout or the
recovery of a dead worker's claims to give back. The batch is checked anyway, each bundle once; a batch whose
messages are intact beside it is not sent twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.heavy import assert_one_genuine_verdict_each, attempts
from tests.integration.payload import post_batch, thumbnail_batch
from tests.integration.stack import running_stack
from workers.queues import consumed_queues
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
