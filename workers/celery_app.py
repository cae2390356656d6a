"""The Celery application: Redis as broker, explicit queue, late acks, one message prefetched per process."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_process_init, worker_process_shutdown

from workers import metrics
from workers.allocator import keep_freed_memory
from workers.checks.threads import use_one_thread
from workers.logs import configure_logging
from workers.queues import consumed_queues
from workers.redis_client import broker_sentinel_options
from workers.redis_url import broker_url
from workers.settings import RedisClientSettings, RedisSettings, get_settings


def _transport_options(visibility_timeout_s: int, client: RedisClientSettings, where: RedisSettings) -> dict[str, Any]:
    """Kombu sweeps for abandoned messages every interval x throttle seconds (10 x 10 by default): far
    longer than our visibility timeout. Sweep every quarter timeout (at most every 10 s), scanning each time.
    The broker's connections get the same timeouts and health checks as our own Redis clients, so that a
    consumer whose connection a Redis restart broke notices it, reconnects and consumes again. Behind Sentinel,
    kombu asks the sentinels where the primary is at each connect (workers.redis_client)."""
    return {
        **broker_sentinel_options(where, client),
        "visibility_timeout": visibility_timeout_s,
        "unacked_restore_interval": max(1, min(10, visibility_timeout_s // 4)),
        "unacked_restore_throttle": 1,
        "socket_timeout": client.socket_timeout_s,
        "socket_connect_timeout": client.socket_connect_timeout_s,
        "socket_keepalive": True,
        "health_check_interval": client.health_check_interval_s,
    }


def create_celery() -> Celery:
    settings = get_settings()
    app = Celery(
        "kyc_preflight",
        broker=broker_url(settings.redis.url),
        include=["workers.tasks", "workers.heartbeat", "workers.webhooks.delivery"],
    )
    app.conf.update(
        task_default_queue=settings.worker.queue,
        # Inline checks and each tenant shard have their own queue; a worker consumes all of them, served in
        # turn (workers/queues.py says why that is fair).
        # (Celery's dict form of kombu's Queue: a direct exchange of the queue's name, the name as routing key.)
        task_queues={name: {"exchange": name, "routing_key": name} for name in consumed_queues(settings.worker)},
        task_acks_late=True,
        # A worker process killed mid-task (OOM, kill -9) puts its message back instead of losing the bundle.
        task_reject_on_worker_lost=True,
        # A task that times out is requeued, not acknowledged. (A task that raises is rejected without requeue,
        # that is dropped: so check_bundle never lets Redis errors out; it retries them, see workers.tasks.)
        task_acks_on_failure_or_timeout=False,
        task_ignore_result=True,  # verdicts are stored by the task itself, under our own keys
        worker_prefetch_multiplier=1,
        worker_concurrency=settings.worker.concurrency,
        task_soft_time_limit=settings.worker.soft_time_limit_s,
        task_time_limit=settings.worker.hard_time_limit_s,
        broker_transport_options=_transport_options(
            settings.worker.effective_visibility_timeout_s, settings.redis_client, settings.redis
        ),
        # A worker started before Redis, or whose Redis restarts, keeps trying to (re)connect forever rather
        # than exiting after 100 attempts: it consumes again as soon as Redis is back.
        broker_connection_retry_on_startup=True,
        broker_connection_retry=True,
        broker_connection_max_retries=None,
        # Tasks running when the broker connection drops are not cancelled: they ride the outage out themselves
        # (workers.tasks waits for Redis, then retries); cancelling would throw their work away and leave their
        # messages to the visibility timeout. (Celery warns that its default becomes True in 6.0.)
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        # Images are decoded in the worker; recycle a process that has grown past 1.5 GB.
        worker_max_memory_per_child=1_500_000,
        task_serializer="json",
        accept_content=["json"],
    )
    return app


app = create_celery()


def _reuse_image_buffers(**_: Any) -> None:
    """Each image's large buffers are reused by the next instead of being faulted in again (workers.allocator):
    set in the main process (which a solo pool runs tasks in) and again in each forked pool process."""
    keep_freed_memory()


def _one_compute_thread(**_: Any) -> None:
    """Each prefork pool process runs one bundle at a time on one thread: the pool is the parallelism
    (workers.checks.threads). A solo worker keeps OpenCV's threads."""
    use_one_thread()


worker_init.connect(_reuse_image_buffers)
worker_process_init.connect(_reuse_image_buffers)
worker_process_init.connect(_one_compute_thread)


def _logging(loglevel: int | str | None = None, **_: Any) -> None:
    """Our log format (JSON lines or text, PREFLIGHT_LOG_FORMAT) instead of Celery's: a receiver of setup_logging
    makes Celery leave logging to it. Celery's own records reach the same root handler."""
    level = loglevel if isinstance(loglevel, int) else logging.getLevelName(str(loglevel or "INFO").upper())
    configure_logging(get_settings().observability.log_format, level if isinstance(level, int) else logging.INFO)


setup_logging.connect(_logging)
worker_init.connect(metrics.record_node)
worker_process_shutdown.connect(metrics.mark_dead)
