"""The document held in a selfie: located by matching the bundle's ID card, judged with the SELFIE_* limits."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.fixtures.selfie_checks import run_held_quality_checks
from workers.checks.model import BundleVerdict, Status


def _flags(verdict: BundleVerdict) -> set[str]:
    return {f.code for f in verdict.findings if f.code.startswith("SELFIE_") and f.status is not Status.PASS}


def test_held_card_is_located_where_it_is() -> None:
    verdict, truth, shape = run_held_quality_checks(1, "clean")
    assert truth is not None
    region = next(f.region for f in verdict.findings if f.code == "SELFIE_DOC_TOO_SMALL")
    assert region is not None
    found, real = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(found, np.round(np.array(region.polygon)).astype(np.int32), 1)
    cv2.fillConvexPoly(real, np.round(truth).astype(np.int32), 1)
    assert (found & real).sum() / (found | real).sum() > 0.9
    assert _flags(verdict) == set()


@pytest.mark.parametrize(
    ("scene", "code"),
    [("glare_on_card", "SELFIE_IMAGE_GLARE"), ("side_lit", "SELFIE_IMAGE_UNEVEN_LIGHT")],
)
def test_held_card_defects_are_flagged(scene: str, code: str) -> None:
    verdict, _, _ = run_held_quality_checks(2, scene)
    assert code in _flags(verdict)


@pytest.mark.parametrize(
    ("seed", "scene", "code"),
    [
        (1, "card_off_frame", "SELFIE_DOC_CORNERS_CUT"),
        (1, "card_far", "SELFIE_DOC_TOO_SMALL"),
        (1, "card_tilted", "SELFIE_DOC_PERSPECTIVE"),
        (1, "card_thumb", "SELFIE_DOC_OBSTRUCTED"),
        (1, "card_photocopy", "SELFIE_DOC_PHOTOCOPY"),
        (2, "low_resolution", "SELFIE_TEXT_RESOLUTION_LOW"),
    ],
)
def test_defects_of_the_held_card_itself_are_flagged(seed: int, scene: str, code: str) -> None:
    verdict, _, _ = run_held_quality_checks(seed, scene)
    assert code in _flags(verdict)


def test_a_selfie_without_the_card_gets_no_held_document_findings() -> None:
    # "No card held" is the selfie checks' to say; judging whatever else is in the hand would mislead.
    verdict, _, _ = run_held_quality_checks(1, "no_card")
    assert not [f for f in verdict.findings if f.code.startswith("SELFIE_")]


def test_a_weakly_matched_blurred_card_is_judged_for_blur_not_geometry() -> None:
    # Seed 2: the blurred card matches the ID on 9 features only: the place is known, the corners are not.
    verdict, _, _ = run_held_quality_checks(2, "blurry")
    assert "SELFIE_IMAGE_BLURRY" in _flags(verdict)
    judged = {f.code for f in verdict.findings}
    assert not judged & {"SELFIE_DOC_PERSPECTIVE", "SELFIE_DOC_CORNERS_CUT", "SELFIE_DOC_OBSTRUCTED"}
