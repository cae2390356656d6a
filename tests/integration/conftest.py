from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.stack import METRICS_TOKEN, Stack, running_stack

# Small enough to test the hard cap with a modest file, large enough for the 6 MB FILE_TOO_LARGE case.
HARD_FILE_CAP = 8 * 1024 * 1024
# Above every batch the tests send (the 20-bundle end-to-end batch is ~25 MB).
HARD_REQUEST_CAP = 96 * 1024 * 1024


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("stack")
    with running_stack(
        tmp,
        workers=1,
        extra_env={
            "PREFLIGHT_MAX_FILE_BYTES": str(HARD_FILE_CAP),
            "PREFLIGHT_WORKER_CONCURRENCY": "2",
            "PREFLIGHT_MAX_REQUEST_BYTES": str(HARD_REQUEST_CAP),
            # The workers' metric files, read by the API's GET /metrics (tests/integration/test_metrics.py) ...
            "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics"),
            # ... behind a token, as an operator exposing the API's port would set it.
            "PREFLIGHT_METRICS_TOKEN": METRICS_TOKEN,
            # ... and JSON log lines, as docker-compose.yml runs them (the logs land in tmp/*.log).
            "PREFLIGHT_LOG_FORMAT": "json",
        },
    ) as running:
        yield running
