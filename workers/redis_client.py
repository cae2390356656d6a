"""How the API and the workers talk to Redis: one set of timeouts, health checks and retries for both.

A connection idle for a while is PINGed before use and a command that met a broken connection (a Redis
restart) is retried with jittered backoff on a fresh one, so that both sides recover by themselves after an
outage; while Redis stays away, commands fail fast (timeouts) instead of hanging.

With a `sentinel://` URL (workers/redis_url.py) the clients ask the sentinels where the primary is each time they
connect: the connections to a primary that died break, the retry reconnects, and once the sentinels have promoted
a replica it lands there. Until then the sentinels still name the dead primary, or none: an outage like any other.
"""

from __future__ import annotations

from typing import Any

import redis
import redis.asyncio
import redis.asyncio.retry
import redis.asyncio.sentinel
import redis.sentinel
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.retry import Retry

from workers.redis_url import SentinelUrl, parse_sentinel_url
from workers.settings import RedisClientSettings, RedisSettings

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


def sentinel_connection_options(
    options: RedisClientSettings, password: str, *, asyncio: bool = False
) -> dict[str, Any]:
    """How to talk to the sentinels themselves: the same timeouts as to Redis, their own password if any, and no
    retry: a sentinel that refuses is passed over at once for the next (redis-py's default retries would spend
    seconds on each dead sentinel, at every connect)."""
    found: dict[str, Any] = {
        "socket_timeout": options.socket_timeout_s,
        "socket_connect_timeout": options.socket_connect_timeout_s,
        "socket_keepalive": True,
        "retry": (redis.asyncio.retry.Retry if asyncio else Retry)(NoBackoff(), 0),
    }
    if password:
        found["password"] = password
    return found


def broker_sentinel_options(where: RedisSettings, options: RedisClientSettings) -> dict[str, Any]:
    """Kombu's transport options for a `sentinel://` broker URL (workers.redis_url.broker_url): ask the sentinels
    for the primary named PREFLIGHT_SENTINEL_MASTER at each connect, as our own clients do. Nothing for other URLs."""
    if parse_sentinel_url(where.url) is None:
        return {}
    return {
        "master_name": where.sentinel_master,
        "sentinel_kwargs": sentinel_connection_options(options, where.sentinel_password),
    }


def _primary_login(sentinel: SentinelUrl) -> dict[str, Any]:
    """How to log in to the primary the sentinels name: the database, user and password of the URL."""
    return {"db": sentinel.db, "username": sentinel.username, "password": sentinel.password}


def sync_client(where: RedisSettings, options: RedisClientSettings) -> redis.Redis:
    """The workers' client (one pool per worker process)."""
    retry = Retry(backoff(options), options.retries)
    sentinel = parse_sentinel_url(where.url)
    if sentinel is None:
        return redis.Redis.from_url(where.url, retry=retry, **connection_options(options))
    sentinels = redis.sentinel.Sentinel(
        sentinel.addresses, sentinel_kwargs=sentinel_connection_options(options, where.sentinel_password)
    )
    client: redis.Redis = sentinels.master_for(
        where.sentinel_master,
        redis_class=redis.Redis,
        retry=retry,
        **_primary_login(sentinel),
        **connection_options(options),
    )
    return client


def async_client(where: RedisSettings, options: RedisClientSettings) -> redis.asyncio.Redis:
    """The API's client: after a Redis restart (or failover) the API recovers by itself; while Redis stays away,
    requests are answered 503 (service.errors)."""
    retry = redis.asyncio.retry.Retry(backoff(options), options.retries)
    sentinel = parse_sentinel_url(where.url)
    if sentinel is None:
        return redis.asyncio.Redis.from_url(where.url, retry=retry, **connection_options(options))
    sentinels = redis.asyncio.sentinel.Sentinel(
        sentinel.addresses,
        sentinel_kwargs=sentinel_connection_options(options, where.sentinel_password, asyncio=True),
    )
    client: redis.asyncio.Redis = sentinels.master_for(
        where.sentinel_master,
        redis_class=redis.asyncio.Redis,
        retry=retry,
        **_primary_login(sentinel),
        **connection_options(options),
    )
    return client
