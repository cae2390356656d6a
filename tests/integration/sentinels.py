"""Redis without a single point of failure, on loopback: a primary, a replica and three sentinels (redis-server run
as a sentinel), as real processes, for the failover test."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from service.cli import processes
from tests.integration.stack import wait_until

HOST = "127.0.0.1"
# Sentinels that must agree the primary is down before one of them fails it over: a majority of three.
QUORUM = 2
# A primary that has not answered the sentinels' PINGs for this long is down for them. Redis's sample config
# says 30 s; 1 s makes the test short while a loaded machine still answers PING well within it.
DOWN_AFTER_MS = 1000
# A failover that has not completed within this long is given up and tried again by another sentinel (after
# twice this). Redis's sample says 3 minutes; the promotion of one replica on loopback takes about a second.
FAILOVER_TIMEOUT_MS = 5000


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen[bytes]


@dataclass
class SentinelTopology:
    data_dir: Path
    master_name: str
    password: str  # the primary's and the replica's (requirepass, masterauth)
    sentinel_password: str  # the sentinels' own (their requirepass)
    primary: Node
    replica: Node
    sentinels: list[Node] = field(default_factory=list)

    @property
    def url(self) -> str:
        """REDIS_URL as Celery's docs write it: the password on the first sentinel, the database on the last."""
        first, *rest = (f"{HOST}:{s.port}" for s in self.sentinels)
        return f"sentinel://:{self.password}@{first};" + ";".join(f"sentinel://{a}" for a in rest) + "/0"

    @property
    def env(self) -> dict[str, str]:
        return {"PREFLIGHT_SENTINEL_MASTER": self.master_name, "PREFLIGHT_SENTINEL_PASSWORD": self.sentinel_password}

    def sentinel(self, node: Node) -> redis.Redis:
        return redis.Redis(HOST, node.port, password=self.sentinel_password, socket_timeout=5)

    def primary_port_per_sentinel(self) -> list[int | None]:
        """The port of the primary as each sentinel names it (None: it does not answer)."""
        ports: list[int | None] = []
        for node in self.sentinels:
            try:
                address = self.sentinel(node).sentinel_get_master_addr_by_name(self.master_name)
                ports.append(int(address[1]) if isinstance(address, tuple) else None)
            except redis.RedisError:
                ports.append(None)
        return ports

    def kill_primary(self) -> None:
        """kill -9 of the primary (and of an AOF rewrite it may have forked): no goodbye to anyone. Only while the
        sentinels still name it and the replica follows it: else the test would prove nothing."""
        assert set(self.primary_port_per_sentinel()) == {self.primary.port}, "a failover before the kill"
        assert _replica_in_sync(self), "the replica does not follow the primary"
        os.killpg(self.primary.process.pid, signal.SIGKILL)
        self.primary.process.wait(30)

    def kill_sentinel(self, n: int) -> None:
        os.killpg(self.sentinels[n].process.pid, signal.SIGKILL)
        self.sentinels[n].process.wait(30)

    def wait_for_promotion(self, timeout_s: float) -> None:
        """Until every sentinel names the replica as the primary and the replica says it is one."""

        def promoted() -> bool:
            if set(self.primary_port_per_sentinel()) != {self.replica.port}:
                return False
            return _replication(self.replica.port, self.password).get("role") == "master"

        wait_until(promoted, timeout_s=timeout_s, what="the sentinels to promote the replica")


def _client(port: int, password: str) -> redis.Redis:
    return redis.Redis(HOST, port, password=password, socket_timeout=5)


def _start(name: str, data_dir: Path, config: list[str], *, sentinel: bool = False) -> Node:
    """redis-server with its own folder and config file (a sentinel rewrites its file with what it learns)."""
    port = processes.free_port()
    folder = data_dir / name
    folder.mkdir(mode=0o700, parents=True)
    conf = folder / f"{name}.conf"
    conf.write_text("\n".join([f"bind {HOST}", f"port {port}", f"dir {folder}", "daemonize no", *config]) + "\n")
    conf.chmod(0o600)
    args = [processes.redis_server_binary(), str(conf), *(["--sentinel"] if sentinel else [])]
    # redis-server needs nothing from the environment (and is given none of the test's secrets).
    return Node(name, port, processes.spawn(args, {}, folder / f"{name}.log"))


def _replication(port: int, password: str) -> dict[str, Any]:
    """INFO replication of a data node ({} if it does not answer)."""
    try:
        info = _client(port, password).info("replication")
    except redis.RedisError:
        return {}
    return info if isinstance(info, dict) else {}


def _answers(port: int, password: str) -> bool:
    try:
        return bool(_client(port, password).ping())
    except redis.RedisError:
        return False


def _replica_in_sync(topology: SentinelTopology) -> bool:
    return _replication(topology.replica.port, topology.password).get("master_link_status") == "up"


def _sentinels_ready(topology: SentinelTopology) -> bool:
    """Every sentinel knows the replica (to promote) and the two other sentinels (to agree with and vote)."""
    for node in topology.sentinels:
        try:
            state = topology.sentinel(node).sentinel_master(topology.master_name)
        except redis.RedisError:
            return False
        if not isinstance(state, dict):
            return False
        if int(state["num-slaves"]) < 1 or int(state["num-other-sentinels"]) < len(topology.sentinels) - 1:
            return False
    return True


@contextmanager
def sentinel_topology(data_dir: Path, master_name: str = "kyc") -> Iterator[SentinelTopology]:
    """Start the primary, then its replica (once in sync), then three sentinels watching the primary; stop all at
    the end. Passwords everywhere, as in production: the data's and the sentinels' own."""
    password, sentinel_password = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    # Both data nodes carry the same password and can follow the other, whichever is the primary.
    data_config = ["appendonly yes", 'save ""', f"requirepass {password}", f"masterauth {password}"]
    nodes: list[Node] = []
    try:
        primary = _start("primary", data_dir, data_config)
        nodes.append(primary)
        wait_until(lambda: _answers(primary.port, password), what="the primary to answer")
        replica = _start("replica", data_dir, [*data_config, f"replicaof {HOST} {primary.port}"])
        nodes.append(replica)
        topology = SentinelTopology(data_dir, master_name, password, sentinel_password, primary, replica)
        wait_until(lambda: _replica_in_sync(topology), what="the replica to sync with the primary")
        sentinel_config = [
            f"requirepass {sentinel_password}",
            f"sentinel monitor {master_name} {HOST} {primary.port} {QUORUM}",
            f"sentinel auth-pass {master_name} {password}",
            f"sentinel down-after-milliseconds {master_name} {DOWN_AFTER_MS}",
            f"sentinel failover-timeout {master_name} {FAILOVER_TIMEOUT_MS}",
        ]
        for n in range(3):
            topology.sentinels.append(_start(f"sentinel{n}", data_dir, sentinel_config, sentinel=True))
            nodes.append(topology.sentinels[-1])
        # Sentinels find each other through hello messages on the primary every 2 s.
        wait_until(lambda: _sentinels_ready(topology), timeout_s=60, what="the sentinels to find each other")
        yield topology
    finally:
        for node in reversed(nodes):
            processes.stop(node.process, grace_s=10)


def broker_restore_probe() -> None:
    """Run in a process with the stack's environment (REDIS_URL the Sentinel URL): a message taken from a queue no
    worker consumes, and not acknowledged, is given back to the queue by workers.recovery's restore (kombu's
    restore_by_tag on its Sentinel channel). Raises if it is not."""
    from workers.celery_app import app
    from workers.recovery import restore_messages

    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue("kyc.sentinel-probe")
        try:
            queue.put({"probe": 1})
            taken = queue.get(timeout=10)
            restore_messages([taken.delivery_tag])
            again = queue.get(timeout=10)
            assert again.payload == {"probe": 1} and again.delivery_tag == taken.delivery_tag
            again.ack()
        finally:
            queue.clear()
            queue.close()
