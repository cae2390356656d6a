"""Celery tasks: thin. Ids in; the engine does the work; the verdict is stored under our own keys."""

from __future__ import annotations

import logging
import os
import random
import time
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from celery.exceptions import Reject, SoftTimeLimitExceeded

from workers import history, metrics, recovery
from workers.celery_app import app
from workers.checks.engine import check_bundle as run_engine
from workers.checks.engine import error_verdict
from workers.checks.model import BundleVerdict
from workers.logs import log_context
from workers.queues import CHECK_BUNDLE_TASK, ENQUEUED_TENANT_HEADER
from workers.redis_client import REDIS_OUTAGE, sync_client
from workers.settings import get_settings
from workers.store import BundleJob, WorkerStore
from workers.webhooks import delivery as webhooks

log = logging.getLogger(__name__)

# A bundle whose processing killed its worker this many times is not run again: it gets a review verdict.
MAX_ATTEMPTS = 3
# Stop starting new checks this long before the soft limit, so the verdict is stored in time.
_DEADLINE_MARGIN_S = 10
# Attempts counted by runs that Redis failed and that could not take them back then (Redis stayed away): taken
# back at the next task this process runs, so that an outage never counts as a lost worker (MAX_ATTEMPTS).
_owed_attempts: set[tuple[str, int]] = set()
# Sending the retry (Redis just answered PING) tries again for about 10 s should the broker flap back down,
# rather than Celery's 0.4 s, after which Celery would drop the message.
_PUBLISH_RETRY = {"max_retries": 5, "interval_start": 0.5, "interval_step": 1.0, "interval_max": 3.0}


@cache
def _store(pid: int) -> WorkerStore:
    """One Redis connection pool per worker process (the pid keys the cache across prefork)."""
    settings = get_settings()
    return WorkerStore(sync_client(settings.redis, settings.redis_client), settings.redis.verdict_ttl_s)


def _check(run: _Run, job: BundleJob, files: dict[str, bytes]) -> BundleVerdict:
    settings = get_settings()
    deadline = time.monotonic() + max(1, settings.worker.soft_time_limit_s - _DEADLINE_MARGIN_S)
    return run_engine(
        job.spec,
        files,
        submit_on=date.fromisoformat(job.submit_on),
        policy=job.resolved_policy(),
        batch_id=run.batch_id,
        deadline=deadline,
        seconds_by_domain=run.seconds_by_domain,
        previews=run.previews if job.previews else None,
    )


@dataclass
class _Run:
    """What one execution of the task did: whether it counted an attempt (for the outage path), when it started
    and the engine's seconds per domain (for the metrics)."""

    batch_id: str
    index: int
    tenant: str | None = None  # read with the job; None once the batch is deleted
    started: float = field(default_factory=time.monotonic)
    counted: bool = False
    seconds_by_domain: dict[str, float] = field(default_factory=dict)
    previews: dict[str, bytes] = field(default_factory=dict)  # annotated, when the job asks (JPEG by document)


def _judge(store: WorkerStore, run: _Run) -> None:
    """Check the bundle and store its verdict exactly once. Redis errors propagate (see REDIS_OUTAGE)."""
    batch_id, index = run.batch_id, run.index
    job = store.load_job(batch_id, index)
    if job is None:
        log.info("batch %s bundle %d: nothing to do (already checked or batch deleted)", batch_id, index)
        return
    run.tenant = store.tenant_of(batch_id)
    if store.has_verdict(batch_id, job.reference):
        _send_events(store, run)  # a run before this one may have died before sending them
        store.purge(batch_id, index, job)
        return
    attempt = store.count_attempt(batch_id, index)
    run.counted = True
    if attempt > MAX_ATTEMPTS:
        verdict = error_verdict(job.spec, batch_id, job.named_policy(), "worker lost repeatedly")
    else:
        files = store.load_files(job)  # outside the engine's net: a Redis error here is no engine error
        try:
            verdict = _check(run, job, files)
        except SoftTimeLimitExceeded:
            verdict = error_verdict(job.spec, batch_id, job.named_policy(), "time limit exceeded")
        except Exception as exc:
            log.warning("batch %s bundle %d: engine raised %s", batch_id, index, type(exc).__name__)
            verdict = error_verdict(job.spec, batch_id, job.named_policy(), type(exc).__name__)
    _store_verdict(store, run, job, _with_history(store, run, verdict))


def _send_events(store: WorkerStore, run: _Run) -> None:
    """Send the bundle's webhook event, and the batch's when it is finalized (receivers dedupe by event id)."""
    if run.tenant is None:
        return
    webhooks.send(store.client, run.tenant, run.batch_id, webhooks.bundle_checked_id(run.batch_id, run.index))
    webhooks.emit_batch_completed(store.client, run.tenant, run.batch_id)


def _with_history(store: WorkerStore, run: _Run, verdict: BundleVerdict) -> BundleVerdict:
    """The verdict as an attempt of its applicant (workers/history.py): its number and what changed since the
    previous one. Recorded before the verdict is stored and once per bundle, so a run again after a lost worker
    gets the same number. A batch deleted before its check started has no tenant: no attempt is recorded."""
    if run.tenant is None:
        return verdict
    return history.record_attempt(store.client, run.tenant, run.batch_id, run.index, verdict, store.verdict_ttl_s)


def _store_verdict(store: WorkerStore, run: _Run, job: BundleJob, verdict: BundleVerdict) -> None:
    batch_id, index = run.batch_id, run.index
    outcome_verdict = verdict
    # The webhook event is stored before the verdict and sent after it, before the bundle's data is purged: a
    # worker lost in between leaves its message to a rerun, which sends the events again (_send_events).
    store.store_previews(batch_id, index, run.previews)  # before the verdict: a stored verdict has its previews
    if run.tenant is not None:
        webhooks.prepare_bundle_checked(store.client, run.tenant, batch_id, index, verdict)
    try:
        outcome = store.complete(batch_id, index, verdict)
    except (TypeError, ValueError) as exc:  # a verdict that cannot be encoded must still leave a verdict
        log.warning("batch %s bundle %d: verdict not storable (%s)", batch_id, index, type(exc).__name__)
        reason = f"verdict could not be stored ({type(exc).__name__})"
        outcome_verdict = error_verdict(job.spec, batch_id, job.named_policy(), reason)
        outcome = store.complete(batch_id, index, outcome_verdict)
    if outcome != -2:  # -2: the batch was deleted meanwhile
        _send_events(store, run)
    store.purge(batch_id, index, job)
    if outcome in (0, 1):  # stored now, not by an earlier run, nor for a batch deleted meanwhile
        try:
            metrics.record_verdict(outcome_verdict, time.monotonic() - run.started, run.seconds_by_domain)
        except OSError as exc:  # the metric files' folder (full, gone): the verdict is stored, that is what counts
            log.warning("batch %s bundle %d: metrics not recorded (%s)", batch_id, index, type(exc).__name__)
    if outcome == 1:
        log.info("batch %s finalized", batch_id)


def _wait_for_redis(store: WorkerStore, until: float) -> bool:
    """PING with exponential backoff and full jitter until Redis answers (True) or `until` passes (False)."""
    outage = get_settings().outage
    failures = 0
    while True:
        try:
            if store.ping():
                return True
        except REDIS_OUTAGE:
            pass
        pause = min(outage.wait_cap_s, outage.wait_base_s * 2**failures) * random.uniform(0.5, 1.0)
        if time.monotonic() + pause >= until:
            return False
        time.sleep(pause)
        failures += 1


def _retry_countdown(retries: int) -> float:
    outage = get_settings().outage
    cap = min(outage.backoff_cap_s, outage.backoff_base_s * 2**retries)
    return random.uniform(cap / 2, cap)


def _ride_out_outage(task: Any, store: WorkerStore, run: _Run, exc: Exception, started: float) -> None:
    """Redis failed under this task. Wait for it in place while the time limit allows, take back the attempt
    (no worker was lost) and send the task again with a jittered countdown. If Redis stays away, leave the
    message unacknowledged: Redis keeps it and gives it back (requeued now, or after the visibility timeout).
    Always raises: Celery's Retry (the message is then acknowledged) or Reject."""
    settings = get_settings()
    batch_id, index = run.batch_id, run.index
    retries = int(task.request.retries or 0)
    log.warning("batch %s bundle %d: Redis unreachable (%s), retry %d", batch_id, index, type(exc).__name__, retries)
    until = started + settings.worker.soft_time_limit_s - _DEADLINE_MARGIN_S / 2
    if run.counted:
        _owed_attempts.add((batch_id, index))
    try:
        recovered = _wait_for_redis(store, until)
        if recovered:
            _settle_owed_attempts(store)
    except (*REDIS_OUTAGE, SoftTimeLimitExceeded):
        recovered = False
    if not recovered:
        log.warning("batch %s bundle %d: Redis still unreachable, message left for redelivery", batch_id, index)
        raise Reject(type(exc).__name__, requeue=True) from None
    if retries >= settings.outage.max_retries:
        try:
            _give_up(store, run, exc)
        except REDIS_OUTAGE:
            raise Reject(type(exc).__name__, requeue=True) from None
        return
    try:
        raise task.retry(exc=exc, countdown=_retry_countdown(retries), retry_policy=_PUBLISH_RETRY)
    except Reject as rejected:
        # Celery could not send the retry and would drop the message (requeue=False): keep it instead.
        log.warning("batch %s bundle %d: retry not sent, message requeued", batch_id, index)
        raise Reject(rejected.reason, requeue=True) from None


def _settle_owed_attempts(store: WorkerStore) -> None:
    """Take back the attempts of earlier runs that Redis failed (raises if Redis fails again: kept owed)."""
    for batch_id, index in sorted(_owed_attempts):
        store.uncount_attempt(batch_id, index)
        _owed_attempts.discard((batch_id, index))


def _give_up(store: WorkerStore, run: _Run, exc: Exception) -> None:
    """Redis answers PING yet failed this bundle's commands outage after outage: a review verdict, not a loop."""
    batch_id, index = run.batch_id, run.index
    log.error("batch %s bundle %d: Redis failed %s repeatedly, giving up", batch_id, index, type(exc).__name__)
    job = store.load_job(batch_id, index)
    if job is None or store.has_verdict(batch_id, job.reference):
        return
    reason = f"store unavailable ({type(exc).__name__})"
    _store_verdict(store, run, job, error_verdict(job.spec, batch_id, job.named_policy(), reason))


@app.task(
    bind=True,
    name=CHECK_BUNDLE_TASK,
    queue=get_settings().worker.queue,
    # Outage retries are counted and bounded by _ride_out_outage; this is Celery's own backstop.
    max_retries=get_settings().outage.max_retries,
)
def check_bundle(self: Any, batch_id: str, index: int) -> None:
    """Check bundle `index` of batch `batch_id` and store its verdict; safe to run twice."""
    # The API names the tenant in a message header (service/batches/store.py); older messages have none.
    tenant = getattr(self.request, ENQUEUED_TENANT_HEADER, None)
    with log_context(batch_id=batch_id, bundle_index=index, **({"tenant": tenant} if tenant else {})):
        _check_bundle(self, batch_id, index)


def _check_bundle(self: Any, batch_id: str, index: int) -> None:
    run = _Run(batch_id, index)
    started = run.started
    store = _store(os.getpid())
    claim: recovery.Claim | None = None
    try:
        if _owed_attempts:
            _settle_owed_attempts(store)
        claim = _claim(self, store, run)
        _judge(store, run)
    except REDIS_OUTAGE as exc:
        try:
            _ride_out_outage(self, store, run, exc, started)
        except Reject:
            claim = None  # Redis is still away: no release to wait for (a claim left behind is harmless)
            raise
    finally:
        if claim is not None:
            _release(store, run, claim)


def _claim(task: Any, store: WorkerStore, run: _Run) -> recovery.Claim | None:
    """Record under this worker's name that it runs this message, so that a live worker gives the message back to
    the queue at once should this worker die (workers/recovery.py). Redis errors propagate (see REDIS_OUTAGE)."""
    tag = (task.request.properties or {}).get("delivery_tag")
    hostname = task.request.hostname
    if not tag or not hostname:  # called directly, not from a broker message: nothing to give back
        return None
    return recovery.claim(store.client, str(tag), str(hostname), run.batch_id, run.index)


def _release(store: WorkerStore, run: _Run, claim: recovery.Claim) -> None:
    """The run is over (verdict stored, nothing to do, retry sent or message requeued): drop its claim. Never
    raises: a claim left behind by an outage only makes a later recovery give back a message that is no longer
    unacknowledged, which does nothing, and is dropped once older than the visibility timeout."""
    try:
        recovery.release(store.client, claim)
    except REDIS_OUTAGE as exc:
        log.warning("batch %s bundle %d: claim not released (%s)", run.batch_id, run.index, type(exc).__name__)
