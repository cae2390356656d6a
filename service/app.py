"""The Litestar application factory."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import SecurityScheme

from service.applicants.routes import applicants_router
from service.batches.routes import v1_router
from service.errors import EXCEPTION_HANDLERS
from service.openapi_docs import ManifestComponents
from service.system.api_docs import SCHEMA_PATH, render_plugins, schema_assets
from service.system.health import healthz, readyz
from service.system.metrics import metrics
from service.ui.routes import ui_router
from service.webhooks.routes import webhooks_router
from workers.checks import ENGINE_VERSION
from workers.logs import configure_logging
from workers.redis_client import async_client
from workers.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings.observability.log_format)
    if settings.observability.metrics_dir:  # the workers may not have started yet: the collector needs it
        Path(settings.observability.metrics_dir).mkdir(parents=True, exist_ok=True)
    # workers.redis_client's timeouts, health checks and retries, for one Redis or a primary behind Sentinel.
    redis = async_client(settings.redis, settings.redis_client)

    async def close_redis() -> None:
        await redis.aclose()

    return Litestar(
        route_handlers=[
            v1_router,
            applicants_router,
            webhooks_router,
            ui_router,
            healthz,
            readyz,
            metrics,
            schema_assets(),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"redis": redis, "settings": settings, "api_key_hashes": settings.auth.key_hashes()}),
        on_shutdown=[close_redis],
        logging_config=None,  # workers.logs configured logging above; Litestar's own config would replace it
        request_max_body_size=settings.limits.max_request_bytes,
        openapi_config=OpenAPIConfig(
            title="KYC Preflight",
            version=ENGINE_VERSION,
            description="Checks identity-verification document bundles before they reach a KYC provider.",
            path=SCHEMA_PATH,
            render_plugins=render_plugins(),  # served with our own assets: the page works offline
            components=ManifestComponents(
                security_schemes={"apiKey": SecurityScheme(type="http", scheme="bearer", description="API key")}
            ),
        ),
    )
