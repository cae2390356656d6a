"""Workers announce themselves in Redis so that /readyz can tell whether any worker is alive, and so that the
bundles of a worker that died are given back to the queue within seconds (workers/recovery.py)."""

from __future__ import annotations

import logging
import threading
import time
from functools import partial
from typing import Any

import redis
from celery.signals import worker_ready, worker_shutdown
from celery.worker import state as worker_state

from workers import compaction, keys, orphans, recovery
from workers.queues import consumed_queues
from workers.redis_client import sync_client
from workers.settings import get_settings

log = logging.getLogger(__name__)

# Written every 5 s with a 15 s expiry (three periods: two writes may be late or fail before a live worker is
# taken for dead). A dead worker disappears from /readyz within 15 s, and its bundles are back in the queue at
# the next look of a live worker after that, within 20 s of its death (issue #16: running again within 30 s).
HEARTBEAT_PERIOD_S = 5
HEARTBEAT_TTL_S = 15
# When this worker's life began: a claim of our own hostname older than this was left by an earlier life (a
# restart under the same name) and is recovered at once. Set at import, in the worker's main process, before it
# consumes anything.
_STARTED_AT = time.time()

_stop = threading.Event()


def _running_tags() -> set[str]:
    """Delivery tags of the tasks this worker process runs now (Celery's own record of its active requests, kept
    in the main process, where this thread runs, for every pool)."""
    tags: set[str] = set()
    for request in list(worker_state.active_requests):
        tag = getattr(getattr(request, "message", None), "delivery_tag", None)
        if tag is not None:
            tags.add(str(tag))
    return tags


# This worker's own claims that it was not running at the last look (recovery.OwnRuns).
_own_runs = recovery.OwnRuns(_running_tags)


def _recover(client: redis.Redis, hostname: str, judge_peers: bool) -> None:
    """One look for lost bundles; never raises (the heartbeat must go on)."""
    try:
        recovery.recover(
            client,
            hostname,
            recovery.restore_messages,
            started_at=_STARTED_AT,
            judge_peers=judge_peers,
            # A claim older than the visibility timeout is stale: the broker has given its message back anyway.
            max_age_s=get_settings().worker.effective_visibility_timeout_s,
            own=_own_runs,
        )
    except redis.RedisError as exc:
        log.warning("recovery of lost bundles failed: %s", type(exc).__name__)
    except Exception:
        log.exception("recovery of lost bundles failed")


def _sweep_orphans(client: redis.Redis) -> None:
    """Send again the pending bundles whose message was lost (workers/orphans.py); never raises."""
    worker = get_settings().worker
    try:
        orphans.sweep(
            client, consumed_queues(worker), partial(recovery.send_again, client), period_s=worker.orphan_sweep_s
        )
    except redis.RedisError as exc:
        log.warning("sweep for lost messages failed: %s", type(exc).__name__)
    except Exception:
        log.exception("sweep for lost messages failed")


def _beat(hostname: str) -> None:
    settings = get_settings()
    client = sync_client(settings.redis, settings.redis_client)
    key = keys.worker_heartbeat(hostname)
    # Since when every heartbeat of ours was written: a peer's missing heartbeat means it is dead only once Redis
    # has answered us for a whole TTL (a live peer has then written its own at least twice). Right after a Redis
    # outage every heartbeat is missing, and no live worker's bundles must be taken from it.
    healthy_since: float | None = None
    while not _stop.is_set():
        try:
            client.set(key, "alive", ex=HEARTBEAT_TTL_S)
            if healthy_since is None:
                healthy_since = time.monotonic()
            # A deletion whose AOF rewrite fell inside the rate limit, or data that expired: rewrite now.
            compaction.request_rewrite(client, settings.sealing, deleted=False)
        except redis.RedisError as exc:
            healthy_since = None
            log.warning("heartbeat failed: %s", type(exc).__name__)
        else:
            _recover(client, hostname, judge_peers=time.monotonic() - healthy_since >= HEARTBEAT_TTL_S)
            _sweep_orphans(client)
        _stop.wait(HEARTBEAT_PERIOD_S)
    try:
        client.delete(key)
    except redis.RedisError as exc:
        log.warning("heartbeat not removed: %s", type(exc).__name__)


@worker_ready.connect
def start_heartbeat(sender: Any = None, **_: Any) -> None:
    hostname = getattr(sender, "hostname", None) or "worker"
    threading.Thread(target=_beat, args=(hostname,), name="kyc-heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_heartbeat(**_: Any) -> None:
    _stop.set()
