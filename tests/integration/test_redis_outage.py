"""Redis restarting (SIGTERM or kill -9, AOF on) under a running batch loses nothing: the tasks that meet it wait
and retry, every bundle gets exactly one genuine verdict and the batch finishes. While Redis is down the API
answers 503 problem+json with Retry-After, and the same API process answers 200 again once Redis is back."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.bad_files import tiny_jpeg
from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import running_stack, wait_until
from workers import keys

pytestmark = pytest.mark.integration

BUNDLES = 20
# Long enough for the workers' tasks, the consumer and the API to meet a dead Redis, not a mere blip.
DOWN_S = 3.0


def _submit(client: httpx.Client) -> str:
    """Small bundles: thumbnails (IMAGE_TOO_SMALL), checked in about a second each, so that the batch runs for a
    while yet the test stays short."""
    files: dict[str, bytes] = {}
    for i in range(BUNDLES):
        files.update({f"r{i}/{name}": tiny_jpeg(seed=i) for name in ("id.jpg", "selfie.jpg", "bill.jpg")})
    doc = manifest(*(good_bundle(f"R-{i:02d}", f"r{i}") for i in range(BUNDLES)))
    answer = post_batch(client, doc, files)
    assert answer.status_code == 202, answer.text
    batch_id: str = answer.json()["batch_id"]
    return batch_id


def _done(client: httpx.Client, batch_id: str) -> int:
    answer = client.get(f"/v1/batches/{batch_id}")
    return int(answer.json()["counts"]["done"]) if answer.status_code == 200 else 0


def _at_least(floor: int, value: int) -> int | None:
    return value if value >= floor else None


def _restart_mid_batch(tmp_path: Path, sig: signal.Signals) -> None:
    with running_stack(tmp_path, workers=1, extra_env={"PREFLIGHT_WORKER_CONCURRENCY": "2"}) as stack:
        with stack.client() as client:
            batch_id = _submit(client)
            done_before = wait_until(lambda: _at_least(2, _done(client, batch_id)), what="two verdicts")
            stack.stop_redis(sig)
            assert done_before < BUNDLES, "the batch was over before Redis stopped: the test would prove nothing"
            # Down for a while: the bundles in progress meet it, and the worker's consumer loses its connection.
            wait_until(lambda: client.get(f"/v1/batches/{batch_id}").status_code == 503, what="a 503")
            time.sleep(DOWN_S)
            stack.start_redis_again()
            status = stack.wait_done(batch_id, timeout_s=240)
            page = client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 1000})
            items: list[dict[str, Any]] = page.json()["items"]
        record = stack.batch_record(batch_id)
        counted = sum(int(v) for k, v in record.items() if k.startswith("count:"))
        # Exactly one verdict per bundle, counted once, none left pending.
        assert sorted(v["reference"] for v in items) == [f"R-{i:02d}" for i in range(BUNDLES)]
        assert stack.redis.hlen(keys.verdicts(batch_id)) == BUNDLES
        assert status["counts"] == {"total": BUNDLES, "done": BUNDLES, "pending": 0}
        assert counted == BUNDLES
        # Genuine verdicts: the outage gave no bundle an error verdict (CHECK_ERROR, which describes no document).
        codes = {v["reference"]: {f["code"] for f in v["findings"] if f["status"] != "pass"} for v in items}
        assert all("IMAGE_TOO_SMALL" in c and "CHECK_ERROR" not in c for c in codes.values()), codes
        assert all(len(v["documents"]) == 3 for v in items)
        assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}:blob*")) == []


def test_redis_stopped_with_sigterm_mid_batch_loses_no_bundle(tmp_path: Path) -> None:
    _restart_mid_batch(tmp_path, signal.SIGTERM)


def test_redis_killed_mid_batch_loses_no_bundle(tmp_path: Path) -> None:
    _restart_mid_batch(tmp_path, signal.SIGKILL)


def test_api_answers_503_while_redis_is_down_and_recovers_by_itself(tmp_path: Path) -> None:
    with running_stack(tmp_path, workers=0) as stack, stack.client() as client:
        doc = manifest(good_bundle("R-API", "a"))
        batch_id = post_batch(client, doc, good_files("a")).json()["batch_id"]
        assert client.get(f"/v1/batches/{batch_id}").status_code == 200
        stack.stop_redis(signal.SIGKILL)
        for path in (f"/v1/batches/{batch_id}", f"/v1/batches/{batch_id}/verdicts", "/readyz"):
            answer = client.get(path)
            assert answer.status_code == 503, (path, answer.status_code, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert int(answer.headers["retry-after"]) > 0
            assert answer.json()["status"] == 503
        down = post_batch(client, doc, good_files("a"))
        assert down.status_code == 503, down.text
        assert down.headers["content-type"].startswith("application/problem+json")
        assert "retry-after" in down.headers
        stack.start_redis_again()
        # The same API process, with the connections it pooled before the restart: 200 again, by itself.
        wait_until(
            lambda: client.get(f"/v1/batches/{batch_id}").status_code == 200,
            timeout_s=30,
            what="the API to answer 200 again",
        )
        for _ in range(20):  # and keeps answering: no stale pooled connection is left to fail a request
            assert client.get(f"/v1/batches/{batch_id}").status_code == 200
        assert post_batch(client, doc, good_files("a")).status_code == 202
