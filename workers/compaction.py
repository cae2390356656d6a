"""Make deletion reach the disk: after data is deleted, ask Redis to rewrite its append-only file.

DEL removes a key from memory, but the append-only file (AOF) still holds every command that wrote it until Redis
rewrites the file from what is live. Everything written about a batch is sealed (workers/sealing.py), so without
the master key the AOF holds nothing readable; but the batch's wrapped data key is in the AOF too, so someone with
the AOF *and* the master key could open a deleted batch until the next rewrite. So, once a batch is finalized
(its last files purged) or deleted, the process that did it asks for a rewrite (BGREWRITEAOF), at most once per
`aof_rewrite_interval_s` across all processes; a request that falls inside the interval leaves a mark that the
workers' heartbeat thread turns into a rewrite when the interval is over. The heartbeat also asks for one at least
every `aof_rewrite_max_age_s`, for data that expired by itself (retention, files never read). A Redis without AOF,
or one that refuses BGREWRITEAOF (some managed services), is left alone: its operator owns its persistence.
"""

from __future__ import annotations

import logging

import redis
import redis.asyncio

from workers import keys
from workers.settings import SealingSettings

log = logging.getLogger(__name__)

# Returns 1 when the caller should send BGREWRITEAOF now: something was deleted (or no rewrite happened within the
# maximum age), and no rewrite was asked for within the interval. The claim, the mark and its clearing are atomic.
_CLAIM = """
if ARGV[3] == 'mark' then redis.call('SET', KEYS[1], '1') end
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[1])) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[3], '1', 'EX', tonumber(ARGV[2]))
return 1
"""
_KEYS = (keys.AOF_DIRTY, keys.AOF_RECENT, keys.AOF_FRESH)
_IN_PROGRESS = "already in progress"

# A Redis that refuses the command once refuses it always: stop asking (per process).
_refused = False


def _args(settings: SealingSettings, mode: str) -> tuple[str, ...]:
    return (*_KEYS, str(settings.aof_rewrite_interval_s), str(max(1, settings.aof_rewrite_max_age_s)), mode)


def _aof_enabled(info: dict[str, object]) -> bool:
    return str(info.get("aof_enabled", "0")) == "1"


def _refuse(exc: redis.ResponseError) -> None:
    global _refused
    _refused = True
    log.warning("Redis refused BGREWRITEAOF (%s): deleted data stays in its AOF until Redis rewrites it", exc)


def request_rewrite(client: redis.Redis, settings: SealingSettings, *, deleted: bool = True) -> bool:
    """Called after deleting data (deleted=True) or periodically (deleted=False). True if a rewrite was asked."""
    if settings.aof_rewrite_interval_s <= 0 or _refused:
        return False
    if not int(client.eval(_CLAIM, 3, *_args(settings, "mark" if deleted else "tick"))):
        return False
    try:
        if not _aof_enabled(client.info("persistence")):
            return False
        client.bgrewriteaof()
    except redis.ResponseError as exc:
        if _IN_PROGRESS not in str(exc):
            _refuse(exc)
            return False
        client.set(keys.AOF_DIRTY, "1")  # the running rewrite may have forked before our deletion: ask again
        return False
    return True


async def request_rewrite_async(client: redis.asyncio.Redis, settings: SealingSettings) -> bool:
    """request_rewrite for the API (asyncio client), after a DELETE."""
    if settings.aof_rewrite_interval_s <= 0 or _refused:
        return False
    if not int(await client.eval(_CLAIM, 3, *_args(settings, "mark"))):
        return False
    try:
        if not _aof_enabled(await client.info("persistence")):
            return False
        await client.bgrewriteaof()
    except redis.ResponseError as exc:
        if _IN_PROGRESS not in str(exc):
            _refuse(exc)
            return False
        await client.set(keys.AOF_DIRTY, "1")
        return False
    return True
