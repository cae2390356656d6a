"""The worker side of the Redis layout: load a bundle's job, store its verdict exactly once, purge its files.

Jobs, files and verdicts are sealed with the batch's data key (workers/sealing.py); a bundle whose data does not
open (another master key, altered bytes) gets an error verdict here instead of a check.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
import redis

from workers import compaction, keys
from workers.checks.engine import error_verdict
from workers.checks.manifest import BundleSpec, Profile
from workers.checks.model import BundleVerdict, Status
from workers.checks.policy import Policy, UnknownPolicyError, load_policy, policy_from_raw
from workers.sealing import (
    BatchSealer,
    Keyring,
    MasterKeyError,
    SealError,
    file_name,
    job_name,
    keyring_of,
    preview_name,
    verdict_name,
)
from workers.settings import SealingSettings, get_settings

log = logging.getLogger(__name__)
# Data keys of recent batches, unwrapped once per worker process.
_SEALER_CACHE = 256

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

# Deletes a checked bundle's manifest entry and releases its files. A file shared by several bundles (stored once
# by the API: service.batches.store) has a set of the bundles still holding it beside it, KEYS[2i+1]: the bundle
# takes itself out and the last one deletes the file. A file without that set is the bundle's own. Idempotent: a
# redelivered task that purges again takes out nothing twice. KEYS: spec, then (blob, holders) pairs; ARGV: index.
_PURGE = """
redis.call('DEL', KEYS[1])
for i = 2, #KEYS, 2 do
  redis.call('SREM', KEYS[i + 1], ARGV[1])
  if redis.call('SCARD', KEYS[i + 1]) == 0 then redis.call('DEL', KEYS[i], KEYS[i + 1]) end
end
return 0
"""


def _named_policy(name: str, sha256: object) -> Policy:
    """The policy an error verdict names: only its name and hash are read (a tenant's is not shipped here).
    Never raises: an error verdict must be stored whatever went wrong."""
    try:
        shipped = load_policy(name)
    except UnknownPolicyError:
        shipped = dataclasses.replace(load_policy("default"), name=name)
    if isinstance(sha256, bytes):
        sha256 = sha256.decode()
    return dataclasses.replace(shipped, sha256=sha256) if isinstance(sha256, str) and sha256 else shipped


class BundleJob(msgspec.Struct):
    """What the API stores for one bundle: its manifest entry and the batch-wide settings it is judged by."""

    reference: str
    spec: BundleSpec
    submit_on: str
    policy: str
    # Per document, in spec order: the Redis key holding its bytes.
    blob_keys: list[str]
    # The batch it belongs to: its files are sealed under this id.
    batch_id: str = ""
    # The policy the API resolved (a tenant's own or a shipped one): its hash and merged tables. Empty in jobs
    # queued before tenant policies existed: the shipped policy `policy` is loaded then.
    policy_sha256: str = ""
    policy_tables: dict[str, Any] = msgspec.field(default_factory=dict)
    # Annotated previews of the documents with a fail or review finding are made and kept with the verdict.
    previews: bool = False

    def named_policy(self) -> Policy:
        """For an error verdict: names the job's policy and hash without validating its tables again."""
        return _named_policy(self.policy, self.policy_sha256)

    def resolved_policy(self) -> Policy:
        if not self.policy_sha256:
            return load_policy(self.policy)
        return policy_from_raw(self.policy, self.policy_sha256, self.policy_tables)


def _sealing_settings() -> SealingSettings:
    return get_settings().sealing


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


@dataclass
class WorkerStore:
    client: redis.Redis
    verdict_ttl_s: int
    sealing: SealingSettings = field(default_factory=_sealing_settings)
    _keyring: Keyring | None = field(default=None, init=False, repr=False)
    _sealers: dict[str, BatchSealer] = field(default_factory=dict, init=False, repr=False)
    # The job load_job returned last, with its files already opened (load_files hands them over).
    _opened: tuple[BundleJob, dict[str, bytes]] | None = field(default=None, init=False, repr=False)
    # Batches this process finalized whose last bundle is not purged yet (then an AOF rewrite is asked for).
    _finalized: set[str] = field(default_factory=set, init=False, repr=False)

    def load_job(self, batch_id: str, index: int) -> BundleJob | None:
        """The bundle's job with its files opened, or None: nothing to do, or its data does not open (then it got
        an error verdict and its data is purged here)."""
        raw = self.client.get(keys.bundle_spec(batch_id, index))
        if raw is None:
            return None
        try:
            sealer = self._sealer(batch_id)
            if sealer is None:
                raise SealError("the batch's data key is gone (the batch was deleted or expired)")
            job = msgspec.json.decode(sealer.open(job_name(index), _bytes(raw)), type=BundleJob)
            files = self._open_files(sealer, job)
        except (SealError, MasterKeyError) as exc:
            self._unreadable(batch_id, index, exc)
            return None
        self._opened = (job, files)
        return job

    def _sealer(self, batch_id: str) -> BatchSealer | None:
        """The batch's data key, unwrapped by the master key; None if the batch has none (deleted, expired)."""
        sealer = self._sealers.get(batch_id)
        if sealer is None:
            wrapped = self.client.get(keys.data_key(batch_id))
            if wrapped is None:
                return None
            if self._keyring is None:
                self._keyring = keyring_of(self.sealing.master_keys)
            sealer = BatchSealer(batch_id, self._keyring.unwrap(batch_id, _bytes(wrapped)))
            if len(self._sealers) >= _SEALER_CACHE:
                self._sealers.pop(next(iter(self._sealers)))
            self._sealers[batch_id] = sealer
        return sealer

    def _open_files(self, sealer: BatchSealer, job: BundleJob) -> dict[str, bytes]:
        values = self.client.mget(job.blob_keys) if job.blob_keys else []
        files: dict[str, bytes] = {}
        for doc, value in zip(job.spec.documents, values, strict=True):
            if isinstance(value, bytes) and doc.file not in files:
                files[doc.file] = sealer.open_stream(file_name(doc.file), value)
        return files

    def _unreadable(self, batch_id: str, index: int, exc: Exception) -> None:
        """An error verdict for a bundle whose data does not open, stored plain (it quotes nothing of the bundle,
        and a worker that cannot unwrap the batch's key cannot seal); then its data is purged."""
        log.warning("batch %s bundle %d: its data does not open: %s", batch_id, index, exc)
        reference, policy, policy_sha256 = (
            self.client.lindex(keys.refs(batch_id), index),
            self.client.hget(keys.batch(batch_id), "policy"),
            self.client.hget(keys.batch(batch_id), "policy_sha256"),
        )
        if isinstance(reference, bytes) and not self.has_verdict(batch_id, reference.decode()):
            spec = BundleSpec(reference=reference.decode(), profile=Profile(full_name=""), documents=[])
            policy_name = policy.decode() if isinstance(policy, bytes) else "default"
            reason = f"its data could not be decrypted: {exc}"
            verdict = error_verdict(spec, batch_id, _named_policy(policy_name, policy_sha256), reason)
            self._store_verdict(batch_id, verdict, msgspec.json.encode(verdict))
        blobs = list(self.client.scan_iter(match=keys.blob_pattern(batch_id, index), count=100))
        self.purge(batch_id, index, None, blobs)

    def tenant_of(self, batch_id: str) -> str | None:
        """The tenant that submitted the batch, or None when the batch no longer exists."""
        tenant = self.client.hget(keys.batch(batch_id), "tenant")
        return None if tenant is None else _bytes(tenant).decode()

    def has_verdict(self, batch_id: str, reference: str) -> bool:
        return bool(self.client.hexists(keys.verdicts(batch_id), reference))

    def count_attempt(self, batch_id: str, index: int) -> int:
        pipe = self.client.pipeline()
        pipe.hincrby(keys.attempts(batch_id), str(index), 1)
        pipe.expire(keys.attempts(batch_id), self.verdict_ttl_s)
        return int(pipe.execute()[0])

    def uncount_attempt(self, batch_id: str, index: int) -> None:
        """Take back an attempt that ended because Redis was unreachable: it was no lost worker."""
        self.client.hincrby(keys.attempts(batch_id), str(index), -1)

    def ping(self) -> bool:
        return bool(self.client.ping())

    def load_files(self, job: BundleJob) -> dict[str, bytes]:
        """The job's files, opened (by load_job, which returned this job)."""
        if self._opened is not None and self._opened[0] is job:
            files, self._opened = self._opened[1], None
            return files
        sealer = self._sealer(job.batch_id)
        return {} if sealer is None else self._open_files(sealer, job)

    def store_previews(self, batch_id: str, index: int, previews: dict[str, bytes]) -> None:
        """Seal and keep a bundle's annotated previews for the verdict retention (before its verdict is stored:
        a verdict that is there has its previews)."""
        sealer = self._sealer(batch_id)
        if sealer is None or not previews:
            return
        pipe = self.client.pipeline(transaction=False)
        for document, jpeg in previews.items():
            sealed = sealer.seal(preview_name(index, document), jpeg)
            pipe.set(keys.preview(batch_id, index, document), sealed, ex=self.verdict_ttl_s)
        pipe.execute()

    def complete(self, batch_id: str, index: int, verdict: BundleVerdict) -> int:
        """Store the verdict once. Returns 1 if this finalized the batch, 0 if stored, -1 if already there,
        -2 if the batch no longer exists (deleted meanwhile)."""
        payload = msgspec.json.encode(verdict)
        sealer = self._sealer(batch_id)
        if sealer is None:
            return -2  # the batch's key went with the batch
        return self._store_verdict(batch_id, verdict, sealer.seal(verdict_name(verdict.reference), payload))

    def _store_verdict(self, batch_id: str, verdict: BundleVerdict, payload: bytes) -> int:
        problem_codes = [f.code for f in verdict.findings if f.status is not Status.PASS]
        result = self.client.eval(
            _COMPLETE,
            3,
            keys.batch(batch_id),
            keys.verdicts(batch_id),
            keys.codes(batch_id),
            verdict.reference,
            payload,
            verdict.verdict.value,
            self.verdict_ttl_s,
            datetime.now(UTC).isoformat(timespec="seconds"),
            *problem_codes,
        )
        if int(result) == 1:
            self._finalized.add(batch_id)
        return int(result)

    def purge(
        self, batch_id: str, index: int, job: BundleJob | None, blob_keys: list[str] | list[bytes] | None = None
    ) -> None:
        """Delete the bundle's documents and its manifest entry (personal data) once it is checked. After the last
        bundle of a batch, ask Redis to rewrite its AOF so that the deleted data leaves the disk too."""
        found = [
            k.decode() if isinstance(k, bytes) else k for k in [*(job.blob_keys if job else []), *(blob_keys or [])]
        ]
        blobs = dict.fromkeys(k for k in found if not k.endswith(":holders"))  # a scan finds the sets too
        pairs = [k for blob in blobs for k in (blob, blob + ":holders")]
        self.client.eval(_PURGE, 1 + len(pairs), keys.bundle_spec(batch_id, index), *pairs, index)
        if self._opened is not None and self._opened[0] is job:
            self._opened = None  # the opened files go with them
        if batch_id in self._finalized:
            self._finalized.discard(batch_id)
            try:
                compaction.request_rewrite(self.client, self.sealing)
            except redis.RedisError as exc:  # the heartbeat asks again later (workers/compaction.py)
                log.warning("batch %s: AOF rewrite not requested (%s)", batch_id, type(exc).__name__)
