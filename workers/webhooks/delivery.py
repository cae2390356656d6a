"""Webhook events and their delivery.

Events are emitted by the bundle task (workers/tasks.py): `bundle.checked` when a bundle's verdict is stored,
`batch.completed` when the last one is. An event's id is derived from what it reports (a batch, a bundle), so
emitting it again (a task run twice after a lost worker) sends the same event: receivers dedupe by id. Its body
is stored once, then one `kyc.deliver_webhook` task per subscribed endpoint takes ids only. Delivery is at least
once: the task's message is acknowledged after it ran (a killed worker's message is given back, see
workers/recovery.py), a failed attempt is retried after each wait of PREFLIGHT_WEBHOOK_RETRY_S, and every
attempt is logged on its endpoint.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
import redis
from celery.exceptions import Retry

from workers import keys, metrics, recovery
from workers.celery_app import app
from workers.checks.model import BundleVerdict, Status
from workers.queues import WEBHOOK_QUEUE
from workers.redis_client import REDIS_OUTAGE, sync_client
from workers.sealing import SealError, keyring_of
from workers.settings import get_settings
from workers.webhooks.addresses import RefusedAddressError, checked_target
from workers.webhooks.registry import (
    DELIVERY_LOG_LENGTH,
    Delivery,
    Endpoint,
    callback_batch,
    decode_endpoint,
    endpoint_secret,
)
from workers.webhooks.signing import HEADER, signature_header

log = logging.getLogger(__name__)
TASK_NAME = "kyc.deliver_webhook"
# Wait after a Redis outage before the delivery is tried again (the outage itself is not the receiver's fault).
REDIS_RETRY_S = 5


def event_id(*parts: str) -> str:
    return "evt_" + hashlib.sha256(":".join(parts).encode()).hexdigest()[:24]


def _client() -> redis.Redis:
    settings = get_settings()
    return sync_client(settings.redis, settings.redis_client)


def endpoints(client: redis.Redis, tenant: str, batch_id: str) -> list[Endpoint]:
    """The endpoints that hear of a batch: the tenant's, and the batch's own callback if its manifest named one."""
    raw: dict[bytes, bytes] = client.hgetall(keys.webhook_endpoints(tenant))  # type: ignore[assignment]
    found = [decode_endpoint(value) for value in raw.values()]
    callback = client.get(keys.batch_callback(batch_id))
    if callback is not None:
        found.append(decode_endpoint(callback))
    return found


def load_endpoint(client: redis.Redis, tenant: str, endpoint_id: str) -> Endpoint | None:
    batch_id = callback_batch(endpoint_id)
    if batch_id is not None:
        raw = client.get(keys.batch_callback(batch_id))
    else:
        raw = client.hget(keys.webhook_endpoints(tenant), endpoint_id)
    return None if raw is None else decode_endpoint(raw)


def prepare(
    client: redis.Redis, tenant: str, batch_id: str, kind: str, ident: str, data: dict[str, Any], ttl_s: int
) -> list[str]:
    """Store the event's body (once: a second preparation keeps the first) when some endpoint hearing of the
    batch is subscribed to `kind`; returns those endpoints' ids."""
    subscribed = [e.id for e in endpoints(client, tenant, batch_id) if kind in e.events]
    if subscribed:
        body = msgspec.json.encode({"id": ident, "type": kind, "created": int(time.time()), "data": data})
        client.set(keys.webhook_event(ident), body, ex=ttl_s, nx=True)
    return subscribed


def send(client: redis.Redis, tenant: str, batch_id: str, ident: str) -> None:
    """Queue the delivery of a prepared event of a batch to every endpoint subscribed to its type (again after a
    lost worker: receivers dedupe by event id)."""
    body = client.get(keys.webhook_event(ident))
    if body is None:
        return
    kind = str(msgspec.json.decode(body).get("type", ""))
    for endpoint in endpoints(client, tenant, batch_id):
        if kind in endpoint.events:
            enqueue(tenant, endpoint.id, ident)


def enqueue(tenant: str, endpoint_id: str, ident: str) -> None:
    app.send_task(TASK_NAME, args=[tenant, endpoint_id, ident], queue=WEBHOOK_QUEUE)


def bundle_checked_id(batch_id: str, index: int) -> str:
    return event_id(batch_id, str(index), "bundle.checked")


def batch_completed_id(batch_id: str) -> str:
    return event_id(batch_id, "batch.completed")


def batch_event_ids(batch_id: str, total: int) -> list[str]:
    """Every event a batch of `total` bundles may have emitted (deleted with the batch)."""
    return [*(bundle_checked_id(batch_id, index) for index in range(total)), batch_completed_id(batch_id)]


def prepare_bundle_checked(client: redis.Redis, tenant: str, batch_id: str, index: int, verdict: BundleVerdict) -> str:
    """Store the bundle.checked event of a verdict about to be stored; returns its id (send it once stored)."""
    data = {
        "batch_id": batch_id,
        "reference": verdict.reference,
        "verdict": verdict.verdict.value,
        "attempt": verdict.attempt,
        "summary": {"fail": verdict.summary.fail, "review": verdict.summary.review, "pass": verdict.summary.passed},
        # Codes and statuses only; the verdict itself is read from the API (GET .../bundles/{reference}).
        "codes": {f.code: f.status.value for f in verdict.findings if f.status is not Status.PASS},
        "links": {"bundle": f"/v1/batches/{batch_id}/bundles/{verdict.reference}"},
    }
    ident = bundle_checked_id(batch_id, index)
    prepare(client, tenant, batch_id, "bundle.checked", ident, data, get_settings().redis.verdict_ttl_s)
    return ident


def emit_batch_completed(client: redis.Redis, tenant: str, batch_id: str) -> None:
    """Store and send the batch.completed event of a finalized batch (idempotent but for duplicates)."""
    raw: dict[bytes, bytes] = client.hgetall(keys.batch(batch_id))  # type: ignore[assignment]
    record = {k.decode(): v.decode() for k, v in raw.items()}
    if not record.get("finalized_at"):
        return
    counts = {v: int(record.get(f"count:{v}", 0)) for v in ("ready", "fix_required", "review")}
    data = {"batch_id": batch_id, "total": int(record.get("total", 0)), "verdicts": counts,
            "links": {"verdicts": f"/v1/batches/{batch_id}/verdicts"}}  # fmt: skip
    ident = batch_completed_id(batch_id)
    if prepare(client, tenant, batch_id, "batch.completed", ident, data, get_settings().redis.verdict_ttl_s):
        send(client, tenant, batch_id, ident)


def _log(client: redis.Redis, endpoint_id: str, entry: Delivery) -> None:
    pipe = client.pipeline()
    pipe.lpush(keys.webhook_deliveries(endpoint_id), msgspec.json.encode(entry))
    pipe.ltrim(keys.webhook_deliveries(endpoint_id), 0, DELIVERY_LOG_LENGTH - 1)
    pipe.expire(keys.webhook_deliveries(endpoint_id), get_settings().redis.verdict_ttl_s)
    pipe.execute()
    try:
        metrics.WEBHOOK_DELIVERIES.labels(entry.outcome).inc()
    except OSError as exc:  # the metric files' folder (full, gone): the delivery itself is what counts
        log.warning("webhook metrics not recorded (%s)", type(exc).__name__)


def _post(url: str, body: bytes, signed: str) -> int:
    settings = get_settings().webhooks
    target = checked_target(url, allow_private=settings.allow_private)  # at each attempt: DNS may change
    headers = {"Content-Type": "application/json", HEADER: signed, "User-Agent": "kyc-preflight-webhooks"}
    headers["Host"] = urlsplit(url).netloc.rsplit("@", 1)[-1]
    # Connect to the address just checked, and speak TLS to the host named in the URL (SNI and certificate).
    pinned = {"sni_hostname": target.hostname}
    with httpx.Client(timeout=settings.timeout_s, follow_redirects=False) as http:
        return http.post(target.connect_url, content=body, headers=headers, extensions=pinned).status_code


@app.task(bind=True, name=TASK_NAME, queue=WEBHOOK_QUEUE, max_retries=None, soft_time_limit=30, time_limit=60)
def deliver_webhook(self: Any, tenant: str, endpoint_id: str, ident: str) -> None:
    """POST event `ident` to the tenant's endpoint, signed; retried on failure per PREFLIGHT_WEBHOOK_RETRY_S."""
    client = _client()
    tag = (self.request.properties or {}).get("delivery_tag")
    claim = recovery.claim(client, str(tag), str(self.request.hostname), f"webhook:{ident}", 0) if tag else None
    try:
        _deliver(self, client, tenant, endpoint_id, ident)
    except REDIS_OUTAGE:
        raise self.retry(countdown=REDIS_RETRY_S, max_retries=None) from None
    finally:
        if claim is not None:
            with contextlib.suppress(*REDIS_OUTAGE):  # a claim left behind is harmless (workers/recovery.py)
                recovery.release(client, claim)


def _deliver(task: Any, client: redis.Redis, tenant: str, endpoint_id: str, ident: str) -> None:
    schedule = get_settings().webhooks.retry_s
    attempt = int(task.request.retries) + 1
    endpoint = load_endpoint(client, tenant, endpoint_id)
    body = client.get(keys.webhook_event(ident))
    if endpoint is None or body is None:  # the endpoint (or its batch) was deleted, or the event expired
        return
    kind = str(msgspec.json.decode(body).get("type", ""))
    entry = Delivery(event_id=ident, event_type=kind, attempt=attempt, at=_now(), outcome="delivered")
    started = time.monotonic()
    try:
        secret = endpoint_secret(keyring_of(get_settings().sealing.master_keys), endpoint)
        status: int | None = _post(endpoint.url, body, signature_header(secret, body))  # type: ignore[arg-type]
        error = None if status is not None and 200 <= status < 300 else f"HTTP {status}"
    except (httpx.HTTPError, OSError, RefusedAddressError, SealError, ValueError) as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:300]
    entry.duration_ms = int(1000 * (time.monotonic() - started))
    entry.status_code, entry.error = status, error
    if error is None:
        _log(client, endpoint_id, entry)
        return
    if attempt > len(schedule):
        entry.outcome = "failed"
        _log(client, endpoint_id, entry)
        log.warning("webhook %s to %s: given up after %d attempts", ident, endpoint_id, attempt)
        return
    entry.outcome = "retrying"
    _log(client, endpoint_id, entry)
    raise task.retry(countdown=schedule[attempt - 1], max_retries=None)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


__all__ = ["Retry", "deliver_webhook", "emit_batch_completed", "prepare_bundle_checked", "send"]
