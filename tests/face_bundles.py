"""Run only the face checks over an (ID, selfie) pair with the real engine: shared by face tests and bench."""

from __future__ import annotations

from datetime import date

from workers.checks import face
from workers.checks.engine import check_bundle
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Finding, Status
from workers.checks.policy import load_policy


def run_face_checks(id_bytes: bytes | None, selfie_bytes: bytes | None) -> BundleVerdict:
    documents, files = [], {}
    if id_bytes is not None:
        documents.append(DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg", type="id_card"))
        files["id.jpg"] = id_bytes
    if selfie_bytes is not None:
        documents.append(DocumentSpec(role=Role.SELFIE, file="selfie.jpg"))
        files["selfie.jpg"] = selfie_bytes
    spec = BundleSpec(
        reference="face-test", profile=Profile(full_name="Anna Maria Eriksson"), documents=documents
    )
    return check_bundle(
        spec,
        files,
        submit_on=date(2026, 12, 1),
        policy=load_policy("default"),
        document_checks=face.DOCUMENT_CHECKS,
        bundle_checks=face.BUNDLE_CHECKS,
    )


def statuses(verdict: BundleVerdict) -> dict[str, Status]:
    """Worst status per check code (fail > review > pass)."""
    rank = {Status.PASS: 0, Status.REVIEW: 1, Status.FAIL: 2}
    worst: dict[str, Status] = {}
    for f in verdict.findings:
        if f.code not in worst or rank[f.status] > rank[worst[f.code]]:
            worst[f.code] = f.status
    return worst


def flagged(verdict: BundleVerdict) -> set[str]:
    return {code for code, status in statuses(verdict).items() if status is not Status.PASS}


def findings_of(verdict: BundleVerdict, code: str) -> list[Finding]:
    return [f for f in verdict.findings if f.code == code]
