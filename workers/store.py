"""The worker side of the Redis layout: load a bundle's job, store its verdict exactly once, purge its files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
import redis

from workers import keys
from workers.checks.manifest import BundleSpec
from workers.checks.model import BundleVerdict, Status

# Stores the verdict only if this bundle has none yet, counts it, and finalizes the batch when it is the last
# one. Atomic in Redis, so a redelivered or duplicated task stores nothing new and counts nothing twice.
_COMPLETE = """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[1], 'count:' .. ARGV[3], 1)
for i = 6, #ARGV do redis.call('HINCRBY', KEYS[3], ARGV[i], 1) end
local ttl = tonumber(ARGV[4])
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[3], ttl)
local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
if done >= total and redis.call('HSETNX', KEYS[1], 'finalized_at', ARGV[5]) == 1 then
  redis.call('HSET', KEYS[1], 'state', 'done')
  return 1
end
redis.call('HSET', KEYS[1], 'state', 'running')
return 0
"""


class BundleJob(msgspec.Struct):
    """What the API stores for one bundle: its manifest entry and the batch-wide settings it is judged by."""

    reference: str
    spec: BundleSpec
    submit_on: str
    policy: str
    # Per document, in spec order: the Redis key holding its bytes.
    blob_keys: list[str]


@dataclass
class WorkerStore:
    client: redis.Redis
    verdict_ttl_s: int

    def load_job(self, batch_id: str, index: int) -> BundleJob | None:
        raw = self.client.get(keys.bundle_spec(batch_id, index))
        return None if raw is None else msgspec.json.decode(raw, type=BundleJob)

    def has_verdict(self, batch_id: str, reference: str) -> bool:
        return bool(self.client.hexists(keys.verdicts(batch_id), reference))

    def count_attempt(self, batch_id: str, index: int) -> int:
        pipe = self.client.pipeline()
        pipe.hincrby(keys.attempts(batch_id), str(index), 1)
        pipe.expire(keys.attempts(batch_id), self.verdict_ttl_s)
        return int(pipe.execute()[0])

    def load_files(self, job: BundleJob) -> dict[str, bytes]:
        values = self.client.mget(job.blob_keys) if job.blob_keys else []
        return {
            doc.file: value for doc, value in zip(job.spec.documents, values, strict=True) if isinstance(value, bytes)
        }

    def complete(self, batch_id: str, index: int, verdict: BundleVerdict) -> int:
        """Store the verdict once. Returns 1 if this finalized the batch, 0 if stored, -1 if already there,
        -2 if the batch no longer exists (deleted meanwhile)."""
        problem_codes = [f.code for f in verdict.findings if f.status is not Status.PASS]
        result = self.client.eval(
            _COMPLETE,
            3,
            keys.batch(batch_id),
            keys.verdicts(batch_id),
            keys.codes(batch_id),
            verdict.reference,
            msgspec.json.encode(verdict),
            verdict.verdict.value,
            self.verdict_ttl_s,
            datetime.now(UTC).isoformat(timespec="seconds"),
            *problem_codes,
        )
        return int(result)

    def purge(self, batch_id: str, index: int, job: BundleJob | None) -> None:
        """Delete the bundle's documents and its manifest entry (personal data) once it is checked."""
        doomed = [keys.bundle_spec(batch_id, index), *(job.blob_keys if job else [])]
        self.client.delete(*doomed)
