"""GET /metrics over real HTTP while a real worker (prefork, 2 processes) checks real bundles; the JSON logs."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from service.system.metrics import QueueState, read_queues
from tests.integration.payload import good_bundle, good_files, manifest, post_batch, thumbnail_batch
from tests.integration.stack import METRICS_TOKEN, TENANT_KEYS, Stack, wait_until
from workers.queues import enqueue_headers
from workers.redis_client import async_client
from workers.settings import RedisClientSettings, RedisSettings, Settings, WorkerSettings

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
CHECKED = "kyc_preflight_bundles_checked_total"


def _scrape(stack: Stack) -> Samples:
    response = httpx.get(stack.api_url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _checked_per_process(stack: Stack) -> Counter[str]:
    """Bundles counted in each process's own counter file (the worker pool's children write one each)."""
    counts: Counter[str] = Counter()
    for path in Path(stack.env["PROMETHEUS_MULTIPROC_DIR"]).glob("counter_*.db"):
        for family in MultiProcessCollector.merge([str(path)]):
            counts[path.name] += sum(s.value for s in family.samples if s.name == CHECKED)
    return counts


def test_metrics_count_the_bundles_of_both_pool_processes(stack: Stack) -> None:
    bundles = 6
    before, per_process_before = _scrape(stack), _checked_per_process(stack)
    with stack.client() as client:
        batch_id = post_batch(client, *thumbnail_batch(bundles)).json()["batch_id"]
        assert stack.wait_done(batch_id)["state"] == "done"
        verdicts = client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 100}).json()["items"]
    after = _scrape(stack)

    assert len(verdicts) == bundles
    by_verdict = Counter(v["verdict"] for v in verdicts)
    for verdict, count in by_verdict.items():
        assert _value(after, CHECKED, verdict=verdict) - _value(before, CHECKED, verdict=verdict) == count
    problem = next(f for f in verdicts[0]["findings"] if f["status"] != "pass")
    labels = {"code": problem["code"], "status": problem["status"]}
    found = sum(1 for v in verdicts for f in v["findings"] if (f["code"], f["status"]) == tuple(labels.values()))
    grown = _value(after, "kyc_preflight_findings_total", **labels) - _value(
        before, "kyc_preflight_findings_total", **labels
    )
    assert grown == found > 0
    durations = sum(
        _value(after, "kyc_preflight_bundle_duration_seconds_count", verdict=v)
        - _value(before, "kyc_preflight_bundle_duration_seconds_count", verdict=v)
        for v in by_verdict
    )
    assert durations == bundles
    assert any(name == "kyc_preflight_check_duration_seconds_count" for name, _ in after)
    for queue in ("kyc.inline", "kyc.bundles.0", "kyc.bundles"):
        assert ("kyc_preflight_queue_messages", (("queue", queue),)) in after

    # The counts of the two pool processes add up: each wrote its own file, and the endpoint sums them.
    grown_per_process = _checked_per_process(stack) - per_process_before
    assert sum(grown_per_process.values()) == bundles
    assert len(grown_per_process) >= 2, f"one pool process did every bundle: {grown_per_process}"


def test_queue_depth_and_oldest_age_are_read_from_the_messages(stack: Stack) -> None:
    """Depth and the oldest message's age, from the enqueue time in the message's own headers, on queues that no
    worker consumes (so the messages stay put while we look), on the stack's real Redis."""
    probe = WorkerSettings(queue="kyc.metrics-probe", tenant_queues=1)
    shard = f"{probe.queue}.0"
    now = time.time()
    r = stack.redis
    for age_s in (300.0, 5.0):  # LPUSH, as kombu does: the older message ends up at the consuming end
        r.lpush(shard, json.dumps({"body": "", "headers": enqueue_headers("acme", now - age_s), "properties": {}}))
    r.lpush(probe.queue, json.dumps({"body": "", "headers": {}, "properties": {}}))  # an older version's message

    async def read() -> list[QueueState]:
        client = async_client(RedisSettings(url=stack.redis_url), RedisClientSettings())
        try:
            return await read_queues(client, Settings(worker=probe))
        finally:
            await client.aclose()

    try:
        states = {state.name: state for state in asyncio.run(read())}
    finally:
        r.delete(shard, probe.queue)
    assert states[shard].depth == 2
    oldest_age_s = states[shard].oldest_age_s
    assert oldest_age_s is not None and 300 <= oldest_age_s < 3600
    assert states[probe.queue].depth == 1 and states[probe.queue].oldest_age_s is None  # unknown, not guessed


def test_worker_json_logs_carry_ids_and_no_personal_data(stack: Stack) -> None:
    with stack.client() as client:
        batch_id = post_batch(client, manifest(good_bundle("LOG-1", "log1")), good_files("log1")).json()["batch_id"]
        stack.wait_done(batch_id)

    def logged() -> list[dict[str, object]]:
        # The batch reads as done once its last verdict is stored; the worker logs after that (webhooks, purge).
        lines = (stack.data_dir / "w0.log").read_text(errors="replace").splitlines()
        records = [json.loads(line) for line in lines if line.startswith("{")]
        return [r for r in records if r.get("batch_id") == batch_id]

    mine = wait_until(logged, timeout_s=30, what="the worker's log lines about the bundle, with its batch id")
    assert all(r["bundle_index"] == 0 and r["tenant"] == "acme" for r in mine)
    api_lines = (stack.data_dir / "api.log").read_text(errors="replace").splitlines()
    assert any(json.loads(line).get("batch_id") == batch_id for line in api_lines if line.startswith("{"))
    lines = (stack.data_dir / "w0.log").read_text(errors="replace").splitlines()
    everything = "\n".join(lines + api_lines)
    for personal in ("Anna Maria Eriksson", "Eriksson", "ERIKSSON", "1974-08-12", "L898902C3", "Harbour Road"):
        assert personal not in everything


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Bearer {TENANT_KEYS['acme']}"])
def test_metrics_ask_for_their_own_token_not_a_tenant_key(stack: Stack, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = httpx.get(stack.api_url + "/metrics", headers=headers, timeout=30)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == "Authorization"
    assert "kyc_preflight" not in response.text
