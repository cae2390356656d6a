"""Hostile and unusual uploads over real HTTP, Redis and a Celery worker (issue #16, item 4).

UTF-8 file names in every form a client sends them; malformed multipart bodies; the caps on parts and on
decompressed bytes; a file shared by many bundles stored once.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.integration.payload import good_bundle, good_files, manifest, multipart, post_batch
from tests.integration.stack import Stack, running_stack

pytestmark = pytest.mark.integration

# One bundle, its three files named in Polish, Russian, Chinese and French (NFC, as the verdict must name them).
UTF8_NAMES = {"id": "łódź/паспорт.jpg", "selfie": "自拍/café.jpg", "bill": "счёт ź.jpg"}
# cp437 holds é, ü, ñ but no Polish, Cyrillic or CJK letter: what Windows' built-in zip can name.
CP437_NAMES = {"id": "café/pièce.jpg", "selfie": "über/selfie.jpg", "bill": "año/bill.jpg"}


def _named_bundle(reference: str, names: dict[str, str]) -> tuple[dict[str, Any], dict[str, bytes]]:
    bundle = good_bundle(reference, "p")
    files = good_files("p")
    renamed = {}
    for doc, key in zip(bundle["documents"], ("id", "selfie", "bill"), strict=True):
        renamed[names[key]] = files[doc["file"]]
        doc["file"] = names[key]
    return bundle, renamed


def _verdict_filenames(stack: Stack, client: httpx.Client, answer: httpx.Response, reference: str) -> list[str]:
    assert answer.status_code == 202, answer.text
    batch_id = answer.json()["batch_id"]
    stack.wait_done(batch_id)
    verdict = client.get(f"/v1/batches/{batch_id}/bundles/{quote(reference)}").json()
    missing = [f for f in verdict["findings"] if f["code"] == "FILE_MISSING"]
    assert [f["status"] for f in missing] == ["pass"] * 3, missing  # every file arrived, under its name
    return sorted(d["filename"] for d in verdict["documents"])


def _multipart_body(parts: list[tuple[bytes, bytes]]) -> tuple[bytes, str]:
    """A multipart body built by hand: (Content-Disposition value, data) per part."""
    boundary = "b" + uuid.uuid4().hex
    out = bytearray()
    for disposition, data in parts:
        out += f"--{boundary}\r\n".encode() + b"Content-Disposition: " + disposition + b"\r\n\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def test_utf8_names_in_multipart_raw_form(stack: Stack) -> None:
    """RFC 7578: filename="..." in raw UTF-8 (what curl, browsers and httpx send)."""
    bundle, files = _named_bundle("UTF-RAW", UTF8_NAMES)
    with stack.client() as client:
        answer = post_batch(client, manifest(bundle), files)
        assert _verdict_filenames(stack, client, answer, "UTF-RAW") == sorted(UTF8_NAMES.values())


def test_utf8_names_in_multipart_rfc5987_form_and_nfd_names(stack: Stack) -> None:
    """filename*=UTF-8''... (percent-encoded), with an ASCII fallback filename that it overrides; the names are
    sent decomposed (NFD, as macOS writes them) while the manifest has them composed (NFC)."""
    import unicodedata

    bundle, files = _named_bundle("UTF-5987", UTF8_NAMES)
    parts = [(b'form-data; name="manifest"', json.dumps(manifest(bundle)).encode())]
    for name, data in files.items():
        encoded = quote(unicodedata.normalize("NFD", name).encode(), safe="")
        parts.append((f'form-data; name="file"; filename="fallback.jpg"; filename*=UTF-8\'\'{encoded}'.encode(), data))
    body, content_type = _multipart_body(parts)
    with stack.client() as client:
        answer = client.post("/v1/batches", content=body, headers={"Content-Type": content_type})
        assert _verdict_filenames(stack, client, answer, "UTF-5987") == sorted(UTF8_NAMES.values())


def _zip_with_names(doc: dict[str, Any], files: dict[str, bytes], *, encoding: str | None) -> bytes:
    """A zip holding `files`. encoding None: UTF-8 names with the UTF-8 flag (Python's zipfile, 7-Zip);
    "utf-8": UTF-8 bytes without the flag (macOS Archive Utility, Info-ZIP); "cp437": cp437 bytes, no flag
    (Windows' built-in zip). Unflagged names are written as ASCII placeholders, then patched to the raw bytes."""
    out = io.BytesIO()
    patches: dict[bytes, bytes] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(doc))
        for n, (name, data) in enumerate(files.items()):
            if encoding is None:
                archive.writestr(name, data)
                continue
            raw = name.encode(encoding)
            placeholder = f"{n}".encode().ljust(len(raw), b"x")
            patches[placeholder] = raw
            archive.writestr(placeholder.decode(), data)
    body = out.getvalue()
    for placeholder, raw in patches.items():
        assert body.count(placeholder) == 2  # the local header and the central directory
        body = body.replace(placeholder, raw)
    return body


@pytest.mark.parametrize(
    ("encoding", "names"), [(None, UTF8_NAMES), ("utf-8", UTF8_NAMES), ("cp437", CP437_NAMES)], ids=str
)
def test_utf8_names_in_zips(stack: Stack, encoding: str | None, names: dict[str, str]) -> None:
    reference = f"ZIP-{encoding}"
    bundle, files = _named_bundle(reference, names)
    body = _zip_with_names(manifest(bundle), files, encoding=encoding)
    flags = [i.flag_bits & 0x800 for i in zipfile.ZipFile(io.BytesIO(body)).infolist()]
    assert all(flags[1:]) if encoding is None else not any(flags)
    with stack.client() as client:
        answer = client.post("/v1/batches", content=body, headers={"Content-Type": "application/zip"})
        assert _verdict_filenames(stack, client, answer, reference) == sorted(names.values())


# -- malformed bodies and caps: a stack without a worker (nothing may be queued, and nothing runs anyway) --

CAPPED_BUNDLES = 2  # parts per request: 2 x 8 + 1 = 17
CAPPED_REQUEST = 12 * 1024 * 1024


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("capped")
    env = {"PREFLIGHT_MAX_BUNDLES": str(CAPPED_BUNDLES), "PREFLIGHT_MAX_REQUEST_BYTES": str(CAPPED_REQUEST)}
    with running_stack(tmp, workers=0, extra_env=env) as running:
        yield running


def _data_keys(stack: Stack) -> set[bytes]:
    """Every key a submission could leave: batches, their files and jobs, staged uploads, queued tasks."""
    found = set(stack.redis.scan_iter(match="kyc:b:*", count=1000))
    found |= set(stack.redis.scan_iter(match="kyc:upload:*", count=1000))
    found |= set(stack.redis.scan_iter(match="kyc.*", count=1000))
    return found


def _refused(stack: Stack, status: int, send: Any) -> dict[str, Any]:
    before = _data_keys(stack)
    queued = stack.queued()
    with stack.client() as client:
        answer: httpx.Response = send(client)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["detail"] and body["field"] == "body", body
    assert _data_keys(stack) == before  # no batch, no file, no staged key, no task
    assert stack.queued() <= queued  # a worker may take tasks of earlier tests, none is added
    return body


def _good_body(client: httpx.Client) -> tuple[bytes, str]:
    request = client.build_request(
        "POST", "/v1/batches", files=multipart(manifest(good_bundle("M-1", "m1")), good_files("m1"))
    )
    return request.read(), request.headers["content-type"]


def test_good_multipart_is_accepted_on_the_capped_stack(capped: Stack) -> None:
    with capped.client() as client:
        body, content_type = _good_body(client)
        answer = client.post("/v1/batches", content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 202, answer.text
    capped.redis.delete("kyc.bundles")  # no worker here: forget its tasks, so the next tests start at 0
    for key in capped.redis.scan_iter(match="kyc:b:*"):
        capped.redis.delete(key)


def test_wrong_boundary_is_400_and_writes_nothing(capped: Stack) -> None:
    def send(client: httpx.Client) -> httpx.Response:
        body, content_type = _good_body(client)
        return client.post("/v1/batches", content=body, headers={"Content-Type": content_type + "x"})

    body = _refused(capped, 400, send)
    assert "boundary" in body["detail"]


@pytest.mark.parametrize("cut", ["last part unterminated", "no closing delimiter"])
def test_unterminated_multipart_is_400_and_writes_nothing(capped: Stack, cut: str) -> None:
    def send(client: httpx.Client) -> httpx.Response:
        body, content_type = _good_body(client)
        end = body.rstrip().rfind(b"\r\n--")  # where the closing delimiter starts
        cut_body = body[:end] if cut == "last part unterminated" else body[: end + 2]
        return client.post("/v1/batches", content=cut_body, headers={"Content-Type": content_type})

    body = _refused(capped, 400, send)
    assert "incomplete" in body["detail"]


def test_too_many_parts_is_413_naming_the_cap(capped: Stack) -> None:
    cap = CAPPED_BUNDLES * 8 + 1
    files = {f"p/{i}.jpg": b"\xff\xd8\xff" + bytes(64) for i in range(cap)}  # + the manifest: one over

    body = _refused(capped, 413, lambda client: post_batch(client, manifest(good_bundle("P-1", "p")), files))
    assert body["cap"] == cap and str(cap) in body["detail"] and "parts" in body["detail"]


def test_too_many_parts_in_a_zip_is_413_naming_the_cap(capped: Stack) -> None:
    cap = CAPPED_BUNDLES * 8 + 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest(good_bundle("P-1", "p"))))
        for i in range(cap):
            archive.writestr(f"p/{i}.jpg", b"\xff\xd8\xff")
    body = _refused(
        capped,
        413,
        lambda client: client.post("/v1/batches", content=out.getvalue(), headers={"Content-Type": "application/zip"}),
    )
    assert body["cap"] == cap and str(cap) in body["detail"]


def test_a_zip_bomb_is_413_naming_the_decompressed_cap(stack: Stack) -> None:
    """40 members of 24 MB of zeros: a ~1 MB zip that unpacks to ~1 GB, refused from what its members declare,
    before anything is written (the zip itself is far under the request cap, 41 parts under the parts cap)."""
    member = bytes(24 * 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(good_bundle("B-1", "b"))))
        for i in range(40):
            archive.writestr(f"b/{i}.jpg", member)
    zipped = out.getvalue()
    assert len(zipped) < 2 * 1024 * 1024

    body = _refused(
        stack,
        413,
        lambda client: client.post("/v1/batches", content=zipped, headers={"Content-Type": "application/zip"}),
    )
    assert body["cap"] < 40 * len(member) and str(body["cap"]) in body["detail"]
    assert "decompressed" in body["detail"]


def test_a_multipart_body_over_the_request_cap_is_413_naming_it(capped: Stack) -> None:
    files = {f"r/{i}.jpg": b"\xff\xd8\xff" + bytes(5 * 1024 * 1024) for i in range(3)}  # 15 MB > 12 MB

    body = _refused(capped, 413, lambda client: post_batch(client, manifest(good_bundle("R-1", "r")), files))
    assert body["cap"] == CAPPED_REQUEST and str(CAPPED_REQUEST) in body["detail"]


# -- a file shared by many bundles --


def test_a_file_shared_by_bundles_is_stored_once(stack: Stack) -> None:
    count = 6
    shared = good_files("shared")
    bundles = [good_bundle(f"S-{i}", "shared") for i in range(count)]
    with stack.client() as client:
        answer = post_batch(client, manifest(*bundles), shared)
        assert answer.status_code == 202, answer.text
        batch_id = answer.json()["batch_id"]
        # Right after the batch is created (the first bundles may be checked meanwhile, but a shared file stays
        # until its last bundle is done): 3 files stored, not 3 per bundle.
        blobs = [k for k in stack.redis.scan_iter(match=f"kyc:b:{batch_id}:blob:*") if not k.endswith(b":holders")]
        assert len(blobs) == len(shared), blobs
        raw = sum(len(v) for v in shared.values())
        assert sum(int(stack.redis.strlen(k)) for k in blobs) < 1.01 * raw  # sealed: ~28 bytes per 512 KB
        # Redis memory (APPEND over-allocates a growing string): under 2 copies, where a copy per bundle was 6.
        assert sum(int(stack.redis.memory_usage(k) or 0) for k in blobs) < 2 * raw
        stack.wait_done(batch_id)
        lines = client.get(f"/v1/batches/{batch_id}/verdicts", params={"format": "ndjson"}).text.splitlines()
    verdicts = [json.loads(line) for line in lines]
    assert len(verdicts) == count
    for verdict in verdicts:  # every bundle read every file, though the first ones checked released theirs
        missing = [f["status"] for f in verdict["findings"] if f["code"] == "FILE_MISSING"]
        assert missing == ["pass"] * 3, verdict["reference"]
    assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}:blob*")) == []  # all purged once checked
