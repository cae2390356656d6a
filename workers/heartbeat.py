"""Workers announce themselves in Redis so that /readyz can tell whether any worker is alive."""

from __future__ import annotations

import logging
import threading
from typing import Any

import redis
from celery.signals import worker_ready, worker_shutdown

from workers import compaction, keys
from workers.settings import get_settings

log = logging.getLogger(__name__)

# Written every 10 s with a 30 s expiry: a dead worker disappears from /readyz within half a minute.
HEARTBEAT_PERIOD_S = 10
HEARTBEAT_TTL_S = 30

_stop = threading.Event()


def _beat(hostname: str) -> None:
    client = redis.Redis.from_url(get_settings().redis.url)
    key = keys.worker_heartbeat(hostname)
    while not _stop.is_set():
        try:
            client.set(key, "alive", ex=HEARTBEAT_TTL_S)
            # A deletion whose AOF rewrite fell inside the rate limit, or data that expired: rewrite now.
            compaction.request_rewrite(client, get_settings().sealing, deleted=False)
        except redis.RedisError as exc:
            log.warning("heartbeat failed: %s", type(exc).__name__)
        _stop.wait(HEARTBEAT_PERIOD_S)
    client.delete(key)


@worker_ready.connect
def start_heartbeat(sender: Any = None, **_: Any) -> None:
    hostname = getattr(sender, "hostname", None) or "worker"
    threading.Thread(target=_beat, args=(hostname,), name="kyc-heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_heartbeat(**_: Any) -> None:
    _stop.set()
