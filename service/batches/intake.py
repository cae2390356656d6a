"""A batch received: the upload streamed into staging (service.batches.ingest), then made a queued batch (the
store); the staged files are dropped if that fails. Shared by the API and the workspace's upload."""

from __future__ import annotations

from collections.abc import AsyncIterator

from service.batches.ingest import Receiver
from service.batches.store import BatchStore, Created


async def receive_batch(
    store: BatchStore,
    tenant: str,
    content_type: str,
    body: AsyncIterator[bytes],
    idempotency_key: str | None = None,
    *,
    single: bool = False,
) -> Created:
    limits = store.settings.limits
    receiver = Receiver(
        store.redis,
        max_file_bytes=limits.max_file_bytes,
        max_request_bytes=limits.max_request_bytes,
        max_bundles=limits.max_bundles,
    )
    upload = await receiver.receive(content_type, body)
    try:
        return await store.create(tenant, upload, idempotency_key, single=single)
    except BaseException:
        await receiver.discard()
        raise
