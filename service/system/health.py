"""/healthz: the process answers. /readyz: Redis answers and at least one worker has a fresh heartbeat."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get
from redis.exceptions import RedisError

from service.errors import ServiceUnavailableError
from service.openapi_docs import READY_PROBLEMS, SERVER_PROBLEMS
from workers import keys


class Health(msgspec.Struct):
    status: str


class Readiness(msgspec.Struct):
    status: str
    redis: bool
    workers: int


@get("/healthz", tags=["system"], summary="The API process is up", responses=SERVER_PROBLEMS)
async def healthz() -> Health:
    return Health(status="ok")


@get("/readyz", tags=["system"], summary="Redis reachable and at least one worker alive", responses=READY_PROBLEMS)
async def readyz(request: Request[Any, Any, Any]) -> Readiness:
    redis = request.app.state.redis
    try:
        await redis.ping()
        workers = [k async for k in redis.scan_iter(match=keys.WORKER_HEARTBEAT_PATTERN, count=100)]
    except RedisError:
        raise ServiceUnavailableError("Redis is not reachable", redis=False, workers=0) from None
    if not workers:
        raise ServiceUnavailableError("no worker is alive", redis=True, workers=0)
    return Readiness(status="ready", redis=True, workers=len(workers))
