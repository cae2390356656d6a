"""workers/sealing.py: what opens, and everything that must not."""

from __future__ import annotations

import base64

import pytest

from workers import sealing
from workers.sealing import BatchSealer, Keyring, MasterKeyError, SealError, UnknownMasterKeyError

PLAIN = b'{"full_name": "Anna Maria Eriksson", "date_of_birth": "1974-08-12"}'


def _keyring() -> Keyring:
    return Keyring.parse(sealing.new_master_key())


def test_a_record_round_trips_and_shows_nothing_of_its_plaintext() -> None:
    sealer = BatchSealer("b_1", sealing.new_data_key())
    sealed = sealer.seal("job:0", PLAIN)
    assert sealer.open("job:0", sealed) == PLAIN
    assert sealing.is_sealed(sealed) and not sealing.is_sealed(PLAIN)
    assert b"Eriksson" not in sealed and b"1974" not in sealed
    assert sealer.seal("job:0", PLAIN) != sealed  # a fresh nonce every time


@pytest.mark.parametrize(("batch_id", "name"), [("b_2", "job:0"), ("b_1", "job:1"), ("b_1", "verdict:job:0")])
def test_a_record_does_not_open_in_another_batch_or_under_another_name(batch_id: str, name: str) -> None:
    key = sealing.new_data_key()
    sealed = BatchSealer("b_1", key).seal("job:0", PLAIN)
    with pytest.raises(SealError):
        BatchSealer(batch_id, key).open(name, sealed)


def test_a_tampered_record_does_not_open() -> None:
    sealer = BatchSealer("b_1", sealing.new_data_key())
    sealed = bytearray(sealer.seal("job:0", PLAIN))
    for position in (1, 14, len(sealed) // 2, len(sealed) - 1):  # nonce, ciphertext, tag
        altered = bytearray(sealed)
        altered[position] ^= 0x01
        with pytest.raises(SealError):
            sealer.open("job:0", bytes(altered))
    with pytest.raises(SealError):
        sealer.open("job:0", bytes(sealed[:-1]))
    with pytest.raises(SealError):
        sealer.open("job:0", PLAIN)  # a plain value is no sealed record


def test_a_record_does_not_open_with_another_data_key() -> None:
    sealed = BatchSealer("b_1", sealing.new_data_key()).seal("job:0", PLAIN)
    with pytest.raises(SealError):
        BatchSealer("b_1", sealing.new_data_key()).open("job:0", sealed)


def test_the_data_key_unwraps_only_for_its_batch_with_its_master_key() -> None:
    keyring, data_key = _keyring(), sealing.new_data_key()
    wrapped = keyring.wrap("b_1", data_key)
    assert data_key not in wrapped
    assert keyring.unwrap("b_1", wrapped) == data_key
    with pytest.raises(SealError):
        keyring.unwrap("b_2", wrapped)  # moved to another batch
    altered = bytearray(wrapped)
    altered[-1] ^= 0x01
    with pytest.raises(SealError):
        keyring.unwrap("b_1", bytes(altered))


def test_a_wrong_master_key_is_named_in_the_error_and_a_rotated_one_still_unwraps() -> None:
    old, new = sealing.new_master_key(), sealing.new_master_key()
    wrapped = Keyring.parse(old).wrap("b_1", b"k" * 32)
    with pytest.raises(UnknownMasterKeyError) as caught:
        Keyring.parse(new).unwrap("b_1", wrapped)
    assert Keyring.parse(old).current_id in str(caught.value)
    assert "PREFLIGHT_MASTER_KEY" in str(caught.value)
    rotated = Keyring.parse(f"{new}, {old}")
    assert rotated.unwrap("b_1", wrapped) == b"k" * 32  # old batches still open
    assert rotated.current_id == Keyring.parse(new).current_id  # new ones are wrapped by the first key
    assert Keyring.parse(new).unwrap("b_9", rotated.wrap("b_9", b"n" * 32)) == b"n" * 32


def test_a_wrong_master_key_with_the_same_id_still_fails() -> None:
    """Key ids are only hints: a wrapped key relabelled with another master's id does not open under it."""
    first, second = _keyring(), _keyring()
    wrapped = first.wrap("b_1", b"k" * 32)
    relabelled = wrapped[:1] + bytes.fromhex(second.current_id) + wrapped[1 + sealing.KEY_ID_BYTES :]
    with pytest.raises(SealError):
        second.unwrap("b_1", relabelled)


@pytest.mark.parametrize(
    "config",
    ["", " , ", "not base64!", base64.b64encode(b"short").decode(), base64.b64encode(b"x" * 33).decode()],
)
def test_a_missing_or_malformed_master_key_is_a_configuration_error(config: str) -> None:
    with pytest.raises(MasterKeyError) as caught:
        Keyring.parse(config)
    assert "PREFLIGHT_MASTER_KEY" in str(caught.value)
    assert config.strip(", ") == "" or config not in str(caught.value)  # never echoes the key


def test_the_keyring_and_sealers_never_show_their_keys() -> None:
    assert repr(Keyring.parse(sealing.new_master_key())) == "Keyring()"
    assert repr(BatchSealer("b_1", b"k" * 32)) == "BatchSealer(batch_id='b_1')"


def _stream(sealer: BatchSealer, name: str, chunks: list[bytes]) -> list[bytes]:
    last = len(chunks) - 1
    return [sealer.seal_segment(name, i, chunk, final=i == last) for i, chunk in enumerate(chunks)]


def test_a_file_streams_in_segments_and_opens_whole() -> None:
    sealer = BatchSealer("b_1", sealing.new_data_key())
    chunks = [b"\xff\xd8\xff\xe0" + b"a" * 1000, b"b" * 777, b""]
    blob = b"".join(_stream(sealer, "file:u1/id.jpg", chunks))
    assert b"\xff\xd8\xff\xe0" not in blob
    assert sealer.open_stream("file:u1/id.jpg", blob) == b"".join(chunks)
    empty = b"".join(_stream(sealer, "file:e", [b""]))
    assert sealer.open_stream("file:e", empty) == b""


def test_a_stream_cut_reordered_extended_or_renamed_does_not_open() -> None:
    sealer = BatchSealer("b_1", sealing.new_data_key())
    segments = _stream(sealer, "file:a", [b"one", b"two", b"three"])
    broken = {
        "cut after a segment": b"".join(segments[:2]),
        "cut inside a segment": b"".join(segments)[:-3],
        "reordered": b"".join([segments[1], segments[0], segments[2]]),
        "a segment dropped": b"".join([segments[0], segments[2]]),
        "extended": b"".join([*segments, segments[2]]),
        "empty": b"",
    }
    for what, blob in broken.items():
        with pytest.raises(SealError):
            sealer.open_stream("file:a", blob)
            pytest.fail(what)
    whole = b"".join(segments)
    with pytest.raises(SealError):
        sealer.open_stream("file:b", whole)  # another file's name
    with pytest.raises(SealError):
        BatchSealer("b_2", sealer.data_key).open_stream("file:a", whole)  # another batch


def test_associated_data_cannot_be_confused_by_moving_a_separator() -> None:
    assert sealing.associated_data("b_1", "ab", "c") != sealing.associated_data("b_1", "a", "bc")
    assert sealing.associated_data("b_1x", "y") != sealing.associated_data("b_1", "xy")
