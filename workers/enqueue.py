"""Sending bundles' check tasks to the broker: one place for the API (a new batch) and the workers (a bundle whose
message was lost, workers/orphans.py)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from workers.celery_app import app
from workers.queues import CHECK_BUNDLE_TASK, enqueue_headers


def send_checks(batch_id: str, indices: Iterable[int], queue: str, tenant: str) -> None:
    """Queue the check of each bundle `index` of `batch_id` on `queue`, naming the tenant and the time in the
    message headers (read back by GET /metrics for the age of the oldest message, and by the worker's logs)."""
    headers = enqueue_headers(tenant, time.time())
    with app.producer_or_acquire() as producer:
        for index in indices:
            app.send_task(CHECK_BUNDLE_TASK, args=[batch_id, index], queue=queue, producer=producer, headers=headers)
