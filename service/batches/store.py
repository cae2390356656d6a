"""The API side of the Redis layout: create a batch from a received upload, read its progress and verdicts.

The batch's data key is stored wrapped by the master key; job records are sealed with it here, files were sealed
as they arrived (service.batches.ingest), verdicts are sealed by the workers and opened here (workers/sealing.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import anyio.to_thread
import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.batches.ingest import Upload
from service.batches.multipart import nfc
from service.errors import ManifestInvalidError, NotFoundError, PreflightError, ServiceUnavailableError
from service.keyring import service_keyring
from service.webhooks.callbacks import callback_endpoint, checked_url_async
from workers import compaction, keys
from workers.checks.manifest import Manifest, ManifestError, parse_manifest, submit_day
from workers.checks.policy import Policy, PolicyFileError, UnknownPolicyError
from workers.checks.policy.tenant import resolve_policy
from workers.enqueue import send_checks
from workers.queues import queue_for
from workers.sealing import BatchSealer, Keyring, SealError, is_sealed, job_name, preview_name, verdict_name
from workers.settings import Settings
from workers.store import BundleJob
from workers.webhooks.addresses import RefusedAddressError
from workers.webhooks.delivery import batch_event_ids


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


log = logging.getLogger(__name__)


class UnreadableBatchError(PreflightError):
    """The batch's data does not open with the configured master key(s): it was sealed under another one."""

    status = 500
    slug = "batch-unreadable"
    title = "The batch's data cannot be decrypted"


def _validated(upload: Upload, max_bundles: int, tenant: str, settings: Settings) -> tuple[Manifest, Policy]:
    if upload.manifest is None:
        raise ManifestInvalidError("no manifest part was sent", field="manifest")
    try:
        manifest = parse_manifest(upload.manifest)
        # The tenant's own policies first, then the shipped ones; another tenant's are unknown here.
        policy = resolve_policy(manifest.policy, tenant, settings.policies.folder())
    except ManifestError as exc:
        raise ManifestInvalidError(exc.detail, field=exc.field) from None
    except UnknownPolicyError as exc:
        raise ManifestInvalidError(str(exc), field="$.policy") from None
    except PolicyFileError as exc:
        log.error("tenant %s: policy file refused: %s", tenant, exc)  # the operator's file, no personal data
        raise ManifestInvalidError(f"the policy file is invalid: {exc}", field="$.policy") from None
    if len(manifest.bundles) > max_bundles:
        raise ManifestInvalidError(f"at most {max_bundles} bundles per batch", field="$.bundles")
    named: set[str] = set()
    for b, bundle in enumerate(manifest.bundles):
        for d, doc in enumerate(bundle.documents):
            # Received names are NFC (service.batches.multipart); the manifest's are made so too, and the job
            # and its verdict carry the NFC name (files are sealed under it).
            doc.file = nfc(doc.file)
            if doc.file not in upload.staged:
                raise ManifestInvalidError(
                    f"file {doc.file!r} is named in the manifest but was not sent",
                    field=f"$.bundles[{b}].documents[{d}].file",
                )
            named.add(doc.file)
    extra = sorted(set(upload.staged) - named)
    if extra:
        raise ManifestInvalidError(f"file {extra[0]!r} was sent but no document names it", field=extra[0])
    return manifest, policy


@dataclass(frozen=True)
class Created:
    batch_id: str
    created: bool  # False: the Idempotency-Key named an earlier batch
    callback_secret: str | None = None  # the signing secret of the manifest's callback_url, shown once


@dataclass
class BatchStore:
    redis: Redis
    settings: Settings
    _sealers: dict[str, BatchSealer] = field(default_factory=dict, init=False, repr=False)

    async def idempotent_batch(self, tenant: str, idempotency_key: str) -> str | None:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
        found = await self.redis.get(keys.idempotency(tenant, digest))
        return _text(found) if found else None

    async def create(
        self, tenant: str, upload: Upload, idempotency_key: str | None, *, single: bool = False
    ) -> Created:
        """Turn a received upload into a queued batch. Created.created is False when the idempotency key names an
        earlier batch (the upload is then discarded). `single`: the manifest must hold exactly one bundle (POST
        /v1/check), refused before anything is written or queued."""
        manifest, policy = _validated(upload, self.settings.limits.max_bundles, tenant, self.settings)
        if single and len(manifest.bundles) != 1:
            raise ManifestInvalidError("POST /v1/check takes exactly one bundle", field="$.bundles")
        if manifest.callback_url is not None:
            try:
                allow = self.settings.webhooks.allow_private
                manifest.callback_url = await checked_url_async(manifest.callback_url, allow_private=allow)
            except RefusedAddressError as exc:
                raise ManifestInvalidError(str(exc), field="$.callback_url") from None
        keyring = self._keyring()
        batch_id = upload.batch_id  # its files were sealed under this id as they arrived
        if idempotency_key:
            digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
            ttl = self.settings.redis.verdict_ttl_s
            claimed = await self.redis.set(keys.idempotency(tenant, digest), batch_id, nx=True, ex=ttl)
            if not claimed:
                if upload.staged:  # a manifest may name no file at all: DEL needs at least one key
                    await self.redis.delete(*upload.staged.values())
                earlier = await self.idempotent_batch(tenant, idempotency_key)
                return Created(earlier or batch_id, created=False)
        callback_secret = await self._write(tenant, batch_id, manifest, policy, upload, keyring)
        try:
            queue = queue_for(tenant, inline=single, settings=self.settings.worker)
            await anyio.to_thread.run_sync(_enqueue, batch_id, len(manifest.bundles), queue, tenant)
        except Exception:
            # The broker (Redis) went away between writing and queueing: the caller gets a 503 and sends the
            # upload again, so this batch, never fully queued, must not stay behind as a "queued" batch that
            # the same Idempotency-Key would return. Messages already sent then find no job and do nothing.
            await self._abandon(tenant, batch_id, idempotency_key)
            raise
        context = {"batch_id": batch_id, "tenant": tenant}
        log.info("batch queued: %d bundles on %s", len(manifest.bundles), queue, extra=context)
        return Created(batch_id, created=True, callback_secret=callback_secret)

    async def _abandon(self, tenant: str, batch_id: str, idempotency_key: str | None) -> None:
        """Best effort: with Redis still away the keys stay, and the files expire with the blob TTL."""
        with contextlib.suppress(RedisError):
            if idempotency_key:
                digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
                await self.redis.delete(keys.idempotency(tenant, digest))
            await self.delete(batch_id)

    async def _store_files(self, batch_id: str, manifest: Manifest, upload: Upload) -> list[list[str]]:
        """Move every received file from its staging key to its blob key, once: a file named by several
        documents (of one bundle or many) is stored once, and the bundles holding it are listed in a set beside it
        (`<blob key>:holders`), from which each bundle takes itself out when it is checked; the last one deletes
        the file (workers.store.WorkerStore.purge). Returns each bundle's blob keys, in document order.

        Raises (after deleting what it moved) if a staged file is gone: it expired, the upload took too long."""
        blob_ttl = self.settings.redis.blob_ttl_s
        home: dict[str, str] = {}  # file name -> its blob key
        holders: dict[str, set[int]] = {}
        bundle_keys: list[list[str]] = []
        for index, bundle in enumerate(manifest.bundles):
            row = []
            for d, doc in enumerate(bundle.documents):
                key = home.setdefault(doc.file, keys.blob(batch_id, index, d))
                holders.setdefault(key, set()).add(index)
                row.append(key)
            bundle_keys.append(row)
        pipe = self.redis.pipeline(transaction=False)
        for name, key in home.items():
            pipe.rename(upload.staged[name], key)
            pipe.expire(key, blob_ttl)
            if len(holders[key]) > 1:
                pipe.sadd(key + ":holders", *sorted(holders[key]))
                pipe.expire(key + ":holders", blob_ttl)
        results = await pipe.execute(raise_on_error=False)
        if any(isinstance(r, Exception) for r in results):
            await self._drop(list(home.values()))
            lost = next(r for r in results if isinstance(r, Exception))
            log.warning("batch %s: staged files lost before the batch was created (%s)", batch_id, type(lost).__name__)
            raise ServiceUnavailableError("a file of the upload expired before the upload completed; send it again")
        return bundle_keys

    async def _drop(self, blob_keys: list[str]) -> None:
        with contextlib.suppress(RedisError):
            doomed = [*blob_keys, *(k + ":holders" for k in blob_keys)]
            for start in range(0, len(doomed), 1000):
                await self.redis.unlink(*doomed[start : start + 1000])

    async def _write(
        self, tenant: str, batch_id: str, manifest: Manifest, policy: Policy, upload: Upload, keyring: Keyring
    ) -> str | None:
        """Files first, then (one transaction) the batch record, its data key, its callback endpoint and its jobs:
        the batch appears only once everything it needs is in place. Returns the callback's secret, if any."""
        blob_ttl, verdict_ttl = self.settings.redis.blob_ttl_s, self.settings.redis.verdict_ttl_s
        submit_on = submit_day(manifest, datetime.now(UTC).date()).isoformat()
        bundle_keys = await self._store_files(batch_id, manifest, upload)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(
            keys.batch(batch_id),
            mapping={
                "tenant": tenant,
                "state": "queued",
                "total": len(manifest.bundles),
                "done": 0,
                "submit_on": submit_on,
                "policy": manifest.policy,
                "policy_sha256": policy.sha256,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
        pipe.expire(keys.batch(batch_id), verdict_ttl)
        pipe.zadd(keys.tenant_batches(tenant), {batch_id: time.time()})
        pipe.expire(keys.tenant_batches(tenant), verdict_ttl)
        pipe.set(keys.data_key(batch_id), keyring.wrap(batch_id, upload.data_key), ex=verdict_ttl)
        callback_secret = None
        if manifest.callback_url is not None:
            record, callback_secret = callback_endpoint(keyring, batch_id, manifest.callback_url)
            pipe.set(keys.batch_callback(batch_id), record, ex=verdict_ttl)
        sealer = BatchSealer(batch_id, upload.data_key)
        pipe.rpush(keys.refs(batch_id), *(b.reference for b in manifest.bundles))
        pipe.expire(keys.refs(batch_id), verdict_ttl)
        for index, (bundle, blob_keys) in enumerate(zip(manifest.bundles, bundle_keys, strict=True)):
            job = BundleJob(bundle.reference, bundle, submit_on, manifest.policy, blob_keys, batch_id)
            # The policy as resolved now: a tenant's file may change or vanish before a worker runs the job.
            job.policy_sha256, job.policy_tables = policy.sha256, policy.raw
            job.previews = manifest.previews or tenant in self.settings.previews.tenants
            sealed = sealer.seal(job_name(index), msgspec.json.encode(job))
            pipe.set(keys.bundle_spec(batch_id, index), sealed, ex=blob_ttl)
        try:
            await pipe.execute()
        except BaseException:
            await self._drop(sorted({k for row in bundle_keys for k in row}))
            raise
        return callback_secret

    async def batch(self, tenant: str, batch_id: str) -> dict[str, str]:
        record = await self.redis.hgetall(keys.batch(batch_id))
        decoded = {_text(k): _text(v) for k, v in record.items()}
        if not decoded or decoded.get("tenant") != tenant:
            raise NotFoundError(f"no batch {batch_id!r}", field="batch_id")
        return decoded

    async def top_codes(self, batch_id: str, limit: int = 10) -> list[tuple[str, int]]:
        raw = await self.redis.hgetall(keys.codes(batch_id))
        counts = Counter({_text(k): int(v) for k, v in raw.items()})
        return counts.most_common(limit)

    async def references(self, batch_id: str, offset: int, limit: int) -> list[str]:
        raw = await self.redis.lrange(keys.refs(batch_id), offset, offset + limit - 1)
        return [_text(r) for r in raw]

    async def verdicts(self, batch_id: str, references: list[str]) -> list[bytes | None]:
        if not references:
            return []
        found = await self.redis.hmget(keys.verdicts(batch_id), references)
        out: list[bytes | None] = []
        for reference, value in zip(references, found, strict=True):
            raw = value.encode() if isinstance(value, str) else value
            if raw is not None and is_sealed(raw):
                sealer = await self._sealer(batch_id)
                try:
                    raw = sealer.open(verdict_name(reference), raw)
                except SealError as exc:
                    raise UnreadableBatchError(f"a verdict of batch {batch_id} does not open: {exc}") from None
            out.append(raw)  # a plain verdict: an error verdict quoting nothing, or one from before sealing
        return out

    async def ensure_readable(self, batch_id: str) -> None:
        """Raise the problem now (before a streamed response starts) if the batch's data key does not open."""
        if await self.redis.exists(keys.data_key(batch_id)):
            await self._sealer(batch_id)

    def _keyring(self) -> Keyring:
        return service_keyring(self.settings.sealing)

    async def _sealer(self, batch_id: str) -> BatchSealer:
        sealer = self._sealers.get(batch_id)
        if sealer is None:
            wrapped = await self.redis.get(keys.data_key(batch_id))
            if wrapped is None:
                raise UnreadableBatchError(f"batch {batch_id} has no data key (deleted or expired)")
            wrapped = wrapped.encode() if isinstance(wrapped, str) else wrapped
            try:
                sealer = BatchSealer(batch_id, self._keyring().unwrap(batch_id, wrapped))
            except SealError as exc:
                log.warning("batch %s: data key does not unwrap: %s", batch_id, exc)
                raise UnreadableBatchError(
                    f"batch {batch_id} was sealed under another master key: {exc}. Configure that key too "
                    "(PREFLIGHT_MASTER_KEY=new,old) to read it."
                ) from None
            self._sealers[batch_id] = sealer
        return sealer

    async def preview(self, batch_id: str, reference: str, document: str) -> bytes | None:
        """A bundle's annotated preview of one document (JPEG), opened; None if none was kept."""
        found = await self.redis.lpos(keys.refs(batch_id), reference)
        if not isinstance(found, int):  # None: no such bundle (a list only with COUNT, not asked here)
            return None
        sealed = await self.redis.get(keys.preview(batch_id, found, document))
        if sealed is None:
            return None
        sealer = await self._sealer(batch_id)
        try:
            return sealer.open(preview_name(found, document), sealed.encode() if isinstance(sealed, str) else sealed)
        except SealError as exc:
            raise UnreadableBatchError(f"a preview of batch {batch_id} does not open: {exc}") from None

    async def preview_documents(self, batch_id: str, reference: str) -> set[str]:
        """The documents of a bundle that have a kept preview (their preview keys)."""
        found = await self.redis.lpos(keys.refs(batch_id), reference)
        if not isinstance(found, int):
            return set()
        prefix = keys.preview(batch_id, found, "")
        return {_text(k)[len(prefix) :] async for k in self.redis.scan_iter(match=prefix + "*", count=100)}

    async def recent_batches(self, tenant: str, limit: int = 50) -> list[tuple[str, dict[str, str]]]:
        """The tenant's newest batches with their records (the workspace's list); forgets expired ones."""
        newest = await self.redis.zrevrange(keys.tenant_batches(tenant), 0, limit - 1)  # members only (no scores)
        ids = [_text(i) for i in newest if isinstance(i, bytes | str)]
        found: list[tuple[str, dict[str, str]]] = []
        for batch_id in ids:
            record = {_text(k): _text(v) for k, v in (await self.redis.hgetall(keys.batch(batch_id))).items()}
            if record.get("tenant") == tenant:
                found.append((batch_id, record))
            else:  # expired or deleted
                await self.redis.zrem(keys.tenant_batches(tenant), batch_id)
        return found

    async def has_reference(self, batch_id: str, reference: str) -> bool:
        # Bundles are few per batch page; a linear scan of the list is bounded by max_bundles.
        return await self.redis.lpos(keys.refs(batch_id), reference) is not None

    async def delete(self, batch_id: str) -> int:
        removed = 0
        total = await self.redis.hget(keys.batch(batch_id), "total")
        if total is not None:  # its webhook events' bodies (references and verdicts) go with it
            removed += int(await self.redis.unlink(*map(keys.webhook_event, batch_event_ids(batch_id, int(total)))))
        async for key in self.redis.scan_iter(match=keys.batch_pattern(batch_id), count=1000):
            removed += int(await self.redis.unlink(key))
        self._sealers.pop(batch_id, None)
        if removed:  # make the deletion reach the disk: an AOF rewrite (workers/compaction.py)
            try:
                await compaction.request_rewrite_async(self.redis, self.settings.sealing)
            except RedisError as exc:
                log.warning("batch %s: AOF rewrite not requested (%s)", batch_id, type(exc).__name__)
        return removed


def _enqueue(batch_id: str, count: int, queue: str, tenant: str) -> None:
    send_checks(batch_id, range(count), queue, tenant)
