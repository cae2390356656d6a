"""Signed webhooks on real processes: a real redis-server, real Celery workers, the API over HTTP and a real
receiver on loopback. A signature verified with the secret shown at registration; a receiver down for a while
then up; a worker killed mid-delivery: every event arrives (at least once), none is lost."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.payload import good_bundle, good_files, manifest, multipart, post_batch
from tests.integration.stack import Stack, running_stack, wait_until
from workers.webhooks.signing import HEADER, verify


@dataclass
class Receiver:
    """An HTTP receiver on loopback: records every request it answers 2xx; can answer 503 for a while, or hold
    the next request open (as a slow receiver does) until released."""

    received: list[tuple[str, bytes]] = field(default_factory=list)  # (signature header, raw body)
    failures_left: int = 0
    hold_next: bool = False
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in list(self.received)]

    def ids(self, kind: str) -> set[str]:
        return {e["id"] for e in self.events() if e["type"] == kind}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if state.hold_next:
                state.hold_next = False
                state.held.set()
                state.release.wait(60)
                return  # the sender is gone by now: answer nothing
            if state.failures_left > 0:
                state.failures_left -= 1
                self.send_response(503)
                self.end_headers()
                return
            state.received.append((self.headers.get(HEADER, ""), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()


@pytest.fixture(scope="module")
def hook_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {"PREFLIGHT_WEBHOOK_ALLOW_PRIVATE": "1", "PREFLIGHT_WEBHOOK_RETRY_S": "1,1,1,2,2,2,2"}
    with running_stack(tmp_path_factory.mktemp("hooks"), workers=1, extra_env=env) as running:
        yield running


def _register(stack: Stack, url: str) -> dict[str, Any]:
    with stack.client() as client:
        answer = client.post("/v1/webhooks", json={"url": url, "events": ["bundle.checked", "batch.completed"]})
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def _submit(stack: Stack, reference: str) -> str:
    with stack.client() as client:
        answer = post_batch(client, manifest(good_bundle(reference, reference)), good_files(reference))
    assert answer.status_code == 202, answer.text
    batch_id: str = answer.json()["batch_id"]
    return batch_id


def _unregister(stack: Stack, endpoint_id: str) -> None:
    with stack.client() as client:
        assert client.delete(f"/v1/webhooks/{endpoint_id}").status_code == 204


def _delivery_log(client: httpx.Client, endpoint_id: str, delivered: int) -> list[dict[str, Any]]:
    """The endpoint's delivery log once it records `delivered` deliveries. The worker writes an attempt's entry
    after the receiver has answered it, so the receiver can hold an event a moment before the log shows it
    (one fresh-clone run read the log in between: 1 entry of 2)."""

    def settled() -> list[dict[str, Any]] | None:
        log: list[dict[str, Any]] = client.get(f"/v1/webhooks/{endpoint_id}/deliveries").json()["deliveries"]
        return log if sum(entry["outcome"] == "delivered" for entry in log) >= delivered else None

    return wait_until(settled, timeout_s=30, what=f"{delivered} deliveries in the log of {endpoint_id}")


def test_events_are_signed_and_delivered(hook_stack: Stack, receiver: Receiver) -> None:
    endpoint = _register(hook_stack, receiver.url)
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    batch_id = _submit(hook_stack, "WH-1")
    hook_stack.wait_done(batch_id)
    wait_until(lambda: receiver.ids("batch.completed"), timeout_s=60, what="batch.completed delivered")
    wait_until(lambda: receiver.ids("bundle.checked"), timeout_s=60, what="bundle.checked delivered")
    for header, body in receiver.received:
        assert verify(header, body, secret), header
        assert not verify(header, body + b" ", secret) and not verify(header, body, secret + "x")
    events = {e["type"]: e for e in receiver.events()}
    checked = events["bundle.checked"]["data"]
    assert checked["batch_id"] == batch_id and checked["reference"] == "WH-1" and checked["verdict"]
    assert events["batch.completed"]["data"]["total"] == 1
    assert "Anna" not in json.dumps(receiver.events())  # ids, verdicts and codes: no personal data
    with hook_stack.client() as client:
        log = _delivery_log(client, endpoint["id"], delivered=2)
        listed = client.get("/v1/webhooks").json()
        again = client.post(f"/v1/webhooks/{endpoint['id']}/deliveries/{events['bundle.checked']['id']}/redeliver")
    assert {d["outcome"] for d in log} == {"delivered"} and len(log) >= 2
    assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]
    assert again.status_code == 202
    wait_until(lambda: len([e for e in receiver.events() if e["type"] == "bundle.checked"]) >= 2, timeout_s=60,
               what="the redelivered event")  # fmt: skip
    with hook_stack.client("globex") as other:
        assert other.get("/v1/webhooks").json() == []
        assert other.get(f"/v1/webhooks/{endpoint['id']}/deliveries").status_code == 404
    _unregister(hook_stack, endpoint["id"])


def test_a_batch_callback_url_gets_the_batch_events_signed_with_its_own_secret(
    hook_stack: Stack, receiver: Receiver
) -> None:
    doc = {**manifest(good_bundle("CB-1", "CB-1")), "callback_url": receiver.url}
    with hook_stack.client() as client:
        answer = post_batch(client, doc, good_files("CB-1"))
        assert answer.status_code == 202, answer.text
        batch_id, secret = answer.json()["batch_id"], answer.json()["callback_secret"]
        assert secret.startswith("whsec_") and answer.headers["Preflight-Callback-Secret"] == secret
        hook_stack.wait_done(batch_id)
        wait_until(lambda: receiver.ids("batch.completed") and receiver.ids("bundle.checked"), timeout_s=60,
                   what="the batch's events at its callback_url")  # fmt: skip
        assert {e["data"]["batch_id"] for e in receiver.events()} == {batch_id}
        assert all(verify(header, body, secret) for header, body in receiver.received)
        endpoint_id = f"cb_{batch_id}"
        log = _delivery_log(client, endpoint_id, delivered=2)
        assert {d["outcome"] for d in log} == {"delivered"} and len(log) == 2
        assert endpoint_id not in {e["id"] for e in client.get("/v1/webhooks").json()}  # not a registered one
        with hook_stack.client("globex") as other:
            assert other.get(f"/v1/webhooks/{endpoint_id}/deliveries").status_code == 404
        event_keys = [f"kyc:wh:event:{e['id']}" for e in receiver.events()]
        assert hook_stack.redis.exists(*event_keys) == 2
        assert client.delete(f"/v1/batches/{batch_id}").status_code == 204
        # Deleted with the batch: its callback, its delivery log and its events' bodies.
        assert client.get(f"/v1/webhooks/{endpoint_id}/deliveries").status_code == 404
        assert hook_stack.redis.exists(*event_keys, f"kyc:b:{batch_id}:callback:deliveries") == 0


def test_a_check_with_a_callback_url_shows_its_secret_in_a_header(hook_stack: Stack, receiver: Receiver) -> None:
    doc = {**manifest(good_bundle("CB-2", "CB-2")), "callback_url": receiver.url}
    with hook_stack.client() as client:
        answer = client.post("/v1/check", files=multipart(doc, good_files("CB-2")))
    assert answer.status_code in (200, 202), answer.text
    secret = answer.headers["Preflight-Callback-Secret"]
    wait_until(lambda: receiver.ids("bundle.checked"), timeout_s=60, what="the check's event at its callback_url")
    assert all(verify(header, body, secret) for header, body in receiver.received)


def test_a_receiver_down_for_a_while_gets_every_event(hook_stack: Stack, receiver: Receiver) -> None:
    receiver.failures_left = 4  # the first four attempts get 503 (retried after 1, 1, 1, 2 s)
    endpoint = _register(hook_stack, receiver.url)
    batch_id = _submit(hook_stack, "WH-2")
    hook_stack.wait_done(batch_id)
    wait_until(lambda: receiver.ids("batch.completed") and receiver.ids("bundle.checked"), timeout_s=90,
               what="both events after the receiver came back")  # fmt: skip
    with hook_stack.client() as client:
        log = _delivery_log(client, endpoint["id"], delivered=2)
    outcomes = [d["outcome"] for d in log]
    assert outcomes.count("retrying") == 4 and outcomes.count("delivered") == 2, outcomes
    assert all(d["status_code"] == 503 for d in log if d["outcome"] == "retrying")
    _unregister(hook_stack, endpoint["id"])


def test_a_worker_killed_mid_delivery_loses_no_event(tmp_path: Path, receiver: Receiver) -> None:
    env = {"PREFLIGHT_WEBHOOK_ALLOW_PRIVATE": "1", "PREFLIGHT_WEBHOOK_RETRY_S": "1,1,1,2,2,2,2"}
    with running_stack(tmp_path, workers=0, extra_env=env) as stack:
        victim = stack.start_worker("w0", concurrency=1)
        stack.wait_ready()
        endpoint = _register(stack, receiver.url)
        receiver.hold_next = True  # the first delivery is held open: the worker is then in the middle of it
        batch_id = _submit(stack, "WH-3")
        assert receiver.held.wait(120), "no delivery reached the receiver"
        os.killpg(victim.pid, signal.SIGKILL)  # the worker and its pool, mid-delivery
        victim.wait(30)
        receiver.release.set()
        stack.start_worker("w1", concurrency=1)
        stack.wait_done(batch_id)
        wait_until(lambda: receiver.ids("bundle.checked") and receiver.ids("batch.completed"), timeout_s=120,
                   what="every event after the worker was killed")  # fmt: skip
        _unregister(stack, endpoint["id"])


def test_a_private_address_is_refused_unless_allowed(stack: Stack) -> None:
    with stack.client() as client:
        for url in ("http://127.0.0.1:9/hooks", "https://127.0.0.1/hooks", "https://169.254.169.254/latest"):
            answer = client.post("/v1/webhooks", json={"url": url, "events": ["bundle.checked"]})
            assert answer.status_code == 422 and answer.json()["field"] == "url", (url, answer.text)
        answer = client.post("/v1/webhooks", json={"url": "https://example.invalid/", "events": ["nope"]})
        assert answer.status_code == 422 and answer.json()["field"] == "events"
        assert client.get("/v1/webhooks").json() == []  # nothing was written
        for url in ("http://127.0.0.1:9/hooks", "ftp://example.com/hooks"):
            doc = {**manifest(good_bundle("CB-3", "CB-3")), "callback_url": url}
            answer = post_batch(client, doc, good_files("CB-3"))
            assert answer.status_code == 422 and answer.json()["field"] == "$.callback_url", (url, answer.text)
