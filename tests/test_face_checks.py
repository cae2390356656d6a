"""Verdicts of the face checks on seeded selfies: each defect raises its own code, the clean selfie none."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.face_bundles import findings_of, flagged, run_face_checks
from tests.fixtures.documents import encode_jpeg
from tests.fixtures.selfies import Selfie, applicant_card, compose_selfie, defect_scenes, id_photo_as_selfie
from workers.checks import face
from workers.checks.model import BundleVerdict, Status

SEED = 0
EXPECTED = {
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
    "other_card": {"SELFIE_DOCUMENT_MISMATCH"},
    "screen": {"SELFIE_RECAPTURED"},
    "id_photo": {"SELFIE_IS_ID_PHOTO", "SELFIE_NO_FACE"},
}
# Defects whose side effects are also legitimately flagged (a blurred card cannot be recognised; sunglasses
# push the encoding away from the ID portrait); anything else flagged is a false flag.
ALSO_ALLOWED = {
    "blurry": {"SELFIE_DOCUMENT_MISSING", "SELFIE_DOCUMENT_MISMATCH", "SELFIE_FACE_MISMATCH"},
    "face_blurry": {"SELFIE_FACE_MISMATCH"},
    "sunglasses": {"SELFIE_FACE_MISMATCH"},
}


@pytest.fixture(scope="module")
def verdicts() -> dict[str, tuple[Selfie, BundleVerdict]]:
    id_bytes = encode_jpeg(applicant_card(seed=SEED))
    out = {}
    for name, scene in defect_scenes(SEED).items():
        if name in EXPECTED:
            selfie = compose_selfie(scene)
            out[name] = (selfie, run_face_checks(id_bytes, encode_jpeg(selfie.rgb)))
    selfie = id_photo_as_selfie(SEED)
    out["id_photo"] = (selfie, run_face_checks(id_bytes, encode_jpeg(selfie.rgb)))
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_defect_raises_its_code_and_nothing_else(verdicts, name) -> None:
    got = flagged(verdicts[name][1])
    assert EXPECTED[name] <= got
    assert got - EXPECTED[name] <= ALSO_ALLOWED.get(name, set())


def test_every_face_check_reports_on_the_clean_selfie(verdicts) -> None:
    codes = {f.code for f in verdicts["clean"][1].findings if f.status is Status.PASS}
    assert {c.code for c in face.DOCUMENT_CHECKS} | {c.code for c in face.BUNDLE_CHECKS} <= codes


def _inside(point, polygon) -> bool:
    return cv2.pointPolygonTest(np.float32(polygon).reshape(-1, 1, 2), point, False) >= 0


def test_face_findings_point_at_the_face(verdicts) -> None:
    selfie, verdict = verdicts["sunglasses"]
    assert selfie.face_box is not None
    centre = ((selfie.face_box[0] + selfie.face_box[2]) / 2, (selfie.face_box[1] + selfie.face_box[3]) / 2)
    (finding,) = findings_of(verdict, "SELFIE_SUNGLASSES")
    assert finding.region is not None and _inside(centre, finding.region.polygon)
    assert finding.remediation and "sunglasses" in finding.remediation


def test_document_findings_outline_the_held_card(verdicts) -> None:
    for name, code in (("clean", "SELFIE_DOCUMENT_MISMATCH"), ("other_card", "SELFIE_DOCUMENT_MISMATCH")):
        selfie, verdict = verdicts[name]
        (finding,) = findings_of(verdict, code)
        assert selfie.card_quad is not None and finding.region is not None
        assert _inside(tuple(selfie.card_quad.mean(axis=0)), finding.region.polygon)


def test_every_finding_has_a_region_and_failures_a_fix(verdicts) -> None:
    for _, verdict in verdicts.values():
        for finding in verdict.findings:
            assert finding.region is not None, finding.code
            if finding.status is not Status.PASS:
                assert finding.remediation


def test_id_portrait_found_on_the_card_and_missing_on_a_blank_one() -> None:
    card = applicant_card(seed=SEED)
    assert "ID_PORTRAIT_MISSING" not in flagged(run_face_checks(encode_jpeg(card), None))
    blank = card.copy()
    blank[100:490, 40:340] = 230  # the portrait slot, emptied
    assert "ID_PORTRAIT_MISSING" in flagged(run_face_checks(encode_jpeg(blank), None))


def test_same_file_as_id_and_selfie_is_for_review() -> None:
    data = encode_jpeg(applicant_card(seed=SEED))
    assert "SELFIE_IS_ID_PHOTO" in flagged(run_face_checks(data, data))
