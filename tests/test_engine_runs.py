"""A test that asserts a code is absent must not pass because the check crashed (CHECK_ERROR)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.fixtures.documents import encode_jpeg, render_id_card
from tests.fixtures.engine_runs import CheckCrashedError, made_up_check, run_engine
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import DocumentCheck

TESTS = Path(__file__).resolve().parent
# The one module allowed to call the engine directly: it is the guard itself.
GUARD = TESTS / "fixtures" / "engine_runs.py"


def _crashing(doc: object) -> Outcome:
    raise RuntimeError("broken")


def _passing(doc: object) -> Outcome:
    return Outcome(status=Status.PASS, message="fine")


def _run(*checks: DocumentCheck, allow: bool = False) -> set[str]:
    spec = BundleSpec(
        reference="G-1",
        profile=Profile(full_name="Anna Eriksson"),
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg")],
    )
    verdict = run_engine(
        spec,
        {"id.jpg": encode_jpeg(render_id_card(width=640))},
        document_checks=checks,
        bundle_checks=[],
        readers=[],
        allow_check_error=allow,
    )
    return {f.code for f in verdict.findings}


def test_a_crashed_check_fails_the_test_that_ran_it() -> None:
    crashing = made_up_check("CRASHES", _crashing)
    with pytest.raises(CheckCrashedError, match="CRASHES"):
        _run(crashing)  # "CRASHES is absent" would otherwise have passed
    assert _run(crashing, allow=True) == {"CHECK_ERROR"}


def test_clean_runs_pass_through() -> None:
    assert _run(made_up_check("FINE", _passing)) == {"FINE"}


def _engine_callers(path: Path) -> list[str]:
    """Names under which `path` imports the engine's check_bundle (or the engine module itself)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == "workers.checks.engine":
            found += [alias.name for alias in node.names if alias.name == "check_bundle"]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name == "workers.checks.engine"]
    return found


def test_every_test_runs_the_engine_through_the_guard() -> None:
    offenders = {
        str(path.relative_to(TESTS)): names
        for path in sorted(TESTS.rglob("*.py"))
        if path != GUARD and (names := _engine_callers(path))
    }
    assert offenders == {}, "run the engine through tests.fixtures.engine_runs.run_engine"
