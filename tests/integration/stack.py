"""Real parts for integration tests: a redis-server process, Celery worker processes and the API over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import redis

from service.auth import key_digest
from service.cli import processes
from workers import keys, orphans
from workers.queues import consumed_queues
from workers.redis_client import sync_client
from workers.sealing import new_master_key
from workers.settings import DEFAULT_SENTINEL_MASTER, RedisClientSettings, RedisSettings, get_settings

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
# initech's key starts with '-', as a key drawn by secrets.token_urlsafe may: the CLI must take it as a value.
TENANT_KEYS = {"acme": "acme-secret-key-1", "globex": "globex-secret-key-2", "initech": "-initech-secret-key-3"}
# The operator's token for GET /metrics (PREFLIGHT_METRICS_TOKEN), apart from every tenant's key.
METRICS_TOKEN = "metrics-token-for-tests"


@dataclass
class Stack:
    data_dir: Path
    env: dict[str, str]
    redis_url: str
    api_url: str = ""
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # False when the stack was given a Redis that the caller runs (children[0] is then not a redis-server).
    runs_redis: bool = True

    @property
    def redis(self) -> redis.Redis:
        """A client of the stack's Redis as its API and workers reach it: one Redis, or the primary behind Sentinel."""
        where = RedisSettings(
            url=self.redis_url,
            sentinel_master=self.env.get("PREFLIGHT_SENTINEL_MASTER") or DEFAULT_SENTINEL_MASTER,
            sentinel_password=self.env.get("PREFLIGHT_SENTINEL_PASSWORD", ""),
        )
        return sync_client(where, RedisClientSettings())

    def queued(self) -> int:
        """Messages waiting in all the broker queues a worker consumes (inline, tenant shards, pre-split)."""
        r = self.redis
        return sum(int(r.llen(name)) for name in consumed_queues(get_settings().worker))

    def batch_record(self, batch_id: str) -> dict[str, str]:
        raw: dict[bytes, bytes] = self.redis.hgetall(f"kyc:b:{batch_id}")  # type: ignore[assignment]
        return {k.decode(): v.decode() for k, v in raw.items()}

    def client(self, tenant: str = "acme") -> httpx.Client:
        headers = {"Authorization": f"Bearer {TENANT_KEYS[tenant]}"}
        return httpx.Client(base_url=self.api_url, headers=headers, timeout=60)

    def stop_redis(self, sig: signal.Signals) -> None:
        """Stop redis-server with `sig` (SIGTERM: it writes its AOF and exits; SIGKILL: no goodbye)."""
        server = self._own_redis()
        server.send_signal(sig)
        server.wait(30)

    def start_redis_again(self) -> None:
        """Start redis-server again on the same port and data dir (it reloads its AOF); wait until it answers."""
        old = self._own_redis()
        self.children[0] = processes.spawn(list(old.args), self.env, self.data_dir / "redis.log")  # type: ignore[arg-type]

        def answers() -> bool:
            try:
                return bool(self.redis.ping())
            except redis.RedisError:  # refused while starting, BusyLoadingError while loading the AOF
                return False

        wait_until(answers, what="redis-server to answer again")

    def _own_redis(self) -> subprocess.Popen[bytes]:
        assert self.runs_redis, "this stack uses a Redis that the caller runs"
        return self.children[0]

    def start_worker(self, name: str, concurrency: int = 2) -> subprocess.Popen[bytes]:
        command = processes.worker_command(concurrency, hostname=f"{name}@%h")
        worker = processes.spawn(command, self.env, self.data_dir / f"{name}.log")
        self.workers.append(worker)
        return worker

    def start_api(self) -> None:
        port = processes.free_port()
        self.api_url = f"http://127.0.0.1:{port}"
        self.children.append(
            processes.spawn(processes.api_command("127.0.0.1", port), self.env, self.data_dir / "api.log")
        )
        wait_until(lambda: _answers(self.api_url + "/healthz"), what="API /healthz")

    def wait_ready(self) -> None:
        wait_until(lambda: _answers(self.api_url + "/readyz"), what="API /readyz (worker heartbeat)")

    def wait_done(
        self, batch_id: str, tenant: str = "acme", timeout_s: float = 180, poll_s: float = 0.1
    ) -> dict[str, Any]:
        with self.client(tenant) as client:

            def done() -> dict[str, Any] | None:
                status: dict[str, Any] = client.get(f"/v1/batches/{batch_id}").json()
                return status if status["state"] == "done" else None

            try:
                return wait_until(done, timeout_s=timeout_s, what=f"batch {batch_id} done", poll_s=poll_s)
            except AssertionError as exc:
                raise AssertionError(f"{exc}; {self.whereabouts(batch_id)}") from None

    def whereabouts(self, batch_id: str) -> str:
        """Where the batch's unfinished bundles are, for a test that timed out: the bundles not checked yet and,
        of those, the ones with a message waiting, taken by a worker, or claimed by a running task."""
        try:
            client = self.redis
            pending = sorted(i for b, i in orphans.pending_bundles(client) if b == batch_id)
            queued = orphans.bundles_with_a_message(client, consumed_queues(get_settings().worker))
            claimed = {json.loads(v)["bundle"] for v in client.hvals(keys.RUNNING)}
        except (redis.RedisError, ValueError, KeyError) as exc:
            return f"whereabouts unknown ({type(exc).__name__})"
        with_message = [i for i in pending if (batch_id, i) in queued]
        running = [i for i in pending if f"{batch_id}:{i}" in claimed]
        return f"bundles not checked {pending}, with a message {with_message}, claimed by a run {running}"


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, their children...), read from /proc (Linux)."""
    found: set[int] = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # ppid
            child = int(status.parent.name)
            found |= {child} | descendants(child)
    return found


def process_state(pid: int) -> str:
    """The state letter of /proc/PID/stat (R running, S sleeping, T stopped, Z zombie); "" if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def wait_until(
    probe: Callable[[], T | None], *, timeout_s: float = 60, what: str = "condition", poll_s: float = 0.1
) -> T:
    """Poll `probe` until it returns something truthy; fail the test with `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(poll_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


@contextmanager
def running_stack(
    tmp: Path, *, workers: int = 1, extra_env: dict[str, str] | None = None, redis_url: str | None = None
) -> Iterator[Stack]:
    """Workers and the API on a private redis-server, or on the Redis at `redis_url` that the caller runs (e.g. the
    sentinels of tests/integration/sentinels.py; `stop_redis` and `start_redis_again` are then refused)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFLIGHT_")}
    env["PYTHONPATH"] = str(ROOT)
    env["PREFLIGHT_API_KEYS"] = ",".join(f"{t}:{key_digest(k)}" for t, k in TENANT_KEYS.items())
    env["PREFLIGHT_MASTER_KEY"] = new_master_key()  # the API and the workers share it (workers/sealing.py)
    env.update(extra_env or {})
    children: list[subprocess.Popen[bytes]] = []
    if redis_url is None:
        redis_process, redis_url = processes.start_redis(tmp, env)
        children.append(redis_process)
    env["REDIS_URL"] = redis_url
    stack = Stack(tmp, env, redis_url, children=children, runs_redis=bool(children))
    try:
        for n in range(workers):
            stack.start_worker(f"w{n}")
        stack.start_api()
        if workers:
            stack.wait_ready()
        yield stack
    finally:
        for process in [*stack.workers, *reversed(stack.children)]:
            processes.stop(process, grace_s=10)
