"""Documents private at rest: what the real redis-server writes to disk holds nothing readable of a bundle, and a
deleted batch leaves the disk at the next AOF rewrite, wrapped data key included (docs/contract.md, "Data at
rest"). Also: a master key that does not match gives an error verdict or a problem, never a crash."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import redis

from service.cli import processes
from tests.fixtures.documents import Person, encode_jpeg, encode_png, render_bill, render_id_card
from tests.integration.payload import manifest, post_batch, selfie
from tests.integration.stack import TENANT_KEYS, Stack, running_stack, wait_until
from workers import compaction, keys, sealing
from workers.settings import SealingSettings

pytestmark = pytest.mark.integration

PEOPLE = [
    Person(
        surname="LINDQVIST",
        given_names="SOFIA ELIN",
        date_of_birth=date(1981, 3, 27),
        document_number="X7R42K9Q1",
        address=("7 Birch Lane", "5530 Utopia Falls"),
    ),
    Person(
        surname="OKONKWO",
        given_names="CHIDI EMEKA",
        date_of_birth=date(1969, 11, 4),
        document_number="P3M81Z0T6",
        address=("41 Quarry Street", "8812 Utopia Bay"),
    ),
    Person(
        surname="VASQUEZ",
        given_names="LUCIA MAR",
        date_of_birth=date(1993, 6, 18),
        document_number="C5Q09W2E7",
        address=("3 Orchard Row", "1204 Utopia Hill"),
    ),
]
# A JPEG's start of image and first segment (JFIF or Exif), a PNG's whole 8-byte signature and its header chunk.
# (The bare 3 bytes FF D8 FF turn up by chance in a few megabytes of ciphertext, one in 16 million positions.)
JPEG_HEAD = re.compile(rb"\xff\xd8\xff[\xe0-\xef\xdb].{2}(?:JFIF|Exif)", re.DOTALL)
PNG_HEAD = re.compile(rb"\x89PNG\r\n\x1a\n|IHDR")


def _full_name(p: Person) -> str:
    return f"{p.given_names.title()} {p.surname.title()}"


def _bundle(i: int, p: Person, *, profile_name: str | None = None) -> dict[str, Any]:
    return {
        "reference": f"AR-{i}",
        "account_type": "individual",
        "profile": {
            "full_name": profile_name or _full_name(p),
            "date_of_birth": p.date_of_birth.isoformat(),
            "address": ", ".join(p.address),
            "country": "SE",
        },
        "documents": [
            {
                "role": "id_document",
                "file": f"ar{i}/id.jpg",
                "type": "passport",
                "issuing_country": "SE",
                "declared": {"document_number": p.document_number, "expiry_date": p.expiry.isoformat()},
            },
            {"role": "selfie", "file": f"ar{i}/selfie.jpg"},
            {
                "role": "proof_of_address",
                "file": f"ar{i}/bill.{'png' if i == 2 else 'jpg'}",
                "type": "utility_bill",
                "declared": {"statement_date": "2026-10-05"},
            },
        ],
    }


def _files(i: int, p: Person) -> dict[str, bytes]:
    bill = render_bill(p, seed=i)
    return {
        f"ar{i}/id.jpg": encode_jpeg(render_id_card(p, seed=i)),
        f"ar{i}/selfie.jpg": selfie(i),
        f"ar{i}/bill.{'png' if i == 2 else 'jpg'}": encode_png(bill) if i == 2 else encode_jpeg(bill),
    }


def _personal(p: Person) -> list[bytes]:
    dob = p.date_of_birth
    texts = [
        _full_name(p),
        _full_name(p).upper(),
        p.surname,
        p.surname.title(),
        p.given_names.title(),
        p.document_number,
        dob.isoformat(),
        dob.strftime("%d.%m.%Y"),
        dob.strftime("%d/%m/%Y"),
        dob.strftime("%y%m%d"),  # as in a machine readable zone
        p.address[0],
    ]
    return [t.encode() for t in texts]


def _persisted(data_dir: Path) -> bytes:
    """Everything redis-server keeps on disk: the AOF (one file, or Redis 7's parts), RDB snapshots, temp files."""
    names = ("appendonly", "dump", "temp-")
    found = [p for p in sorted(data_dir.rglob("*")) if p.is_file() and p.name.startswith(names)]
    assert found, f"no persistence files in {data_dir}"
    return b"".join(p.read_bytes() for p in found)


def _rewrite_idle(client: redis.Redis) -> bool:
    info = client.info("persistence")
    return not int(info["aof_rewrite_in_progress"]) and not int(info["aof_rewrite_scheduled"])


@pytest.fixture(scope="module")
def sealed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # Rewrites only when the test clears the rate limit: the AOF first keeps the whole history of the batch.
    quiet = {"PREFLIGHT_AOF_REWRITE_INTERVAL_S": "3600", "PREFLIGHT_AOF_REWRITE_MAX_AGE_S": "3600"}
    with running_stack(tmp_path_factory.mktemp("at-rest"), workers=1, extra_env=quiet) as running:
        yield running


def test_disk_holds_nothing_readable_and_a_deleted_batch_leaves_it_at_the_next_rewrite(sealed_stack: Stack) -> None:
    stack, client = sealed_stack, sealed_stack.redis
    # The third profile's name differs from its documents': a failing finding then quotes names in its verdict.
    bundles = [_bundle(0, PEOPLE[0]), _bundle(1, PEOPLE[1]), _bundle(2, PEOPLE[2], profile_name="Lucia Mar Ferreira")]
    files = {name: data for i, p in enumerate(PEOPLE) for name, data in _files(i, p).items()}
    with stack.client() as api:
        answer = post_batch(api, manifest(*bundles), files)
        assert answer.status_code == 202, answer.text
        batch_id = answer.json()["batch_id"]
        stack.wait_done(batch_id)
        verdicts = api.get(f"/v1/batches/{batch_id}/verdicts").json()["items"]
    assert sorted(v["reference"] for v in verdicts) == ["AR-0", "AR-1", "AR-2"]  # sealed, and opened by the API
    stored = client.hvals(keys.verdicts(batch_id))
    assert len(stored) == 3 and all(isinstance(v, bytes) and sealing.is_sealed(v) for v in stored)
    # The references as the verdict's JSON writes them: a 6-byte probe. (A bare b"AR-" turns up by chance in
    # ciphertext: 3 random bytes match once in 16.7 million positions, and three sealed verdicts hold tens of
    # thousands; one CI run met it.)
    for v in stored:
        assert isinstance(v, bytes)
        assert not any(f'"AR-{i}"'.encode() in v for i in range(3)), "a reference is readable in a sealed verdict"

    # Before any rewrite: the AOF holds the batch's whole history (its blob keys were written, then deleted)...
    assert client.exists(keys.AOF_DIRTY), "the finalized batch should be waiting for its rewrite"
    disk = _persisted(stack.data_dir)
    assert keys.blob(batch_id, 0, 0).encode() in disk and keys.bundle_spec(batch_id, 1).encode() in disk
    # ... and nothing of it in the clear: no image, no name, no date of birth, no document number, no address.
    assert not JPEG_HEAD.search(disk) and not PNG_HEAD.search(disk)
    for name, data in files.items():
        for probe in (data[:64], data[len(data) // 2 : len(data) // 2 + 64]):
            assert probe not in disk, f"bytes of {name} are on disk"
    for p in PEOPLE:
        for text in _personal(p):
            assert text not in disk, f"{text!r} is on disk"
    assert b"Ferreira" not in disk
    logs = b"".join(path.read_bytes() for path in stack.data_dir.glob("*.log"))
    for p in PEOPLE:
        for text in _personal(p)[:7]:
            assert text not in logs, f"{text!r} is in a log"

    # DELETE: the keys go, but the AOF still holds the wrapped data key: with the master key the batch would
    # still open from the disk. That is why deletion asks for a rewrite.
    wrapped = client.get(keys.data_key(batch_id))
    assert isinstance(wrapped, bytes) and wrapped in _persisted(stack.data_dir)
    with stack.client() as api:
        assert api.delete(f"/v1/batches/{batch_id}").status_code == 204
    assert wrapped in _persisted(stack.data_dir)
    assert client.exists(keys.AOF_DIRTY)
    # The rate limit is over (as it is after PREFLIGHT_AOF_REWRITE_INTERVAL_S): the workers' heartbeat asks Redis
    # to rewrite its AOF, which then holds only live keys.
    client.delete(keys.AOF_RECENT)
    wait_until(
        lambda: _rewrite_idle(client) and wrapped not in _persisted(stack.data_dir),
        timeout_s=90,
        what="the AOF rewrite that drops the deleted batch's wrapped data key",
    )
    disk = _persisted(stack.data_dir)
    assert keys.blob(batch_id, 0, 0).encode() not in disk and keys.data_key(batch_id).encode() not in disk
    assert not client.exists(keys.AOF_DIRTY)


def test_redis_files_and_secrets_are_private(sealed_stack: Stack) -> None:
    stack = sealed_stack
    assert stack.data_dir.stat().st_mode & 0o777 == 0o700
    for path in stack.data_dir.rglob("*"):
        if path.name.startswith(("appendonly", "dump", "temp-", "redis")):
            assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"
    password = (stack.data_dir / "redis-password").read_text().strip()
    assert len(password) >= 32 and f":{password}@" in stack.redis_url
    anonymous = redis.Redis.from_url(stack.redis_url.replace(f":{password}@", ""))
    with pytest.raises(redis.AuthenticationError):
        anonymous.ping()
    assert password not in processes.redacted(stack.redis_url)


def _api_with(stack: Stack, env: dict[str, str], log: str) -> str:
    port = processes.free_port()
    stack.children.append(processes.spawn(processes.api_command("127.0.0.1", port), env, stack.data_dir / log))
    url = f"http://127.0.0.1:{port}"
    import httpx

    def answers() -> bool:
        try:
            return httpx.get(url + "/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(answers, what="the second API")
    return url


def test_another_master_key_gives_a_problem_in_the_api_and_an_error_verdict_in_a_worker(sealed_stack: Stack) -> None:
    import httpx

    stack = sealed_stack
    with stack.client() as api:
        batch_id = post_batch(api, manifest(_bundle(0, PEOPLE[0])), _files(0, PEOPLE[0])).json()["batch_id"]
        stack.wait_done(batch_id)

    # An API whose master key is not the one the batch was sealed under: a problem naming the cause.
    other = sealing.new_master_key()
    url = _api_with(stack, {**stack.env, "PREFLIGHT_MASTER_KEY": other}, "api-other-key.log")
    headers = {"Authorization": f"Bearer {TENANT_KEYS['acme']}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as wrong:
        assert wrong.get(f"/v1/batches/{batch_id}").status_code == 200  # progress holds nothing sealed
        for path in (f"/v1/batches/{batch_id}/verdicts", f"/v1/batches/{batch_id}/bundles/AR-0"):
            for fmt in ("json", "ndjson", "csv"):
                answer = wrong.get(path, params={"format": fmt} if path.endswith("verdicts") else None)
                assert answer.status_code == 500, answer.text
                problem = answer.json()
                assert problem["type"].endswith("/batch-unreadable")
                assert "PREFLIGHT_MASTER_KEY" in problem["detail"]
                assert sealing.Keyring.parse(stack.env["PREFLIGHT_MASTER_KEY"]).current_id in problem["detail"]

    # A worker whose master key differs from the API's: every bundle it takes gets an error verdict (stored plain:
    # it quotes nothing of the bundle), its files are purged, and the API reads the verdict.
    for worker in stack.workers:
        processes.stop(worker, grace_s=30)
    wrong_worker = processes.worker_command(2, hostname="wrongkey@%h")
    stack.workers.append(
        processes.spawn(wrong_worker, {**stack.env, "PREFLIGHT_MASTER_KEY": other}, stack.data_dir / "wrongkey.log")
    )
    with stack.client() as api:
        batch_id = post_batch(api, manifest(_bundle(1, PEOPLE[1])), _files(1, PEOPLE[1])).json()["batch_id"]
        stack.wait_done(batch_id, timeout_s=240)
        verdict = api.get(f"/v1/batches/{batch_id}/bundles/AR-1").json()
    assert verdict["verdict"] == "review"
    [finding] = verdict["findings"]
    assert finding["code"] == "CHECK_ERROR" and "could not be decrypted" in finding["message"]
    assert "PREFLIGHT_MASTER_KEY" in finding["message"]
    assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}:blob:*")) == []
    assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}:spec:*")) == []


def test_rewrites_are_rate_limited_and_a_request_inside_the_limit_is_kept_for_later(sealed_stack: Stack) -> None:
    client = sealed_stack.redis
    settings = SealingSettings(master_keys="", aof_rewrite_interval_s=3600, aof_rewrite_max_age_s=3600)
    client.delete(keys.AOF_RECENT)
    compaction.request_rewrite(client, settings)  # asks for one (unless the heartbeat just did)
    assert client.ttl(keys.AOF_RECENT) > 3000
    assert compaction.request_rewrite(client, settings) is False  # inside the interval: no second rewrite...
    assert client.exists(keys.AOF_DIRTY)  # ... but the deletion is remembered, for the heartbeat after it
    assert compaction.request_rewrite(client, settings, deleted=False) is False
    assert compaction.request_rewrite(client, SealingSettings(master_keys="", aof_rewrite_interval_s=0)) is False
