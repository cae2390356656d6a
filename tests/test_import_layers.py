"""The engine's import layers, read from the source (every import statement, inside functions too).

The engine imports no Celery, Redis or HTTP code (ARCHITECTURE: the worker, the CLI and the benches run it
alike); the document's location (workers/checks/locate) depends on the capture alone; and no two of the
engine's parts (its packages and its top-level modules: the registry, the engine, the policy...) import each
other, directly or round a longer cycle, inside functions included, so each fact has one direction of use.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

CHECKS = Path(__file__).resolve().parents[1] / "workers" / "checks"
PACKAGES = sorted(p.name for p in CHECKS.iterdir() if (p / "__init__.py").is_file())
MODULES = sorted(p.stem for p in CHECKS.glob("*.py") if p.stem != "__init__")
PARTS = PACKAGES + MODULES
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


def _part_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] == ["workers", "checks"] and len(parts) > 2 and parts[2] in PARTS:
        return parts[2]
    return None


def _files(part: str) -> list[Path]:
    return sorted((CHECKS / part).rglob("*.py")) if part in PACKAGES else [CHECKS / f"{part}.py"]


def _part_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in PARTS}
    for name in PARTS:
        for path in _files(name):
            graph[name] |= {p for m in _imports(path) if (p := _part_of(m)) not in (None, name)}
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
    assert {part for part in _part_graph()["locate"] if part in PACKAGES} == set()


# The check domains (facts and rules) and the parts above them, which gather the checks and run them.
DOMAINS = ("files", "quality", "face", "authenticity", "identity", "bundle", "locate")
ABOVE_THE_CHECKS = ("registry", "engine", "catalogue", "precedence", "i18n", "previews", "annotate")


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_domain_imports_up_to_the_engine(domain: str) -> None:
    assert set(ABOVE_THE_CHECKS) <= set(PARTS)
    assert _part_graph()[domain] & set(ABOVE_THE_CHECKS) == set()


@pytest.mark.parametrize("start", PARTS)
def test_no_part_of_the_engine_imports_itself_round_a_cycle(start: str) -> None:
    graph = _part_graph()
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
