"""Batches whose bundles take a noticeable time to check, for the tests that kill or freeze a worker mid-bundle."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np

from tests.fixtures.documents import encode_jpeg, render_id_card
from tests.integration.payload import good_bundle, good_files, manifest, post_batch
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
