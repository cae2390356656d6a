"""How the API and the workers talk to Redis: one set of timeouts, health checks and retries for both.

A connection idle for a while is PINGed before use and a command that met a broken connection (a Redis
restart) is retried with jittered backoff on a fresh one, so that both sides recover by themselves after an
outage; while Redis stays away, commands fail fast (timeouts) instead of hanging.
"""

from __future__ import annotations

from typing import Any

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from workers.settings import RedisClientSettings

# Redis unreachable, timing out, or still loading its append-only file after a restart (BusyLoadingError is a
# ConnectionError): the request or bundle is fine, the store is not. The asyncio client raises the same classes.
REDIS_OUTAGE: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError)


def backoff(options: RedisClientSettings) -> ExponentialWithJitterBackoff:
    """The pause between retries of a command that met a broken connection."""
    return ExponentialWithJitterBackoff(cap=options.retry_cap_s, base=options.retry_base_s)


def connection_options(options: RedisClientSettings) -> dict[str, Any]:
    """Keyword arguments of `Redis.from_url`, sync or asyncio, apart from `retry` (each has its own class)."""
    return {
        "socket_timeout": options.socket_timeout_s,
        "socket_connect_timeout": options.socket_connect_timeout_s,
        "socket_keepalive": True,
        "health_check_interval": options.health_check_interval_s,
        "retry_on_error": list(REDIS_OUTAGE),
    }


def sync_client(url: str, options: RedisClientSettings) -> redis.Redis:
    """The workers' client (one pool per worker process)."""
    return redis.Redis.from_url(url, retry=Retry(backoff(options), options.retries), **connection_options(options))
