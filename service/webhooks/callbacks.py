"""Where a webhook may go, checked off the event loop, and a batch's own callback endpoint (the manifest's
`callback_url`): an endpoint record like a registered one, kept under the batch and deleted with it."""

from __future__ import annotations

from datetime import UTC, datetime

import anyio.to_thread

from workers.sealing import Keyring
from workers.webhooks.addresses import checked_url
from workers.webhooks.registry import (
    EVENT_TYPES,
    Endpoint,
    callback_endpoint_id,
    encode_endpoint,
    new_secret,
    secret_text,
    wrap_secret,
)


async def checked_url_async(url: str, *, allow_private: bool) -> str:
    """workers.webhooks.addresses.checked_url in a thread (resolving the host may block)."""
    return await anyio.to_thread.run_sync(lambda: checked_url(url, allow_private=allow_private))


def callback_endpoint(keyring: Keyring, batch_id: str, url: str) -> tuple[bytes, str]:
    """The batch's callback endpoint record, subscribed to every event, and its secret (shown once)."""
    endpoint_id, raw = callback_endpoint_id(batch_id), new_secret()
    endpoint = Endpoint(
        id=endpoint_id,
        url=url,
        events=list(EVENT_TYPES),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        secret_wrapped=wrap_secret(keyring, endpoint_id, raw),
    )
    return encode_endpoint(endpoint), secret_text(raw)
