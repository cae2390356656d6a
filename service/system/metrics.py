"""GET /metrics: Prometheus text format. The workers' counters and histograms (read from the metric files their
pool processes keep, workers/metrics.py) and, computed at each scrape from Redis, each queue's depth and the age
of its oldest waiting message."""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from litestar import Request, Response, get
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from service.errors import ServiceUnavailableError, UnauthorizedError
from workers.queues import consumed_queues, enqueued_at
from workers.settings import Settings


@dataclass(frozen=True)
class QueueState:
    name: str
    depth: int
    # None: the queue is empty, or its oldest message carries no enqueue time (queued by an older version).
    oldest_age_s: float | None


async def read_queues(redis: Any, settings: Settings) -> list[QueueState]:
    """Depth and oldest message of each queue a worker consumes. Kombu's Redis transport LPUSHes a message and
    takes it from the other end (BRPOP), so the oldest waiting message is the list's last element."""
    now = time.time()
    states = []
    async with redis.pipeline(transaction=False) as pipe:
        names = consumed_queues(settings.worker)
        for name in names:
            pipe.llen(name)
            pipe.lindex(name, -1)
        replies = await pipe.execute()
    for n, name in enumerate(names):
        depth, oldest = int(replies[2 * n]), replies[2 * n + 1]
        stamp = enqueued_at(oldest) if oldest is not None else None
        states.append(QueueState(name, depth, None if stamp is None else max(0.0, now - stamp)))
    return states


class _QueueCollector(Collector):
    """The queue gauges of one scrape, read from Redis just before (read_queues)."""

    def __init__(self, states: list[QueueState]) -> None:
        self.states = states

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("kyc_preflight_queue_messages", "Messages waiting in the queue.", labels=["queue"])
        age = GaugeMetricFamily(
            "kyc_preflight_queue_oldest_message_age_seconds",
            "Seconds since the API queued the queue's oldest waiting message (absent when the queue is empty).",
            labels=["queue"],
        )
        for state in self.states:
            depth.add_metric([state.name], state.depth)
            if state.oldest_age_s is not None:
                age.add_metric([state.name], state.oldest_age_s)
        yield depth
        yield age


def render(states: list[QueueState], settings: Settings) -> bytes:
    """The exposition: a fresh registry per scrape (the multiprocess collector reads every process's files)."""
    registry = CollectorRegistry()
    if settings.observability.metrics_dir:
        multiprocess.MultiProcessCollector(registry, path=settings.observability.metrics_dir)
    registry.register(_QueueCollector(states))
    return generate_latest(registry)


def _authorized(request: Request[Any, Any, Any], token: str) -> bool:
    if not token:
        return True
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@get("/metrics", include_in_schema=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    settings: Settings = request.app.state.settings
    if not _authorized(request, settings.observability.metrics_token):
        raise UnauthorizedError(
            "send 'Authorization: Bearer <metrics token>' (PREFLIGHT_METRICS_TOKEN)", field="Authorization"
        )
    try:
        states = await read_queues(request.app.state.redis, settings)
    except RedisError:
        raise ServiceUnavailableError("Redis is not reachable", redis=False) from None
    body = await anyio.to_thread.run_sync(render, states, settings)  # reads the metric files: off the loop
    return Response(body, media_type=CONTENT_TYPE_LATEST)
