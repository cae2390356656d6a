"""Run only the face checks over an (ID, selfie) pair with the real engine: shared by face tests and bench."""

from __future__ import annotations

from datetime import date

from workers.checks import face
from workers.checks.engine import check_bundle
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Finding, Status
from workers.checks.policy import load_policy

# What each fixture scene (tests/fixtures/selfies.py) must raise; clean scenes raise nothing.
EXPECTED: dict[str, set[str]] = {
    "clean": set(),
    "glare_on_card": set(),
    "blurry": {"SELFIE_FACE_BLURRY"},
    "face_blurry": {"SELFIE_FACE_BLURRY"},
    "dark": {"SELFIE_FACE_TOO_DARK"},
    "backlit": {"SELFIE_FACE_BACKLIT"},
    "side_lit": {"SELFIE_FACE_UNEVEN_LIGHT"},
    "sunglasses": {"SELFIE_SUNGLASSES"},
    "hat": {"SELFIE_HAT"},
    "mask_under_nose": {"SELFIE_FACE_MASK"},
    # dlib's HOG detector loses a face masked up to the nose: the selfie then fails for having no face.
    "mask": {"SELFIE_NO_FACE"},
    "second_face": {"SELFIE_EXTRA_FACES"},
    "small_face": {"SELFIE_FACE_TOO_SMALL"},
    "no_card": {"SELFIE_DOCUMENT_MISSING"},
    "screen": {"SELFIE_RECAPTURED"},
    "id_photo": {"SELFIE_IS_ID_PHOTO", "SELFIE_NO_FACE"},
}
# Defects whose side effects are also legitimately flagged (a blurred card cannot be recognised; sunglasses
# push the encoding away from the ID portrait); anything else flagged is a false flag.
ALSO_ALLOWED: dict[str, set[str]] = {
    "blurry": {"SELFIE_DOCUMENT_MISSING", "SELFIE_DOCUMENT_MISMATCH", "SELFIE_FACE_MISMATCH"},
    "face_blurry": {"SELFIE_FACE_MISMATCH"},
    "sunglasses": {"SELFIE_FACE_MISMATCH"},
}


# Scenes that must raise at least one of these: another card or a passport page may match the submitted ID
# on 12 or more features (then "not the submitted ID") or on fewer (then "the submitted ID is not visible").
_WRONG_DOCUMENT = {"SELFIE_DOCUMENT_MISSING", "SELFIE_DOCUMENT_MISMATCH"}
ANY_OF: dict[str, set[str]] = {"other_card": _WRONG_DOCUMENT, "passport_instead": _WRONG_DOCUMENT}


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
