"""Receive a submission (multipart or zip) and stream every file into Redis as it arrives.

Files go to staging keys first (expiring within minutes, so an aborted upload goes away by itself; the TTL is
renewed while the upload is still arriving); only once the body is complete and the manifest valid are they
renamed to their blob keys (service.batches.store). Nothing of a rejected submission is queued or kept.

Caps (each a 413 problem naming it): bytes per file (PREFLIGHT_MAX_FILE_BYTES), bytes per request
(PREFLIGHT_MAX_REQUEST_BYTES: the body as sent, and also what a zip unpacks to, counted in real decompressed
bytes), parts per request (files and manifest), and for a zip how far it may expand (see _ZIP_MAX_EXPANSION).

File names are NFC-normalised; a zip member's name is read as the zip says (its UTF-8 flag, or Info-ZIP's
Unicode Path field), else as UTF-8 when its bytes are valid UTF-8 (macOS and Linux zips often omit the flag),
else as cp437 (the zip format's own default, what Windows' built-in zip writes).

Every file is sealed as it streams in (workers/sealing.py) with the data key of the batch it will become; that key
reaches Redis (wrapped by the master key) only when the batch is created, so an aborted upload leaves nothing that
anyone can open.
"""

from __future__ import annotations

import struct
import tempfile
import time
import uuid
import zipfile
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import IO

import anyio.to_thread
from redis.asyncio import Redis

from service.batches.multipart import PartData, PartEnd, PartStart, iter_parts, nfc
from service.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError
from workers import keys
from workers.sealing import BatchSealer, file_name, new_data_key

# Bytes gathered before one APPEND: large enough to keep round trips few, small enough to keep RSS flat.
_APPEND_CHUNK = 512 * 1024
# The manifest is JSON text; 8 MB holds 10 000 bundles with long addresses.
_MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_ZIP_READ_CHUNK = 256 * 1024
# Staging keys live this long after the upload last renewed them: an aborted upload leaves nothing for long.
STAGING_TTL_S = 600
# How often a running upload renews its staging keys' TTL (each renewal is one EXPIRE per staged file).
_STAGING_RENEW_S = 60.0
# Files one bundle may carry: a corporate bundle needs at most 6 (ID front and back, selfie, proof of address,
# business registration, authorization letter); 8 leaves room for a second ID. With the manifest this gives the
# cap on parts (zip members) per request: max_bundles x 8 + 1, 80 001 at the default 10 000 bundles. Each part
# costs a Redis key, so a body of millions of empty parts is refused long before the request cap would stop it.
FILES_PER_BUNDLE = 8
# A zip may unpack to at most this many times its own size, plus room for the manifest: photos (JPEG, PNG) are
# compressed already and deflate gains ~0-5% on them, so a real batch unpacks to about its zip's size; only text
# and uncompressed images (BMP, TIFF: refused by FILE_TYPE_NOT_ACCEPTED anyway) shrink more. A 1 MB zip that
# unpacks to 1 GB is a zip bomb, refused with a 413 before anything is written.
_ZIP_MAX_EXPANSION = 4
# The Info-ZIP Unicode Path extra field: the member's name in UTF-8, for tools that do not set the UTF-8 flag.
_UNICODE_PATH_EXTRA = 0x7075
_UTF8_FLAG = 0x800


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


def max_parts(max_bundles: int) -> int:
    return max_bundles * FILES_PER_BUNDLE + 1


@dataclass
class _Budget:
    """Real bytes received across all files of one request, against a cap (413 naming it)."""

    cap: int
    what: str  # "the files add up to", "the zip unpacks to"
    why: str  # where the cap comes from
    used: int = 0

    def check(self, total: int) -> None:
        if total > self.cap:
            raise PayloadTooLargeError(
                f"{self.what} over {self.cap} bytes, the cap on bytes per request ({self.why})",
                field="body",
                cap=self.cap,
            )

    def spend(self, count: int) -> None:
        self.used += count
        self.check(self.used)


class _Sink:
    """Appends one file's bytes to its staging key, buffered and sealed segment by segment, enforcing the per-file
    cap on real bytes."""

    def __init__(self, receiver: Receiver, key: str, name: str, sealer: BatchSealer) -> None:
        self.receiver, self.redis, self.key, self.name = receiver, receiver.redis, key, name
        self.max_bytes, self.ttl_s = receiver.max_file_bytes, receiver.ttl_s
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
        self.receiver.budget.spend(len(data))
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
        await self.receiver.renew_staging()

    async def close(self) -> None:
        await self._flush(final=True)  # always: the last segment says it is the last (a cut file does not open)


class Receiver:
    def __init__(
        self,
        redis: Redis,
        *,
        max_file_bytes: int,
        max_request_bytes: int,
        max_bundles: int,
        ttl_s: int = STAGING_TTL_S,
    ) -> None:
        self.redis, self.max_file_bytes, self.ttl_s = redis, max_file_bytes, ttl_s
        self.max_request_bytes = max_request_bytes
        self.max_parts = max_parts(max_bundles)
        self.budget = _Budget(max_request_bytes, "the files add up to", "PREFLIGHT_MAX_REQUEST_BYTES")
        self.upload = Upload()
        self._renewed = time.monotonic()

    def _sink(self, name: str) -> _Sink:
        if name in self.upload.staged:
            raise BadRequestError(f"file {name!r} was sent twice", field=name)
        key = keys.staging(self.upload.upload_id, len(self.upload.staged))
        self.upload.staged[name] = key
        sealer = BatchSealer(self.upload.batch_id, self.upload.data_key)
        return _Sink(self, key, name, sealer)

    async def renew_staging(self) -> None:
        """Keep every staged file alive while the upload is still arriving (a 2 GB upload takes more than the
        staging TTL over a slow link); at most once per _STAGING_RENEW_S."""
        if time.monotonic() - self._renewed < _STAGING_RENEW_S:
            return
        self._renewed = time.monotonic()
        pipe = self.redis.pipeline(transaction=False)
        for key in self.upload.staged.values():
            pipe.expire(key, self.ttl_s)
        await pipe.execute()

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
        async for event in iter_parts(content_type, body, max_parts=self.max_parts):
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
            received = 0
            async for chunk in body:
                spool.write(chunk)
                received += len(chunk)
            spool.seek(0)
            try:
                archive = zipfile.ZipFile(spool)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
                raise BadRequestError("the body is not a readable zip archive", field="body") from None
            cap = min(self.max_request_bytes, _ZIP_MAX_EXPANSION * received + _MAX_MANIFEST_BYTES)
            why = (
                f"decompressed: PREFLIGHT_MAX_REQUEST_BYTES ({self.max_request_bytes}) or {_ZIP_MAX_EXPANSION} "
                f"times the zip's own {received} bytes plus 8 MB for the manifest, whichever is lower"
            )
            self.budget = _Budget(cap, "the zip unpacks to", why)
            with archive:
                await self._unpack(archive)

    async def _unpack(self, archive: zipfile.ZipFile) -> None:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > self.max_parts:
            raise PayloadTooLargeError(
                f"the zip holds more than {self.max_parts} files, the cap on parts per request",
                field="body",
                cap=self.max_parts,
            )
        # What the members declare is checked first, so a zip bomb is refused before anything is written; the
        # real decompressed bytes are counted as they stream (a member may lie about its size).
        self.budget.check(sum(i.file_size for i in infos))
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = member_name(info)
            if name in members:
                raise BadRequestError(f"file {name!r} is in the zip twice", field=name)
            members[name] = info
        manifest_name = next((n for n in members if n.rsplit("/", 1)[-1] == "manifest.json"), None)
        if manifest_name is None:
            raise BadRequestError("the zip holds no manifest.json", field="manifest.json")
        root = manifest_name[: -len("manifest.json")]
        if members[manifest_name].file_size > _MAX_MANIFEST_BYTES:
            raise PayloadTooLargeError("the manifest is over 8 MB", field="manifest.json")
        self.upload.manifest = await self._read_manifest(archive, members[manifest_name])
        for name, info in members.items():
            if name == manifest_name or not name.startswith(root):
                continue
            sink = self._sink(name[len(root) :])
            with archive.open(info) as member:
                await self._copy(member, sink)
            await sink.close()
            self.upload.sizes[sink.name] = sink.size

    @staticmethod
    async def _read_manifest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        with archive.open(info) as member:
            raw: bytes = await anyio.to_thread.run_sync(member.read, _MAX_MANIFEST_BYTES + 1)
        if len(raw) > _MAX_MANIFEST_BYTES:
            raise PayloadTooLargeError("the manifest is over 8 MB", field="manifest.json")
        return raw

    @staticmethod
    async def _copy(member: IO[bytes], sink: _Sink) -> None:
        while chunk := await anyio.to_thread.run_sync(member.read, _ZIP_READ_CHUNK):
            await sink.write(chunk)  # counts real decompressed bytes: a zip bomb stops at the file cap


def _unicode_path(info: zipfile.ZipInfo, raw_name: bytes) -> str | None:
    """The UTF-8 name of Info-ZIP's Unicode Path extra field (0x7075), if present and made for this very name
    (its CRC-32 of the header name matches: a tool that renamed the member without updating it is ignored)."""
    extra, i = info.extra, 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, i)
        data = extra[i + 4 : i + 4 + size]
        i += 4 + size
        if kind == _UNICODE_PATH_EXTRA and len(data) >= 5 and data[0] == 1:
            (crc,) = struct.unpack_from("<I", data, 1)
            if crc == zlib.crc32(raw_name):
                try:
                    return data[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name, NFC: flagged UTF-8 as is; else the Unicode Path field; else its raw bytes as UTF-8
    if they are valid UTF-8, else as cp437 (zipfile already decoded unflagged names as cp437)."""
    if info.flag_bits & _UTF8_FLAG:
        return nfc(info.filename)
    raw = info.orig_filename.encode("cp437")  # the bytes of the header: cp437 round-trips every byte
    name = _unicode_path(info, raw)
    if name is None:
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = info.orig_filename
    return nfc(name)
