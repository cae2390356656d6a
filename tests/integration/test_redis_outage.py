"""Redis restarting (SIGTERM or kill -9, AOF on) under a running batch loses nothing: the tasks that meet it wait
and retry, every bundle gets exactly one genuine verdict and the batch finishes. While Redis is down the API
answers 503 problem+json with Retry-After, and the same API process answers 200 again once Redis is back."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.integration.heavy import assert_one_genuine_verdict_each, post_thumbnails_and_wait_for_verdicts
from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import running_stack, wait_until

pytestmark = pytest.mark.integration

BUNDLES = 20
# Long enough for the workers' tasks, the consumer and the API to meet a dead Redis, not a mere blip.
DOWN_S = 3.0


def _restart_mid_batch(tmp_path: Path, sig: signal.Signals) -> None:
    with (
        running_stack(tmp_path, workers=1, extra_env={"PREFLIGHT_WORKER_CONCURRENCY": "2"}) as stack,
        stack.client() as client,
    ):
        batch_id, _ = post_thumbnails_and_wait_for_verdicts(client, BUNDLES)
        stack.stop_redis(sig)
        # Down for a while: the bundles in progress meet it, and the worker's consumer loses its connection.
        wait_until(lambda: client.get(f"/v1/batches/{batch_id}").status_code == 503, what="a 503")
        time.sleep(DOWN_S)
        stack.start_redis_again()
        status = stack.wait_done(batch_id, timeout_s=240)
        assert_one_genuine_verdict_each(stack, client, batch_id, status, BUNDLES)


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
