"""Capture-quality checks on the real corpus (../shared/corpus): flat specimens pass, the photo fails."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.fixtures.degrade import document_context
from workers.checks.context import DocumentContext
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.quality import CHECKS

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
BY_CODE = {check.code: check for check in CHECKS}

# Flat bona fide renders and scans (MANIFEST.tsv: SIDTD originals, PassportEye specimens). Left out:
# testdata_62_pass-aus.png, a screenshot of a camera app photographing a passport at an angle on a table.
FLAT = [
    "sidtd/alb00.jpg",
    "sidtd/alb01.jpg",
    "sidtd/aze00.jpg",
    "sidtd/aze01.jpg",
    *(
        f"passporteye/{name}"
        for name in (
            "testdata_0_id-esp.png",
            "testdata_100_id-che.jpg",
            "testdata_100_id-rou.jpg",
            "testdata_100_id-usa.jpg",
            "testdata_100_pass-chn.jpg",
            "testdata_100_pass-cze2.jpg",
            "testdata_100_pass-hrv.jpg",
            "testdata_100_pass-ltu.jpg",
            "testdata_100_pass-polx.jpg",
            "testdata_100_pass2-uto.jpg",
            "testdata_100_visa-usa.jpg",
            "testdata_25_pass-uto.jpg",
            "testdata_33_id-usa.jpg",
            "testdata_43_pass-twn.jpg",
            "testdata_77_card-cmw.png",
            "testdata_79_pass-hun.png",
            "tests_passport-td2.jpg",
            "tests_passport-td3.jpg",
        )
    ),
]
PHONE_PHOTO = "docsaid_midv2020/docaligner_run_test_card.jpg"  # glare band, fingers over the left edge

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real-image corpus not found at {CORPUS} (../shared/corpus)"),
]


@cache
def corpus_context(name: str) -> DocumentContext:
    return document_context((CORPUS / name).read_bytes(), Role.ID_DOCUMENT)


def status(code: str, name: str) -> Status | None:
    result = BY_CODE[code].evaluate(corpus_context(name))
    assert result is None or isinstance(result, Outcome)
    return None if result is None else result.status


@pytest.mark.parametrize("name", FLAT)
def test_flat_specimen_is_found_and_not_flagged_for_blur_glare_exposure_or_corners(name: str) -> None:
    # IMAGE_OVEREXPOSED: four of these are passport scans on a white bed, 67-69 % of the page pure white
    # (quality.views.scanned_page); the others fill the frame.
    assert status("DOC_NOT_FOUND", name) is Status.PASS
    for code in ("IMAGE_BLURRY", "IMAGE_GLARE", "DOC_CORNERS_CUT", "IMAGE_OVEREXPOSED"):
        assert status(code, name) is Status.PASS, code


@pytest.mark.parametrize("turn", ["+90", "-90"])
def test_a_page_saved_sideways_is_found(turn: str) -> None:
    # The Australian passport specimen turned by 90 degrees: its text lines run down the frame (1.3 % of it
    # reads as text lines across, 16 % down); it was reported as no document at all.
    name = f"doubango_ultimatemrz/Passport-Australia_1280x720_rotate{turn}.jpg"
    assert status("DOC_NOT_FOUND", name) is Status.PASS


@pytest.mark.parametrize(
    "name",
    [
        "faces_face_recognition/obama.jpg",
        "faces_face_recognition/obama3.jpg",
        "faces_face_recognition/obama_partial_face.jpg",
        "faces_face_recognition/two_people.jpg",
    ],
)
def test_a_face_photo_sent_as_the_document_is_no_document(name: str) -> None:
    # Hair, stripes and a face's features run down the frame as text lines do (up to 3.7 % of these photos):
    # a page saved sideways needs far more (MIN_TEXT_DOWN_FOR_FLAT), or every portrait became a "page".
    assert status("DOC_NOT_FOUND", name) is Status.FAIL


def test_a_colour_photo_mostly_under_crossing_colour_is_not_called_a_grey_copy() -> None:
    # A face photo sent as the document: its outline takes in a face and a shirt, whose colours run past the
    # outline's edge over 76 % of it. Leaving all that out of the print colour left a grey strip (a "copy");
    # beyond crossing.MAX_COVERED nothing is left out, and the photo reads in colour.
    assert status("DOC_PHOTOCOPY", "faces_compreface/Bono_0002.jpg") is Status.PASS


@pytest.mark.parametrize(
    "name", ["getcontrol_kyc_specimens/xpo__IMG_2267.jpg", "getcontrol_kyc_specimens/chn__IMG_2230.jpg"]
)
def test_a_pale_card_held_up_against_a_wall_is_found(name: str) -> None:
    # Cards printed in pale ink (Interpol, Hong Kong permit) held in a hand, a thumb over one edge: their text
    # read under the straight-edge search's limit before the candidate's contrast was stretched.
    assert status("DOC_NOT_FOUND", name) is Status.PASS


def test_specimen_cut_at_top_and_left_is_flagged_cut() -> None:
    # MANIFEST.tsv: "top/left cut off". The card covers 91 % of the frame, and the white surround at its
    # uncut right and bottom edges tells it from a flat scan filling the frame.
    assert status("DOC_CORNERS_CUT", "mrz_detection_imagejs/id_fail.png") is Status.FAIL


def test_phone_photo_with_glare_and_fingers_is_flagged_for_both() -> None:
    assert status("IMAGE_GLARE", PHONE_PHOTO) is Status.FAIL
    assert status("DOC_OBSTRUCTED", PHONE_PHOTO) is Status.FAIL
    glare = BY_CODE["IMAGE_GLARE"].evaluate(corpus_context(PHONE_PHOTO))
    assert isinstance(glare, Outcome) and "over text" in glare.message


def test_low_resolution_specimens_are_flagged() -> None:
    # MANIFEST.tsv: "tiny 275x184", "low resolution".
    assert status("TEXT_RESOLUTION_LOW", "passporteye/testdata_25_pass-uto.jpg") is Status.FAIL
    assert status("TEXT_RESOLUTION_LOW", "sidtd/alb00.jpg") is Status.PASS
