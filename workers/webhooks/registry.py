"""A tenant's webhook endpoints and the events sent to them, as stored in Redis (keys.webhook_*). The signing
secret is stored wrapped by the master key (workers/sealing.py), bound to the endpoint's id; it is shown to the
tenant once, when the endpoint is registered."""

from __future__ import annotations

import base64
import secrets
from typing import Literal

import msgspec

from workers.keys import CALLBACK_PREFIX
from workers.sealing import Keyring

EventType = Literal["bundle.checked", "batch.completed"]
EVENT_TYPES: tuple[str, ...] = ("bundle.checked", "batch.completed")
SECRET_BYTES = 32  # the size of a data key: the keyring wraps exactly that (workers/sealing.py)
# Delivery attempts kept per endpoint (newest first): enough for a day of retries of a busy endpoint's events.
DELIVERY_LOG_LENGTH = 500


class Endpoint(msgspec.Struct, kw_only=True):
    id: str
    url: str
    events: list[str]
    created_at: str
    secret_wrapped: str = ""  # hex; never leaves the service


class Delivery(msgspec.Struct, kw_only=True):
    event_id: str
    event_type: str
    attempt: int
    at: str
    outcome: Literal["delivered", "retrying", "failed"]
    status_code: int | None = None
    error: str | None = None
    duration_ms: int = 0


def new_endpoint_id() -> str:
    return "wh_" + secrets.token_hex(8)


def callback_endpoint_id(batch_id: str) -> str:
    """The id of the endpoint a batch's manifest names as its `callback_url` (it lives and dies with the batch)."""
    return CALLBACK_PREFIX + batch_id


def callback_batch(endpoint_id: str) -> str | None:
    """The batch whose callback endpoint this is; None for an endpoint registered with POST /v1/webhooks."""
    return endpoint_id.removeprefix(CALLBACK_PREFIX) if endpoint_id.startswith(CALLBACK_PREFIX) else None


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def secret_text(raw: bytes) -> str:
    """The secret as the tenant sees it and as the HMAC key: whsec_ + URL-safe base64 (Stripe's form)."""
    return "whsec_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _scope(endpoint_id: str) -> str:
    return f"webhook:{endpoint_id}"


def wrap_secret(keyring: Keyring, endpoint_id: str, raw: bytes) -> str:
    return keyring.wrap(_scope(endpoint_id), raw).hex()


def endpoint_secret(keyring: Keyring, endpoint: Endpoint) -> str:
    return secret_text(keyring.unwrap(_scope(endpoint.id), bytes.fromhex(endpoint.secret_wrapped)))


def encode_endpoint(endpoint: Endpoint) -> bytes:
    return msgspec.json.encode(endpoint)


def decode_endpoint(raw: bytes | str) -> Endpoint:
    return msgspec.json.decode(raw, type=Endpoint)
