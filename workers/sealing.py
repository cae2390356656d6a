"""Sealing: what the API and the workers write to Redis about a batch is encrypted first (docs/contract.md, "Data
at rest").

- Each batch has its own random 256-bit data key. Files, bundle job records (which hold the applicant's profile)
  and verdicts are sealed with it: AES-256-GCM, a random 96-bit nonce per record.
- The data key is stored in Redis only wrapped (AES-256-GCM) by the master key from configuration
  (PREFLIGHT_MASTER_KEY: base64 of 32 bytes; several, comma separated, to rotate: the first wraps new batches,
  every one of them unwraps).
- The associated data of every ciphertext names its batch and its purpose (Redis key or file name), so a blob
  copied into another batch or under another name does not open.
- A file is appended to Redis in chunks as it arrives, so it is sealed as a stream of length-framed segments
  whose associated data also carries the segment's position and whether it is the last one: segments cannot be
  reordered, dropped or cut off without the file failing to open.

Nothing here logs, and no error message quotes the data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MASTER_KEY_ENV = "PREFLIGHT_MASTER_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_BYTES = 8
# The first byte of every sealed record and wrapped key: the format, so that a later one can be told apart.
VERSION = b"\x01"
_AAD_DOMAIN = b"kyc-preflight/sealed/v1"
_FRAME = struct.Struct(">I")


class SealError(Exception):
    """Sealed data that cannot be opened: another key, another batch or name, or altered bytes."""


class MasterKeyError(ValueError):
    """PREFLIGHT_MASTER_KEY is missing or malformed (a configuration error, reported before any data is read)."""


class UnknownMasterKeyError(SealError):
    """The batch's data key was wrapped by a master key that is not configured here."""


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def new_master_key() -> str:
    """A fresh master key in the form PREFLIGHT_MASTER_KEY takes (base64 of 32 random bytes)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def key_id(master: bytes) -> str:
    """A short public fingerprint of a master key (HMAC of a constant): names it in errors, reveals nothing."""
    return hmac.new(master, b"kyc-preflight master key id", hashlib.sha256).hexdigest()[: 2 * KEY_ID_BYTES]


def associated_data(batch_id: str, *names: str) -> bytes:
    """Binds a ciphertext to its batch and purpose; every part is length-prefixed, so no two lists collide."""
    out = bytearray(_AAD_DOMAIN)
    for part in (batch_id, *names):
        encoded = part.encode()
        out += _FRAME.pack(len(encoded)) + encoded
    return bytes(out)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """VERSION | nonce | AES-256-GCM ciphertext and tag."""
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < 1 + NONCE_BYTES + TAG_BYTES or sealed[:1] != VERSION:
        raise SealError("not a sealed record of a known format")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag:
        raise SealError("the record does not open with this batch's key under this name") from None


def is_sealed(value: bytes) -> bool:
    """Sealed records start with VERSION; the only plain values stored are JSON objects (they start with '{')."""
    return value[:1] == VERSION


def seal_segment(key: bytes, batch_id: str, name: str, index: int, chunk: bytes, *, final: bool) -> bytes:
    """One segment of a sealed stream: a 4-byte length, then the sealed chunk."""
    sealed = seal(key, chunk, _segment_aad(batch_id, name, index, final))
    return _FRAME.pack(len(sealed)) + sealed


def unseal_stream(key: bytes, batch_id: str, name: str, stream: bytes) -> bytes:
    """The plaintext of a stream of segments; SealError unless every segment opens, in order, ending in the final
    one."""
    out = bytearray()
    offset, index = 0, 0
    while offset < len(stream):
        if offset + _FRAME.size > len(stream):
            raise SealError("the stream is cut off")
        (length,) = _FRAME.unpack_from(stream, offset)
        start, offset = offset + _FRAME.size, offset + _FRAME.size + length
        if offset > len(stream):
            raise SealError("the stream is cut off")
        sealed = stream[start:offset]
        final = offset == len(stream)
        out += unseal(key, sealed, _segment_aad(batch_id, name, index, final))
        index += 1
    if index == 0:
        raise SealError("the stream is empty")
    return bytes(out)


def _segment_aad(batch_id: str, name: str, index: int, final: bool) -> bytes:
    return associated_data(batch_id, name, f"segment:{index}", "final" if final else "more")


def _decode_master_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError(f"{MASTER_KEY_ENV} must be base64 (of {KEY_BYTES} random bytes)") from None
    if len(raw) != KEY_BYTES:
        raise MasterKeyError(f"{MASTER_KEY_ENV} must decode to {KEY_BYTES} bytes, not {len(raw)}")
    return raw


@dataclass(frozen=True)
class Keyring:
    """The configured master keys: `current` wraps new data keys; every key unwraps, found by its id."""

    current: bytes = field(repr=False)
    by_id: dict[str, bytes] = field(repr=False)

    @classmethod
    def parse(cls, config: str) -> Keyring:
        """`base64[,base64...]` as in PREFLIGHT_MASTER_KEY. Raises MasterKeyError if missing or malformed."""
        parts = [p.strip() for p in config.split(",") if p.strip()]
        if not parts:
            raise MasterKeyError(
                f"{MASTER_KEY_ENV} is not set: give the API and every worker the same key, made with "
                "`openssl rand -base64 32` (`preflight serve` makes one in its data folder)"
            )
        keys = [_decode_master_key(p) for p in parts]
        return cls(current=keys[0], by_id={key_id(k): k for k in keys})

    @classmethod
    def of(cls, masters: Iterable[bytes]) -> Keyring:
        keys = list(masters)
        return cls(current=keys[0], by_id={key_id(k): k for k in keys})

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def wrap(self, batch_id: str, data_key: bytes) -> bytes:
        """VERSION | master key id | sealed data key, bound to the batch id."""
        kid = bytes.fromhex(self.current_id)
        return VERSION + kid + seal(self.current, data_key, _wrap_aad(batch_id, kid))[1:]

    def unwrap(self, batch_id: str, wrapped: bytes) -> bytes:
        if len(wrapped) < 1 + KEY_ID_BYTES or wrapped[:1] != VERSION:
            raise SealError("not a wrapped data key of a known format")
        kid = wrapped[1 : 1 + KEY_ID_BYTES]
        master = self.by_id.get(kid.hex())
        if master is None:
            configured = ", ".join(sorted(self.by_id))
            raise UnknownMasterKeyError(
                f"the batch's data key was wrapped by master key {kid.hex()}; configured here: {configured} "
                f"({MASTER_KEY_ENV} changed or differs between the API and the workers)"
            )
        data_key = unseal(master, VERSION + wrapped[1 + KEY_ID_BYTES :], _wrap_aad(batch_id, kid))
        if len(data_key) != KEY_BYTES:
            raise SealError("the unwrapped data key has the wrong length")
        return data_key


@cache
def keyring_of(config: str) -> Keyring:
    """The keyring of a PREFLIGHT_MASTER_KEY value, parsed once per process and value."""
    return Keyring.parse(config)


def _wrap_aad(batch_id: str, kid: bytes) -> bytes:
    return associated_data(batch_id, "data-key", kid.hex())


@dataclass(frozen=True)
class BatchSealer:
    """Seals and opens one batch's records with its data key; each record is named by its purpose."""

    batch_id: str
    data_key: bytes = field(repr=False)

    def seal(self, name: str, plaintext: bytes) -> bytes:
        return seal(self.data_key, plaintext, associated_data(self.batch_id, name))

    def open(self, name: str, sealed: bytes) -> bytes:
        return unseal(self.data_key, sealed, associated_data(self.batch_id, name))

    def seal_segment(self, name: str, index: int, chunk: bytes, *, final: bool) -> bytes:
        return seal_segment(self.data_key, self.batch_id, name, index, chunk, final=final)

    def open_stream(self, name: str, stream: bytes) -> bytes:
        return unseal_stream(self.data_key, self.batch_id, name, stream)


# What each kind of record is sealed under (the `name` in its associated data). A file is named by its manifest
# path, not by its Redis key: it is sealed while it streams in, before the manifest says which bundle it belongs to.
def job_name(index: int) -> str:
    return f"job:{index}"


def verdict_name(reference: str) -> str:
    return f"verdict:{reference}"


def preview_name(index: int, document: str) -> str:
    return f"preview:{index}:{document}"


def file_name(path: str) -> str:
    return f"file:{path}"
