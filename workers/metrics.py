"""The workers' Prometheus metrics, kept in files that GET /metrics reads (prometheus-client multiprocess mode).

Each Celery pool process writes its own files in PROMETHEUS_MULTIPROC_DIR, named after its worker's node name
and its pid, so that worker containers sharing one directory (each with its own pid 1, 7, 8...) never write the
same file. A dead child's counter files stay, so that totals never go down while the worker runs; a worker
starting removes its own node's files from an earlier life. The engine stays pure: it only reports seconds per
domain (workers.checks.engine), recorded here.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Any

from prometheus_client import Counter, Histogram, multiprocess, values

from workers.checks.model import BundleVerdict
from workers.settings import get_settings

# The worker's Celery node name (`w0@host`), set when the worker starts (record_node), before it forks its pool.
_node = socket.gethostname()


def process_identifier() -> str:
    """This process's name in the metric files: unique among the processes sharing the directory."""
    return f"{_file_safe(_node)}-{os.getpid()}"


def _file_safe(node: str) -> str:
    """prometheus-client splits file names at `_` (type, gauge mode, process): none in the process's name."""
    return re.sub(r"[^A-Za-z0-9@.-]", "-", node)


if get_settings().observability.metrics_dir:
    values.ValueClass = values.MultiProcessValue(process_identifier=process_identifier)

BUNDLES_CHECKED = Counter("kyc_preflight_bundles_checked", "Bundles given a verdict, by verdict.", ["verdict"])
FINDINGS = Counter("kyc_preflight_findings", "Findings in stored verdicts, by code and status.", ["code", "status"])
# Buckets: a bundle takes about a second, OCR of several documents a few, the soft time limit is 120 s; the
# small buckets show fast failures (unreadable files), the large ones bundles that near the limit.
BUNDLE_DURATION = Histogram(
    "kyc_preflight_bundle_duration_seconds",
    "Wall time of one bundle's check in the worker (load, engine, store), by verdict.",
    ["verdict"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 150),
)
# Buckets: one domain's checks of one bundle take milliseconds (files) to seconds (identity OCR, faces).
CHECK_DURATION = Histogram(
    "kyc_preflight_check_duration_seconds",
    "Wall time of one bundle's checks of one domain (files, quality, identity, face, authenticity, bundle).",
    ["domain"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60),
)
WEBHOOK_DELIVERIES = Counter(
    "kyc_preflight_webhook_deliveries",
    "Webhook delivery attempts, by outcome (delivered, retrying, failed).",
    ["outcome"],
)


def record_verdict(verdict: BundleVerdict, bundle_seconds: float, seconds_by_domain: dict[str, float]) -> None:
    """Count a verdict stored for the first time (a second run of a finished bundle is not counted again)."""
    BUNDLES_CHECKED.labels(verdict.verdict.value).inc()
    for finding in verdict.findings:
        FINDINGS.labels(finding.code, finding.status.value).inc()
    BUNDLE_DURATION.labels(verdict.verdict.value).observe(bundle_seconds)
    for domain, seconds in seconds_by_domain.items():
        CHECK_DURATION.labels(domain).observe(seconds)


def record_node(sender: Any = None, **_: Any) -> None:
    """Celery's worker_init: name this worker's metric files after its node and remove those of its earlier
    life (a restarted worker or container keeps its node name; two live workers never share one)."""
    global _node
    _node = str(getattr(sender, "hostname", None) or _node)
    where = get_settings().observability.metrics_dir
    if not where:
        return
    folder = Path(where)
    folder.mkdir(parents=True, exist_ok=True)
    mine = re.compile(rf"[a-z_]+_{re.escape(_file_safe(_node))}-\d+\.db")
    for old in folder.glob("*.db"):
        if mine.fullmatch(old.name):
            old.unlink(missing_ok=True)


def mark_dead(**_: Any) -> None:
    """Celery's worker_process_shutdown: a pool process exits; its live gauges are dropped, counters kept."""
    where = get_settings().observability.metrics_dir
    if where:
        multiprocess.mark_process_dead(process_identifier(), where)
