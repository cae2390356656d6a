"""The Litestar application factory."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

from service.batches.routes import v1_router
from service.errors import EXCEPTION_HANDLERS, REDIS_OUTAGE
from service.system.health import healthz, readyz
from workers.checks import ENGINE_VERSION
from workers.settings import RedisClientSettings, Settings, get_settings


def redis_client(url: str, options: RedisClientSettings) -> Redis:
    """The API's Redis client. Its pool PINGs a connection idle for a while before using it and reconnects and
    retries a command that met a broken connection, so that after a Redis restart the API recovers by itself;
    while Redis stays away, commands fail fast (timeouts) and the request is answered 503 (service.errors)."""
    retry = Retry(ExponentialWithJitterBackoff(cap=options.retry_cap_s, base=options.retry_base_s), options.retries)
    return Redis.from_url(
        url,
        socket_timeout=options.socket_timeout_s,
        socket_connect_timeout=options.socket_connect_timeout_s,
        socket_keepalive=True,
        health_check_interval=options.health_check_interval_s,
        retry=retry,
        retry_on_error=list(REDIS_OUTAGE),
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    redis = redis_client(settings.redis.url, settings.redis_client)

    async def close_redis() -> None:
        await redis.aclose()

    return Litestar(
        route_handlers=[v1_router, healthz, readyz],
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"redis": redis, "settings": settings, "api_key_hashes": settings.auth.key_hashes()}),
        on_shutdown=[close_redis],
        request_max_body_size=settings.limits.max_request_bytes,
        openapi_config=OpenAPIConfig(
            title="KYC Preflight",
            version=ENGINE_VERSION,
            description="Checks identity-verification document bundles before they reach a KYC provider.",
            path="/schema",
            components=Components(
                security_schemes={"apiKey": SecurityScheme(type="http", scheme="bearer", description="API key")}
            ),
        ),
    )
