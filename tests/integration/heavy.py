"""Batches whose bundles take a noticeable time to check, for the tests that kill or freeze a worker, or stop Redis,
in the middle of a batch; and what every such test checks at the end: each bundle got exactly one verdict."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np

from tests.fixtures.documents import encode_jpeg, render_id_card
from tests.integration.payload import good_bundle, good_files, manifest, post_batch, thumbnail_batch
from tests.integration.stack import Stack, wait_until
from workers import keys


def heavy_id(seed: int) -> bytes:
    """A camera-sized ID photo so that each bundle takes a noticeable time to check."""
    rng = np.random.default_rng(seed)
    card = render_id_card(seed=seed, width=3000)
    noisy = np.clip(card.astype(np.int16) + rng.normal(0, 6, card.shape), 0, 255).astype(np.uint8)
    return encode_jpeg(noisy, quality=90)


def heavy_batch(bundles: int, seed: int) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A manifest of `bundles` good bundles (K-0, K-1, ...) whose ID photos are all heavy_id(seed), and its files."""
    heavy = heavy_id(seed)
    files: dict[str, bytes] = {}
    for i in range(bundles):
        files.update(good_files(f"k{i}"))
        files[f"k{i}/id.jpg"] = heavy
    return manifest(*(good_bundle(f"K-{i}", f"k{i}") for i in range(bundles))), files


def post_and_wait_for_verdicts(client: httpx.Client, bundles: int, seed: int, verdicts: int) -> str:
    """Post a heavy batch and wait until `verdicts` of its bundles are checked (the workers are warm); its id."""
    doc, files = heavy_batch(bundles, seed)
    batch_id: str = post_batch(client, doc, files).json()["batch_id"]
    wait_until(
        lambda: client.get(f"/v1/batches/{batch_id}").json()["counts"]["done"] >= verdicts,
        timeout_s=120,
        what=f"{verdicts} verdicts",
    )
    return batch_id


def attempts(stack: Stack, batch_id: str) -> dict[int, int]:
    """Bundle index -> how many times a worker started it."""
    return {int(i): int(n) for i, n in stack.redis.hgetall(keys.attempts(batch_id)).items()}


def done_count(client: httpx.Client, batch_id: str) -> int:
    """Bundles of the batch checked so far (0 while the API cannot answer, e.g. Redis is down)."""
    answer = client.get(f"/v1/batches/{batch_id}")
    return int(answer.json()["counts"]["done"]) if answer.status_code == 200 else 0


def post_thumbnails_and_wait_for_verdicts(client: httpx.Client, bundles: int, verdicts: int = 2) -> tuple[str, int]:
    """Post thumbnail_batch(bundles) and wait until at least `verdicts` of its bundles are checked (the worker is
    warm and the batch under way): its id, and how many bundles were done by then."""
    answer = post_batch(client, *thumbnail_batch(bundles))
    assert answer.status_code == 202, answer.text
    batch_id: str = answer.json()["batch_id"]

    def enough() -> int | None:
        done = done_count(client, batch_id)
        return done if done >= verdicts else None

    done = wait_until(enough, what=f"{verdicts} verdicts")
    assert done < bundles, "the batch was over before anything broke: the test would prove nothing"
    return batch_id, done


def assert_one_genuine_verdict_each(
    stack: Stack, client: httpx.Client, batch_id: str, status: dict[str, Any], bundles: int
) -> list[dict[str, Any]]:
    """The thumbnail batch `batch_id`, done (`status` from Stack.wait_done), has exactly one verdict per bundle,
    counted once, none left pending, and each a genuine one: whatever broke gave no bundle an error verdict
    (CHECK_ERROR, which describes no document). Its files are gone. Returns the verdicts."""
    page = client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 1000})
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    record = stack.batch_record(batch_id)
    counted = sum(int(v) for k, v in record.items() if k.startswith("count:"))
    assert sorted(v["reference"] for v in items) == [f"R-{i:02d}" for i in range(bundles)]
    assert stack.redis.hlen(keys.verdicts(batch_id)) == bundles
    assert status["counts"] == {"total": bundles, "done": bundles, "pending": 0}
    assert counted == bundles
    codes = {v["reference"]: {f["code"] for f in v["findings"] if f["status"] != "pass"} for v in items}
    assert all("IMAGE_TOO_SMALL" in c and "CHECK_ERROR" not in c for c in codes.values()), codes
    assert all(len(v["documents"]) == 3 for v in items)
    assert list(stack.redis.scan_iter(match=f"kyc:b:{batch_id}:blob*")) == []
    return items
