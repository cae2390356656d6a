"""Celery tasks: thin. Ids in; the engine does the work; the verdict is stored under our own keys."""

from __future__ import annotations

import logging
import os
import time
from datetime import date
from functools import cache

import redis
from celery.exceptions import SoftTimeLimitExceeded

from workers.celery_app import app
from workers.checks.engine import check_bundle as run_engine
from workers.checks.engine import error_verdict
from workers.checks.model import BundleVerdict
from workers.checks.policy import load_policy
from workers.settings import get_settings
from workers.store import BundleJob, WorkerStore

log = logging.getLogger(__name__)

# A bundle whose processing killed its worker this many times is not run again: it gets a review verdict.
MAX_ATTEMPTS = 3
# Stop starting new checks this long before the soft limit, so the verdict is stored in time.
_DEADLINE_MARGIN_S = 10


@cache
def _store(pid: int) -> WorkerStore:
    """One Redis connection pool per worker process (the pid keys the cache across prefork)."""
    settings = get_settings()
    return WorkerStore(redis.Redis.from_url(settings.redis.url), settings.redis.verdict_ttl_s)


def _check(batch_id: str, job: BundleJob, store: WorkerStore) -> BundleVerdict:
    settings = get_settings()
    files = store.load_files(job)
    deadline = time.monotonic() + max(1, settings.worker.soft_time_limit_s - _DEADLINE_MARGIN_S)
    return run_engine(
        job.spec,
        files,
        submit_on=date.fromisoformat(job.submit_on),
        policy=load_policy(job.policy),
        batch_id=batch_id,
        deadline=deadline,
    )


@app.task(name="kyc.check_bundle", queue=get_settings().worker.queue)
def check_bundle(batch_id: str, index: int) -> None:
    """Check bundle `index` of batch `batch_id` and store its verdict; safe to run twice."""
    store = _store(os.getpid())
    job = store.load_job(batch_id, index)
    if job is None:
        log.info("batch %s bundle %d: nothing to do (already checked or batch deleted)", batch_id, index)
        return
    if store.has_verdict(batch_id, job.reference):
        store.purge(batch_id, index, job)
        return
    attempt = store.count_attempt(batch_id, index)
    if attempt > MAX_ATTEMPTS:
        verdict = error_verdict(job.spec, batch_id, load_policy(job.policy), "worker lost repeatedly")
    else:
        try:
            verdict = _check(batch_id, job, store)
        except SoftTimeLimitExceeded:
            verdict = error_verdict(job.spec, batch_id, load_policy(job.policy), "time limit exceeded")
        except Exception as exc:
            log.warning("batch %s bundle %d: engine raised %s", batch_id, index, type(exc).__name__)
            verdict = error_verdict(job.spec, batch_id, load_policy(job.policy), type(exc).__name__)
    try:
        outcome = store.complete(batch_id, index, verdict)
    except (TypeError, ValueError) as exc:  # a verdict that cannot be encoded must still leave a verdict
        log.warning("batch %s bundle %d: verdict not storable (%s)", batch_id, index, type(exc).__name__)
        reason = f"verdict could not be stored ({type(exc).__name__})"
        outcome = store.complete(batch_id, index, error_verdict(job.spec, batch_id, load_policy(job.policy), reason))
    store.purge(batch_id, index, job)
    if outcome == 1:
        log.info("batch %s finalized", batch_id)
