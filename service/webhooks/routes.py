"""HTTP endpoints of API v1 for webhooks (README "Webhooks"). Endpoints belong to the tenant of the API key that
registered them; another tenant's are not found."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
import msgspec
from litestar import Request, Response, Router, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from service.auth import authenticate
from service.errors import InvalidRequestError, NotFoundError
from service.keyring import service_keyring
from service.openapi_docs import AUTH_PROBLEMS, WEBHOOK_PROBLEMS, json_body
from service.webhooks.callbacks import checked_url_async
from workers import keys
from workers.webhooks import delivery
from workers.webhooks.addresses import RefusedAddressError
from workers.webhooks.registry import (
    EVENT_TYPES,
    Delivery,
    Endpoint,
    callback_batch,
    decode_endpoint,
    encode_endpoint,
    new_endpoint_id,
    new_secret,
    secret_text,
    wrap_secret,
)

Tenant = NamedDependency[str]


class WebhookRequest(msgspec.Struct, forbid_unknown_fields=True):
    url: str
    events: list[str]


class WebhookEndpoint(msgspec.Struct):
    id: str
    url: str
    events: list[str]
    created_at: str


class WebhookCreated(msgspec.Struct):
    id: str
    url: str
    events: list[str]
    created_at: str
    # Shown once: HMAC-SHA256 key of the Preflight-Signature header (README "Webhooks"). Store it now.
    secret: str


class DeliveryLog(msgspec.Struct):
    endpoint_id: str
    deliveries: list[Delivery]  # newest first


class Redelivery(msgspec.Struct):
    endpoint_id: str
    event_id: str
    state: str = "queued"


def _public(endpoint: Endpoint) -> WebhookEndpoint:
    return WebhookEndpoint(endpoint.id, endpoint.url, endpoint.events, endpoint.created_at)


async def _endpoint(request: Request[Any, Any, Any], tenant: str, endpoint_id: str) -> Endpoint:
    """A registered endpoint of the tenant, or the callback endpoint (`cb_{batch_id}`) of one of its batches."""
    redis = request.app.state.redis
    batch_id = callback_batch(endpoint_id)
    if batch_id is None:
        raw = await redis.hget(keys.webhook_endpoints(tenant), endpoint_id)
    else:
        owner = await redis.hget(keys.batch(batch_id), "tenant")
        raw = await redis.get(keys.batch_callback(batch_id)) if owner in (tenant, tenant.encode()) else None
    if raw is None:
        raise NotFoundError(f"no webhook endpoint {endpoint_id!r}", field="endpoint_id")
    return decode_endpoint(raw)


_CREATED = {**WEBHOOK_PROBLEMS, 201: json_body(WebhookCreated, "The endpoint and its signing secret")}


@post(
    "/v1/webhooks",
    status_code=201,
    summary="Register a webhook endpoint (its secret is shown once)",
    responses=_CREATED,
)
async def register(data: JSONBody[WebhookRequest], tenant: Tenant, request: Request[Any, Any, Any]) -> WebhookCreated:
    settings = request.app.state.settings
    events = sorted(set(data.events))
    if not events or any(e not in EVENT_TYPES for e in events):
        raise InvalidRequestError(f"events must be a non-empty list of {', '.join(EVENT_TYPES)}", field="events")
    try:
        url = await checked_url_async(data.url, allow_private=settings.webhooks.allow_private)
    except RefusedAddressError as exc:
        raise InvalidRequestError(str(exc), field="url") from None
    keyring = service_keyring(settings.sealing)
    endpoint_id, raw = new_endpoint_id(), new_secret()
    created = datetime.now(UTC).isoformat(timespec="seconds")
    endpoint = Endpoint(
        id=endpoint_id,
        url=url,
        events=events,
        created_at=created,
        secret_wrapped=wrap_secret(keyring, endpoint_id, raw),
    )
    await request.app.state.redis.hset(keys.webhook_endpoints(tenant), endpoint_id, encode_endpoint(endpoint))
    return WebhookCreated(endpoint_id, url, events, created, secret_text(raw))


@get("/v1/webhooks", summary="The tenant's webhook endpoints (without their secrets)", responses=AUTH_PROBLEMS)
async def list_endpoints(tenant: Tenant, request: Request[Any, Any, Any]) -> list[WebhookEndpoint]:
    raw: dict[bytes, bytes] = await request.app.state.redis.hgetall(keys.webhook_endpoints(tenant))
    return sorted((_public(decode_endpoint(v)) for v in raw.values()), key=lambda e: e.created_at)


@delete("/v1/webhooks/{endpoint_id:str}", status_code=204, summary="Delete a webhook endpoint",
        responses=AUTH_PROBLEMS)  # fmt: skip
async def remove(endpoint_id: FromPath[str], tenant: Tenant, request: Request[Any, Any, Any]) -> None:
    await _endpoint(request, tenant, endpoint_id)
    batch_id = callback_batch(endpoint_id)
    if batch_id is None:
        await request.app.state.redis.hdel(keys.webhook_endpoints(tenant), endpoint_id)
    else:  # the batch's callback: its events are no longer sent there
        await request.app.state.redis.delete(keys.batch_callback(batch_id))


@get("/v1/webhooks/{endpoint_id:str}/deliveries", summary="An endpoint's delivery attempts, newest first",
     responses=AUTH_PROBLEMS)  # fmt: skip
async def deliveries(endpoint_id: FromPath[str], tenant: Tenant, request: Request[Any, Any, Any]) -> DeliveryLog:
    await _endpoint(request, tenant, endpoint_id)
    raw: list[bytes] = await request.app.state.redis.lrange(keys.webhook_deliveries(endpoint_id), 0, -1)
    return DeliveryLog(endpoint_id, [msgspec.json.decode(item, type=Delivery) for item in raw])


@post("/v1/webhooks/{endpoint_id:str}/deliveries/{event_id:str}/redeliver", status_code=202,
      summary="Send an event to the endpoint again (while the event is kept)",
      responses={**AUTH_PROBLEMS, 202: json_body(Redelivery, "The delivery is queued")})  # fmt: skip
async def redeliver(
    endpoint_id: FromPath[str], event_id: FromPath[str], tenant: Tenant, request: Request[Any, Any, Any]
) -> Response[Redelivery]:
    await _endpoint(request, tenant, endpoint_id)
    logged: list[bytes] = await request.app.state.redis.lrange(keys.webhook_deliveries(endpoint_id), 0, -1)
    known = any(msgspec.json.decode(item, type=Delivery).event_id == event_id for item in logged)
    if not known or not await request.app.state.redis.exists(keys.webhook_event(event_id)):
        raise NotFoundError(f"no event {event_id!r} kept for this endpoint", field="event_id")
    await anyio.to_thread.run_sync(lambda: delivery.enqueue(tenant, endpoint_id, event_id))
    return Response(Redelivery(endpoint_id, event_id), status_code=202)


webhooks_router = Router(
    path="/",
    route_handlers=[register, list_endpoints, remove, deliveries, redeliver],
    dependencies={"tenant": Provide(authenticate)},
    tags=["webhooks"],
    security=[{"apiKey": []}],
)
