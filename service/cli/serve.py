"""`preflight serve`: Redis (embedded unless REDIS_URL is set), one Celery worker and the API, stopped together."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from pathlib import Path
from types import FrameType

from service.auth import key_digest
from service.cli import processes
from workers.checks.threads import one_thread_environment
from workers.sealing import MASTER_KEY_ENV, new_master_key

# Every key `serve` makes starts with this prefix: secret scanners can recognise a leaked key by it, and a key
# never starts with '-' (token_urlsafe may), which a command line would take for an option.
DEV_KEY_PREFIX = "pfk_"


def new_api_key() -> str:
    return DEV_KEY_PREFIX + secrets.token_urlsafe(24)


def _dev_api_key(data_dir: Path) -> str:
    """A key for local use, kept in the data folder so it survives restarts (never for production)."""
    return processes.private_file(data_dir / "dev-api-key", new_api_key())


def _master_key(data_dir: Path) -> str:
    """The master key sealing the data in Redis, made once and kept (0600) in the data folder: losing it, or the
    folder, makes what is stored in Redis unreadable."""
    return processes.private_file(data_dir / "master-key", new_master_key())


def serve(host: str, port: int, data_dir: Path, concurrency: int | None) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    env = dict(os.environ)
    if not env.get(MASTER_KEY_ENV):
        env[MASTER_KEY_ENV] = _master_key(data_dir)
        print(
            f"sealing no {MASTER_KEY_ENV} set: data in Redis is sealed with the key in {data_dir}/master-key "
            "(without it nothing stored can be read)",
            flush=True,
        )
    if problem := processes.master_key_problem(env):
        print(f"sealing {problem}", flush=True)
        return 2
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    if not env.get("REDIS_URL"):
        redis_process, env["REDIS_URL"] = processes.start_redis(data_dir, env)
        children.append(("redis", redis_process))
        shown = processes.redacted(env["REDIS_URL"])
        print(
            f"redis   embedded redis-server at {shown} (password in {data_dir}/redis-password; data in {data_dir}/)",
            flush=True,
        )
    else:
        print("redis   using REDIS_URL from the environment", flush=True)
    if not env.get("PREFLIGHT_API_KEYS"):
        key = _dev_api_key(data_dir)
        env["PREFLIGHT_API_KEYS"] = f"dev:{key_digest(key)}"
        print(
            f"auth    no PREFLIGHT_API_KEYS set: tenant 'dev' uses the key in {data_dir}/dev-api-key",
            flush=True,
        )
    # The worker's pool processes keep their metric files here for the API's GET /metrics (workers/metrics.py).
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(data_dir / "metrics"))
    # BLAS reads its thread count when numpy loads: one per pool process (workers.checks.threads).
    worker_env = {**env, **one_thread_environment()}
    worker = processes.spawn(processes.worker_command(concurrency), worker_env, data_dir / "worker.log")
    children.append(("worker", worker))
    print(f"worker  Celery worker pid {worker.pid} (log: {data_dir}/worker.log)", flush=True)
    api = processes.spawn(processes.api_command(host, port), env)
    children.append(("api", api))
    print(f"api     http://{host}:{port}  (OpenAPI at /schema, metrics /metrics; Ctrl-C stops all three)", flush=True)

    stopping = False

    def on_signal(signum: int, _: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    exit_code = 0
    while not stopping:
        for name, child in children:
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping the others", flush=True)
                stopping, exit_code = True, 1
        time.sleep(0.2)
    # Stop in reverse order: no new requests, then let the worker finish its bundle, then Redis saves.
    for name, child in reversed(children):
        processes.stop(child)
        print(f"stopped {name}", flush=True)
    return exit_code
