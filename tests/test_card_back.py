"""ID_CARD_BACK_MISSING: the back of an ID card, asked for only where the policy requires it, found by the
manifest's `side` or by an MRZ read off a file whose side is not given."""

from __future__ import annotations

import pytest

from tests.fixtures.documents import encode_jpeg, render_id_card
from tests.fixtures.engine_runs import run_engine
from tests.fixtures.filechecks import individual_spec
from workers.checks.manifest import BundleSpec, DocumentSpec, Role, Side
from workers.checks.model import BundleVerdict, Finding, Status
from workers.checks.policy import load_policy

CODE = "ID_CARD_BACK_MISSING"


@pytest.fixture(scope="module")
def card() -> bytes:
    return encode_jpeg(render_id_card(seed=3))


def _spec(*sides: Side | None, kind: str = "id_card") -> BundleSpec:
    base = individual_spec(roles=(Role.ID_DOCUMENT,))
    documents = [
        DocumentSpec(role=Role.ID_DOCUMENT, file=f"card{i}.jpg", type=kind, issuing_country="DE", side=side)
        for i, side in enumerate(sides)
    ]
    return BundleSpec(reference=base.reference, profile=base.profile, documents=documents)


def _run(spec: BundleSpec, card: bytes, policy: str) -> BundleVerdict:
    files = {doc.file: card for doc in spec.documents}
    return run_engine(spec, files, policy=load_policy(policy))


def _found(verdict: BundleVerdict) -> list[Finding]:
    return [f for f in verdict.findings if f.code == CODE]


def test_both_sides_policy_extends_the_default() -> None:
    default, both = load_policy("default"), load_policy("both_sides")
    assert both.accepted_document_types == default.accepted_document_types
    assert both.expiry_margin_days == default.expiry_margin_days
    assert both.raw["identity"]["card_back_required"] == ["*"]
    assert default.raw["identity"]["card_back_required"] == []
    assert both.sha256 != default.sha256


def test_front_alone_is_asked_for_its_back_only_where_the_policy_requires_it(card: bytes) -> None:
    spec = _spec(Side.FRONT)
    [allowed] = _found(_run(spec, card, "default"))
    assert allowed.status is Status.PASS and "Not required" in allowed.message
    [missing] = _found(_run(spec, card, "both_sides"))
    assert missing.status is Status.FAIL, missing
    assert "both_sides" in missing.message and "back" in (missing.remediation or "")


def test_front_and_back_pass(card: bytes) -> None:
    [found] = _found(_run(_spec(Side.FRONT, Side.BACK), card, "both_sides"))
    assert found.status is Status.PASS and "is in the bundle" in found.message, found


def test_a_file_of_unnamed_side_whose_mrz_is_read_is_the_back(card: bytes) -> None:
    # The rendered card carries a TD1 MRZ that the real reader reads: that file is the MRZ side.
    verdict = _run(_spec(None), card, "both_sides")
    assert any(f.code.startswith("MRZ_") and f.status is Status.PASS for f in verdict.findings)
    [found] = _found(verdict)
    assert found.status is Status.PASS and "is in the bundle" in found.message, found


def test_passports_are_not_asked_for_a_back(card: bytes) -> None:
    assert _found(_run(_spec(None, kind="passport"), card, "both_sides")) == []
