"""Fast recovery of a dead worker's bundles (issue #16): within seconds of its heartbeat expiring, not after the
broker's visibility timeout (minutes).

Each task run records a claim in one Redis hash, `keys.RUNNING`: the broker's delivery tag of its message -> who
runs it (worker hostname), which bundle, since when. The run removes its claim when it ends, whatever the outcome.
The heartbeat thread of every live worker (workers/heartbeat.py) looks at the claims each period; a claim whose
worker has no heartbeat any more is taken (deleted if unchanged: one atomic step, so exactly one live worker takes
it) and its message is moved from the broker's unacknowledged set back to the head of the queue, with kombu's own
restore (the step the visibility timeout would take later): the same message, not a copy. So a bundle is never
queued twice by a recovery, and its attempts (workers.tasks, MAX_ATTEMPTS) count one start per delivery, as before.

A worker also takes back claims of its own present life for runs it no longer has (not among the requests it
runs, at two looks in a row): a run whose end Redis lost (a failover that lost its last writes, verdict
included, or an outage that cut its release). Giving back a message that was acknowledged does nothing; one
whose acknowledgement was lost too runs once more, which the task makes harmless.

A message already acknowledged (its verdict stored) or already restored (by the visibility timeout) is not in the
unacknowledged set any more: restoring it does nothing. The visibility timeout stays the backstop, should a
recovery itself be interrupted.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import redis

from workers import keys
from workers.celery_app import app
from workers.enqueue import send_checks
from workers.queues import batch_queue
from workers.settings import get_settings

log = logging.getLogger(__name__)

# Deletes the claim only if it is still the one given: the run's own release, or a recovery taking it. A message
# taken again by another worker carries the same delivery tag; its new claim replaced the old one and stays.
_TAKE = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
"""


@dataclass(frozen=True)
class Claim:
    tag: str
    value: str


def claim(client: redis.Redis, tag: str, hostname: str, batch_id: str, index: int) -> Claim:
    """Record that `hostname` runs the message `tag` (bundle `index` of `batch_id`). Redis errors propagate."""
    value = json.dumps({"worker": hostname, "bundle": f"{batch_id}:{index}", "at": time.time()})
    client.hset(keys.RUNNING, tag, value)
    return Claim(tag, value)


def release(client: redis.Redis, run_claim: Claim) -> bool:
    """Remove the run's claim if it is still there (True if it was removed). Redis errors propagate."""
    return bool(client.eval(_TAKE, 1, keys.RUNNING, run_claim.tag, run_claim.value))


def _parse(value: bytes | str) -> tuple[str, float] | None:
    try:
        found = json.loads(value)
        return str(found["worker"]), float(found["at"])
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class OwnRuns:
    """What this worker runs, for the claims of its own life: `running()` gives the delivery tags of the tasks it
    runs now; `idle` holds the tags of its own claims that it was not running at the last look."""

    running: Callable[[], set[str]]
    idle: set[str] = field(default_factory=set)


def lost_claims(
    client: redis.Redis,
    me: str,
    *,
    started_at: float,
    judge_peers: bool,
    max_age_s: float,
    own: OwnRuns | None = None,
) -> tuple[list[Claim], list[Claim]]:
    """(lost, stale) claims. Lost: a run of a worker without heartbeat (only when `judge_peers`), of an earlier
    life of this worker (`me`, claimed before `started_at`), or (with `own`) a claim of this life that this
    worker was running neither now nor at the last look: a run whose end Redis did not record (a failover lost
    its last writes, verdict included; an outage cut its release). Stale: older than `max_age_s` (the broker has
    given its message back by then) or unreadable; they are only dropped."""
    entries: dict[bytes, bytes] = client.hgetall(keys.RUNNING)  # type: ignore[assignment]
    # Read after the claims: a run that ends in between has released its claim, so it is not taken for idle
    # twice (and a run not yet seen as started by this process is seen on the next look, seconds later).
    running = own.running() if own is not None else set()
    parsed = {tag.decode(): (value.decode(), _parse(value)) for tag, value in entries.items()}
    peers = sorted({who[0] for _, who in parsed.values() if who is not None and who[0] != me}) if judge_peers else []
    alive: dict[str, bool] = {}
    if peers:
        pipe = client.pipeline(transaction=False)
        for peer in peers:
            pipe.exists(keys.worker_heartbeat(peer))
        alive = {peer: bool(n) for peer, n in zip(peers, pipe.execute(), strict=True)}
    now = time.time()
    lost: list[Claim] = []
    stale: list[Claim] = []
    idle: set[str] = set()
    for tag, (value, who) in sorted(parsed.items()):
        if who is None or now - who[1] > max_age_s:
            stale.append(Claim(tag, value))
        elif (who[0] == me and who[1] < started_at) or (who[0] != me and alive.get(who[0], True) is False):
            lost.append(Claim(tag, value))
        elif own is not None and who[0] == me and tag not in running:
            idle.add(tag)
            if tag in own.idle:
                lost.append(Claim(tag, value))
    if own is not None:
        own.idle = idle
    return lost, stale


def take(client: redis.Redis, claims: Iterable[Claim]) -> list[Claim]:
    """The claims this caller took (deleted unchanged): no other worker recovers them."""
    return [c for c in claims if release(client, c)]


def recover(
    client: redis.Redis,
    me: str,
    restore: Callable[[list[str]], None],
    *,
    started_at: float,
    judge_peers: bool,
    max_age_s: float,
    own: OwnRuns | None = None,
) -> list[Claim]:
    """One look: take the lost claims and give their messages back to the queue (`restore`, delivery tags); drop
    stale claims. Returns the claims recovered. Redis errors propagate (the next look tries again)."""
    lost, stale = lost_claims(client, me, started_at=started_at, judge_peers=judge_peers, max_age_s=max_age_s, own=own)
    take(client, stale)
    taken = take(client, lost)
    if taken:
        try:
            restore([c.tag for c in taken])
        except Exception:
            # Put the claims back so that the next look tries again (if Redis fails here too, the visibility
            # timeout gives the messages back).
            client.hset(keys.RUNNING, mapping={c.tag: c.value for c in taken})
            raise
        for c in taken:
            log.warning("recovered a bundle of a lost run: %s", c.value)
    return taken


def restore_messages(tags: list[str]) -> None:
    """Move these messages from the broker's unacknowledged set back to the head of their queue, as kombu does for
    messages past the visibility timeout (kombu.transport.redis.QoS.restore_by_tag; one that is not there any more
    was acknowledged or restored already: nothing happens)."""
    with app.connection_for_write() as connection:
        qos = connection.default_channel.qos
        for tag in tags:
            qos.restore_by_tag(tag)


def send_again(client: redis.Redis, batch_id: str, index: int) -> None:
    """Send a new message for bundle `index` of `batch_id`, whose message was lost (workers/orphans.py), to its
    tenant's queue, as the API sent the first."""
    found = client.hget(keys.batch(batch_id), "tenant")
    tenant = found.decode() if isinstance(found, bytes) else str(found or "")
    send_checks(batch_id, [index], batch_queue(tenant, get_settings().worker), tenant)
