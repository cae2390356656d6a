"""Face checks on the real corpus: SIDTD face-swapped twins must not match their originals; ID fronts show a
portrait, MRZ-only backs do not."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.fixtures.documents import encode_jpeg
from tests.fixtures.selfie_checks import flagged, run_face_checks, statuses
from tests.fixtures.selfies import Scene, compose_selfie
from workers.checks.capture import Capture
from workers.checks.face import views
from workers.checks.face.checks_bundle import FACE_MATCH_MAX_DISTANCE
from workers.checks.face.detect import encoding_distance
from workers.checks.locate import document_outline
from workers.checks.model import Status

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (only on the project's machine)"),
]


def _portrait_encoding(name: str):
    capture = Capture((CORPUS / name).read_bytes(), name)
    return views.encoding(capture, views.id_portraits(capture)[0])


@pytest.mark.parametrize("original", ["alb00", "alb01"])
def test_face_swapped_twin_does_not_match_the_original(original) -> None:
    distance = encoding_distance(
        _portrait_encoding(f"sidtd/{original}.jpg"), _portrait_encoding(f"sidtd/fake_{original}.jpg")
    )
    assert distance > FACE_MATCH_MAX_DISTANCE


def test_text_forged_twin_keeps_the_same_face() -> None:
    distance = encoding_distance(_portrait_encoding("sidtd/alb00.jpg"), _portrait_encoding("sidtd/fake_ir_alb00.jpg"))
    assert distance <= FACE_MATCH_MAX_DISTANCE


def test_same_specimen_person_across_renders_matches() -> None:
    # The ICAO "Anna Maria Eriksson" specimen: TD2 and TD3 renders of the same portrait.
    distance = encoding_distance(
        _portrait_encoding("passporteye/tests_passport-td2.jpg"),
        _portrait_encoding("passporteye/tests_passport-td3.jpg"),
    )
    assert distance <= FACE_MATCH_MAX_DISTANCE


@pytest.mark.parametrize(
    "name",
    [
        "sidtd/alb00.jpg",
        "sidtd/aze01.jpg",
        "mrz_detection_imagejs/id1.jpg",
        "passporteye/testdata_100_pass-hrv.jpg",
        "passporteye/testdata_62_pass-aus.png",
    ],
)
def test_id_fronts_show_a_portrait(name) -> None:
    assert statuses(run_face_checks((CORPUS / name).read_bytes(), None))["ID_PORTRAIT_MISSING"] is Status.PASS


@pytest.mark.parametrize(
    "name",
    [
        # A genuine passport page on a keyboard, a tenth of a 600 x 800 photo (face ~25 px at the photo's scale).
        "getcontrol_kyc_specimens/hun__IMG_2361.jpg",
        "getcontrol_kyc_specimens/hun__IMG_2359.jpg",
        # Grey copies of a card lying sideways on a chair, small in a 2160 x 3840 frame.
        "dlc2021_graycopies_calib/alb_id__04.cg0003__000057.jpg",
        "dlc2021_graycopies_calib/alb_id__04.cg0005__000117.jpg",
    ],
)
def test_a_portrait_too_small_in_the_whole_photo_is_found_in_the_document(name) -> None:
    """The whole image shows no face at the detector's scale; the document's box, enlarged, does, and the
    portrait is reported where it is in the photo (inside the document's outline)."""
    capture = Capture((CORPUS / name).read_bytes(), name)
    assert statuses(run_face_checks((CORPUS / name).read_bytes(), None))["ID_PORTRAIT_MISSING"] is Status.PASS
    outline = document_outline(capture)
    assert outline is not None
    portrait = views.id_portraits(capture)[0]
    contour = outline.corners.astype(np.float32).reshape(-1, 1, 2)
    for x, y in portrait.landmarks:
        assert cv2.pointPolygonTest(contour, (float(x), float(y)), False) > 0


@pytest.mark.parametrize(
    "name",
    [
        "passporteye/testdata_0_id-esp.png",
        "passporteye/testdata_100_id-che.jpg",
        "mrz_detection_imagejs/id_fail.png",
        "passporteye/testdata_77_card-cmw.png",
    ],
)
def test_id_backs_have_no_portrait(name) -> None:
    assert "ID_PORTRAIT_MISSING" in flagged(run_face_checks((CORPUS / name).read_bytes(), None))


@pytest.mark.parametrize("id_image", ["sidtd/alb00.jpg", "passporteye/tests_passport-td3.jpg"])
def test_selfie_of_another_person_fails_the_face_match(id_image) -> None:
    # The astronaut holding her own card, submitted with someone else's ID.
    selfie = encode_jpeg(compose_selfie(Scene(seed=0)).rgb)
    got = statuses(run_face_checks((CORPUS / id_image).read_bytes(), selfie))
    assert got["SELFIE_FACE_MISMATCH"] is Status.FAIL
    assert got["SELFIE_DOCUMENT_MISSING"] is Status.FAIL  # her card is not that ID either
