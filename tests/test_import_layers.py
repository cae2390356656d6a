"""The engine's import layers, read from the source (every import statement, inside functions too).

The engine imports no Celery, Redis or HTTP code (ARCHITECTURE: the worker, the CLI and the benches run it
alike); the document's location (workers/checks/locate) depends on the capture alone; and no two of the
engine's packages import each other, directly or round a longer cycle, so each fact has one direction of use.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

CHECKS = Path(__file__).resolve().parents[1] / "workers" / "checks"
PACKAGES = sorted(p.name for p in CHECKS.iterdir() if (p / "__init__.py").is_file())
OUTSIDE_THE_ENGINE = (
    "celery",
    "redis",
    "kombu",
    "litestar",
    "httpx",
    "uvicorn",
    "prometheus_client",
    "service",
    "workers.tasks",
    "workers.metrics",
)


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] == ["workers", "checks"] and len(parts) > 2 and parts[2] in PACKAGES:
        return parts[2]
    return None


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in PACKAGES}
    for name in PACKAGES:
        for path in (CHECKS / name).rglob("*.py"):
            graph[name] |= {p for m in _imports(path) if (p := _package_of(m)) not in (None, name)}
    return graph


def test_the_engine_imports_no_queue_store_or_http_code() -> None:
    found = [
        f"{path.relative_to(CHECKS)}: {module}"
        for path in CHECKS.rglob("*.py")
        for module in _imports(path)
        if module.split(".")[0] in OUTSIDE_THE_ENGINE or module.startswith(OUTSIDE_THE_ENGINE)
    ]
    assert found == []


def test_the_document_location_depends_on_no_domain() -> None:
    assert "locate" in PACKAGES
    assert _package_graph()["locate"] == set()


@pytest.mark.parametrize("start", PACKAGES)
def test_no_package_of_the_engine_imports_itself_round_a_cycle(start: str) -> None:
    graph = _package_graph()
    path: list[str] = []

    def reaches_start(name: str) -> bool:
        for nxt in sorted(graph[name]):
            if nxt == start:
                path.append(nxt)
                return True
            if nxt not in path:
                path.append(nxt)
                if reaches_start(nxt):
                    return True
                path.pop()
        return False

    assert not reaches_start(start), " -> ".join([start, *path])
