"""Which broker queue a bundle's task goes to, so that no tenant waits behind another's batch (issue #16).

- `POST /v1/check` (one bundle, its caller waiting for the verdict) goes to the inline queue.
- A batch's bundles go to one of `tenant_queues` shard queues, chosen by a hash of the tenant's name.
- Every worker consumes all of them (the Celery app declares them; no `-Q` needed), plus the queue used before
  the split (`kyc.bundles`), so that messages queued by an older version are still taken.

Why this is fair: kombu's Redis transport asks for the next message with one BRPOP over all the queues and then
moves the queue it was served from to the end of its list (kombu.transport.redis, `_brpop_read` ->
`_queue_cycle.rotate`). Among the queues that hold messages, each is served in turn. So an inline check waits for
at most one message of each busy queue before its own is taken, and two tenants' batches on different shards
advance bundle for bundle instead of first-come first-served. Two tenants whose names hash to the same shard share
its FIFO order; with 8 shards, two given tenants share one with probability 1/8.
"""

from __future__ import annotations

import hashlib
import json

from workers.settings import WorkerSettings

# The task that checks one bundle (workers.tasks.check_bundle): sent by the API, and again by workers/orphans.py.
CHECK_BUNDLE_TASK = "kyc.check_bundle"
INLINE_QUEUE = "kyc.inline"
# Message headers the API adds to each task it sends: when it was queued (Unix time; Celery records no send time,
# and the age of the oldest waiting message is what GET /metrics exports), and the tenant (for the worker's logs).
ENQUEUED_AT_HEADER = "kyc_enqueued_at"
ENQUEUED_TENANT_HEADER = "kyc_tenant"


def enqueue_headers(tenant: str, now: float) -> dict[str, object]:
    return {ENQUEUED_AT_HEADER: now, ENQUEUED_TENANT_HEADER: tenant}


def enqueued_at(raw_message: bytes | str) -> float | None:
    """The enqueue time a message in a kombu Redis queue carries (its JSON envelope's headers), if any: messages
    queued by an older version, or not by the API, have none."""
    try:
        stamp = json.loads(raw_message).get("headers", {}).get(ENQUEUED_AT_HEADER)
    except (ValueError, AttributeError):
        return None
    return float(stamp) if isinstance(stamp, int | float) else None


def batch_queue(tenant: str, settings: WorkerSettings) -> str:
    """The shard queue of this tenant's batches: `<queue>.<n>`, n from the SHA-256 of the tenant's name (stable
    across processes and restarts, unlike Python's salted `hash`)."""
    shard = int.from_bytes(hashlib.sha256(tenant.encode()).digest()[:8], "big") % settings.tenant_queues
    return f"{settings.queue}.{shard}"


def queue_for(tenant: str, *, inline: bool, settings: WorkerSettings) -> str:
    return INLINE_QUEUE if inline else batch_queue(tenant, settings)


# Webhook deliveries (workers/webhooks/delivery.py): a queue of their own, so that a batch's bundles never wait
# behind them nor they behind a batch.
WEBHOOK_QUEUE = "kyc.webhooks"


def consumed_queues(settings: WorkerSettings) -> list[str]:
    """Every queue a worker takes messages from: inline first, the tenant shards, the pre-split queue, then
    webhook deliveries."""
    shards = (f"{settings.queue}.{n}" for n in range(settings.tenant_queues))
    return [INLINE_QUEUE, *shards, settings.queue, WEBHOOK_QUEUE]
