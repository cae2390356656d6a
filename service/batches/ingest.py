"""Receive a submission (multipart or zip) and stream every file into Redis as it arrives.

Files go to staging keys first (with the blob TTL, so an aborted upload expires by itself); only once the
manifest is valid are they renamed to their bundle's blob keys. Nothing of a rejected submission is queued.

Every file is sealed as it streams in (workers/sealing.py) with the data key of the batch it will become; that key
reaches Redis (wrapped by the master key) only when the batch is created, so an aborted upload leaves nothing that
anyone can open.
"""

from __future__ import annotations

import tempfile
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import IO

import anyio.to_thread
from redis.asyncio import Redis

from service.batches.multipart import PartData, PartEnd, PartStart, iter_parts
from service.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError
from workers import keys
from workers.sealing import BatchSealer, file_name, new_data_key

# Bytes gathered before one APPEND: large enough to keep round trips few, small enough to keep RSS flat.
_APPEND_CHUNK = 512 * 1024
# The manifest is JSON text; 8 MB holds 10 000 bundles with long addresses.
_MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_ZIP_READ_CHUNK = 256 * 1024


def new_batch_id() -> str:
    return "b_" + uuid.uuid4().hex


@dataclass
class Upload:
    upload_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # The batch this upload becomes if its manifest is valid: its files are sealed under this id and data key.
    batch_id: str = field(default_factory=new_batch_id)
    data_key: bytes = field(default_factory=new_data_key, repr=False)
    manifest: bytes | None = None
    staged: dict[str, str] = field(default_factory=dict)  # file name -> staging key
    sizes: dict[str, int] = field(default_factory=dict)


class _Sink:
    """Appends one file's bytes to its staging key, buffered and sealed segment by segment, enforcing the per-file
    cap on real bytes."""

    def __init__(self, redis: Redis, key: str, name: str, max_bytes: int, ttl_s: int, sealer: BatchSealer) -> None:
        self.redis, self.key, self.name, self.max_bytes, self.ttl_s = redis, key, name, max_bytes, ttl_s
        self.sealer = sealer
        self.segments = 0
        self.size = 0
        self._buffer = bytearray()
        self._started = False

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise PayloadTooLargeError(
                f"file {self.name!r} is over the hard cap of {self.max_bytes} bytes", field=self.name
            )
        self._buffer.extend(data)
        if len(self._buffer) >= _APPEND_CHUNK:
            await self._flush()

    async def _flush(self, *, final: bool = False) -> None:
        segment = self.sealer.seal_segment(file_name(self.name), self.segments, bytes(self._buffer), final=final)
        self.segments += 1
        pipe = self.redis.pipeline(transaction=False)
        pipe.append(self.key, segment)
        if not self._started:
            pipe.expire(self.key, self.ttl_s)
            self._started = True
        await pipe.execute()
        self._buffer.clear()

    async def close(self) -> None:
        await self._flush(final=True)  # always: the last segment says it is the last (a cut file does not open)


class Receiver:
    def __init__(self, redis: Redis, *, max_file_bytes: int, ttl_s: int) -> None:
        self.redis, self.max_file_bytes, self.ttl_s = redis, max_file_bytes, ttl_s
        self.upload = Upload()

    def _sink(self, name: str) -> _Sink:
        if name in self.upload.staged:
            raise BadRequestError(f"file {name!r} was sent twice", field=name)
        key = keys.staging(self.upload.upload_id, len(self.upload.staged))
        self.upload.staged[name] = key
        sealer = BatchSealer(self.upload.batch_id, self.upload.data_key)
        return _Sink(self.redis, key, name, self.max_file_bytes, self.ttl_s, sealer)

    async def discard(self) -> None:
        if self.upload.staged:
            await self.redis.delete(*self.upload.staged.values())

    async def receive(self, content_type: str, body: AsyncIterator[bytes]) -> Upload:
        kind = content_type.split(";", 1)[0].strip().lower()
        try:
            if kind == "multipart/form-data":
                await self._multipart(content_type, body)
            elif kind in ("application/zip", "application/x-zip-compressed"):
                await self._zip(body)
            else:
                raise UnsupportedMediaTypeError(
                    f"expected multipart/form-data or application/zip, got {kind or 'nothing'}",
                    field="Content-Type",
                )
        except BaseException:
            await self.discard()
            raise
        return self.upload

    async def _multipart(self, content_type: str, body: AsyncIterator[bytes]) -> None:
        sink: _Sink | None = None
        manifest: bytearray | None = None
        async for event in iter_parts(content_type, body):
            if isinstance(event, PartStart):
                if event.name == "manifest":  # a form field, or a file part (curl -F manifest=@manifest.json)
                    manifest = bytearray()
                else:
                    sink = self._sink(event.filename or event.name)
            elif isinstance(event, PartData):
                if sink is not None:
                    await sink.write(event.data)
                elif manifest is not None:
                    manifest.extend(event.data)
                    if len(manifest) > _MAX_MANIFEST_BYTES:
                        raise PayloadTooLargeError("the manifest is over 8 MB", field="manifest")
            elif isinstance(event, PartEnd):
                if sink is not None:
                    await sink.close()
                    self.upload.sizes[sink.name] = sink.size
                if manifest is not None:
                    self.upload.manifest = bytes(manifest)
                sink, manifest = None, None

    async def _zip(self, body: AsyncIterator[bytes]) -> None:
        with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
            async for chunk in body:
                spool.write(chunk)
            spool.seek(0)
            try:
                archive = zipfile.ZipFile(spool)
            except zipfile.BadZipFile:
                raise BadRequestError("the body is not a readable zip archive", field="body") from None
            with archive:
                await self._unpack(archive)

    async def _unpack(self, archive: zipfile.ZipFile) -> None:
        members = {i.filename: i for i in archive.infolist() if not i.is_dir()}
        manifest_name = next((n for n in members if n.rsplit("/", 1)[-1] == "manifest.json"), None)
        if manifest_name is None:
            raise BadRequestError("the zip holds no manifest.json", field="manifest.json")
        root = manifest_name[: -len("manifest.json")]
        if members[manifest_name].file_size > _MAX_MANIFEST_BYTES:
            raise PayloadTooLargeError("the manifest is over 8 MB", field="manifest.json")
        self.upload.manifest = archive.read(manifest_name)
        for name, info in members.items():
            if name == manifest_name or not name.startswith(root):
                continue
            sink = self._sink(name[len(root) :])
            with archive.open(info) as member:
                await self._copy(member, sink)
            await sink.close()
            self.upload.sizes[sink.name] = sink.size

    @staticmethod
    async def _copy(member: IO[bytes], sink: _Sink) -> None:
        while chunk := await anyio.to_thread.run_sync(member.read, _ZIP_READ_CHUNK):
            await sink.write(chunk)  # counts real decompressed bytes: a zip bomb stops at the file cap
