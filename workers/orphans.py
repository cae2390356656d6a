"""Bundles whose broker message was lost are sent again (issue #16: a lost connection's bundle is run again, never
dropped).

Two ways a pending bundle can lose its message, neither of which the visibility timeout or workers/recovery.py
can bring back, because nothing of the message is left in Redis to restore:
- kombu's Redis transport takes a message with BRPOP and records it as unacknowledged with a second command
  (kombu.transport.redis, `_brpop_read` then `QoS.append`). Redis dying between the two, or a Sentinel failover
  whose replica had the first but not the second, leaves the message in neither the queue nor the
  unacknowledged set, and the worker drops it (its bookkeeping raised before the task was handed over).
- An API process killed between writing a batch and sending its messages.

A bundle is pending while its manifest entry (`keys.bundle_spec`) exists: the worker deletes it once the verdict
is stored. So the sweep compares the pending bundles with the bundles that have a message: in a queue, or in
the unacknowledged set (taken by a worker, running, or held for a retry's countdown). A pending bundle without a
message on two sweeps in a row, a sweep period apart, is sent again. Two looks, because a message is briefly in
neither place between kombu's two commands and while the API sends a batch's messages; so a bundle is at worst
checked twice, which its task makes harmless (a verdict is stored once: workers/store.py), never lost.

One worker sweeps per period (a Redis lock); the sweep reads every queued message of the bundle queues, which is
cheap next to checking them (a message is ~1 KB: a 10,000-bundle backlog is ~10 MB read once a period).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import redis

from workers import keys
from workers.queues import CHECK_BUNDLE_TASK

log = logging.getLogger(__name__)

# kombu's Redis transport keeps a queue's messages of priority 0 under the queue's name and those of priorities
# 3, 6 and 9 under "<queue>\x06\x16<priority>" (kombu.transport.redis: PRIORITY_STEPS, Channel.sep, _q_for_pri);
# delivered, unacknowledged messages in the hash "unacked" (Channel.unacked_key), as [message, exchange, key].
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
UNACKED_KEY = "unacked"
# The sweep's lock (held for a period, so that one worker sweeps per period) and the bundles found without a
# message by the last sweep (batch:index -> when first seen so).
SWEEP_LOCK = f"{keys.PREFIX}:orphans:lock"
SUSPECTS = f"{keys.PREFIX}:orphans:suspects"

Bundle = tuple[str, int]


def bundle_of(raw_message: bytes | str | dict[str, Any]) -> Bundle | None:
    """(batch id, index) of a kombu Redis message envelope of our check_bundle task, None for any other message.
    The envelope as queued (JSON text) or as kept in the unacknowledged hash (already parsed there)."""
    try:
        envelope = raw_message if isinstance(raw_message, dict) else json.loads(raw_message)
        if envelope.get("headers", {}).get("task") != CHECK_BUNDLE_TASK:
            return None
        body = envelope["body"]
        if envelope.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]  # Celery's message protocol 2: [args, kwargs, embed]
        return str(args[0]), int(args[1])
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def pending_bundles(client: redis.Redis) -> set[Bundle]:
    """Bundles whose manifest entry is still there: not checked yet (or checked, their entry not purged yet)."""
    found: set[Bundle] = set()
    for key in client.scan_iter(match=f"{keys.PREFIX}:b:*:spec:*", count=1000):
        name = key.decode() if isinstance(key, bytes) else str(key)
        head, _, index = name.rpartition(":spec:")
        if index.isdigit():
            found.add((head.removeprefix(f"{keys.PREFIX}:b:"), int(index)))
    return found


def bundles_with_a_message(client: redis.Redis, queues: Iterable[str]) -> set[Bundle]:
    """Bundles that have a check_bundle message waiting in one of `queues` or delivered and not acknowledged."""
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        for suffix in _PRIORITY_SUFFIXES:
            pipe.lrange(queue + suffix, 0, -1)
    pipe.hvals(UNACKED_KEY)
    *queued, delivered = pipe.execute()
    raws: list[bytes | dict[str, Any]] = [raw for batch in queued for raw in batch]
    for entry in delivered:
        try:
            raws.append(json.loads(entry)[0])
        except (ValueError, IndexError, TypeError):
            continue
    return {bundle for bundle in map(bundle_of, raws) if bundle is not None}


def _checked(client: redis.Redis, bundle: Bundle) -> bool:
    """The bundle has a verdict (its manifest entry outlived it: a purge that an outage interrupted)."""
    batch_id, index = bundle
    reference = client.lindex(keys.refs(batch_id), index)
    return reference is not None and bool(client.hexists(keys.verdicts(batch_id), reference))


def sweep(
    client: redis.Redis, queues: Iterable[str], send_again: Callable[[str, int], None], *, period_s: float
) -> list[Bundle]:
    """One sweep if no other worker swept in the last `period_s`: send again every pending bundle that had no
    message on the previous sweep and has none now. Returns the bundles sent again. Redis errors propagate."""
    if not client.set(SWEEP_LOCK, "1", nx=True, ex=max(1, int(period_s))):
        return []
    now = time.time()
    missing = pending_bundles(client) - bundles_with_a_message(client, queues)
    previous: dict[bytes, bytes] = client.hgetall(SUSPECTS)  # type: ignore[assignment]
    seen_before = {name.decode(): float(at) for name, at in previous.items()}
    orphans: list[Bundle] = []
    suspects: dict[str, float] = {}
    for bundle in sorted(missing):
        name = f"{bundle[0]}:{bundle[1]}"
        if name not in seen_before:
            suspects[name] = now
        elif not _checked(client, bundle):
            orphans.append(bundle)
    pipe = client.pipeline(transaction=True)
    pipe.delete(SUSPECTS)
    if suspects:
        pipe.hset(SUSPECTS, mapping=suspects)  # type: ignore[arg-type]
        pipe.expire(SUSPECTS, max(60, int(10 * period_s)))
    pipe.execute()
    for batch_id, index in orphans:
        log.warning("batch %s bundle %d: its message was lost, sent again", batch_id, index)
        send_again(batch_id, index)
    return orphans
