"""The Litestar application factory."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import SecurityScheme
from redis.asyncio import Redis
from redis.asyncio.retry import Retry

from service.batches.routes import v1_router
from service.errors import EXCEPTION_HANDLERS
from service.openapi_docs import ManifestComponents
from service.system.health import healthz, readyz
from workers.checks import ENGINE_VERSION
from workers.redis_client import backoff, connection_options
from workers.settings import RedisClientSettings, Settings, get_settings


def redis_client(url: str, options: RedisClientSettings) -> Redis:
    """The API's Redis client (workers.redis_client's timeouts, health checks and retries): after a Redis restart
    the API recovers by itself; while Redis stays away, requests are answered 503 (service.errors)."""
    return Redis.from_url(url, retry=Retry(backoff(options), options.retries), **connection_options(options))


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
            components=ManifestComponents(
                security_schemes={"apiKey": SecurityScheme(type="http", scheme="bearer", description="API key")}
            ),
        ),
    )
