"""The document held in a selfie: located by matching the bundle's ID card, judged with the SELFIE_* limits."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from tests.fixtures.selfie_checks import run_held_quality_checks
from workers.checks.model import BundleVerdict, Status


def _flags(verdict: BundleVerdict) -> set[str]:
    return {f.code for f in verdict.findings if f.code.startswith("SELFIE_") and f.status is not Status.PASS}


# Verdicts over a range of seeds with a stated rate, never one hand-picked seed (a single seed can sit on a limit
# and flip with the CPU's OpenCV code path). Rates: the held-card calibration (docs/calibration/quality.md,
# 10 seeds per scene), restated for these 8 seeds with room for one unlucky seed.
SEEDS = range(8)
GEOMETRY = {"SELFIE_DOC_PERSPECTIVE", "SELFIE_DOC_CORNERS_CUT", "SELFIE_DOC_OBSTRUCTED"}


def _card_iou(polygon: list[list[float]], truth: NDArray[np.float64], shape: tuple[int, int]) -> float:
    found, real = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(found, np.round(np.array(polygon)).astype(np.int32), 1)
    cv2.fillConvexPoly(real, np.round(truth).astype(np.int32), 1)
    return float((found & real).sum() / (found | real).sum())


def test_held_card_is_located_where_it_is_and_a_clean_one_is_not_flagged() -> None:
    located, flagged = 0, []
    for seed in SEEDS:
        verdict, truth, shape = run_held_quality_checks(seed, "clean")
        assert truth is not None
        region = next((f.region for f in verdict.findings if f.code == "SELFIE_DOC_TOO_SMALL"), None)
        located += region is not None and _card_iou(region.polygon, truth, shape) > 0.9
        flagged += sorted(_flags(verdict))
    # Calibration: located (IoU >= 0.8) in 185 of 200 selfies (2026-12-03); no SELFIE_* flag on any of 80 good cards.
    assert located >= 7 and flagged == [], (located, flagged)


@pytest.mark.parametrize(
    ("scene", "code", "min_of_eight"),
    [
        ("glare_on_card", "SELFIE_IMAGE_GLARE", 7),  # calibrated 10/10
        ("side_lit", "SELFIE_IMAGE_UNEVEN_LIGHT", 7),  # 10/10
        ("card_off_frame", "SELFIE_DOC_CORNERS_CUT", 7),  # 10/10
        ("card_thumb", "SELFIE_DOC_OBSTRUCTED", 7),  # 10/10
        ("card_photocopy", "SELFIE_DOC_PHOTOCOPY", 7),  # 10/10
        ("low_resolution", "SELFIE_TEXT_RESOLUTION_LOW", 6),  # 9/10
        ("card_tilted", "SELFIE_DOC_PERSPECTIVE", 4),  # 8/10; the others' corners come from a weak match
        ("card_far", "SELFIE_DOC_TOO_SMALL", 4),  # 7/10; the others are not matched at all (DOCUMENT_MISSING)
    ],
)
def test_defects_of_the_held_card_are_flagged(scene: str, code: str, min_of_eight: int) -> None:
    caught = [seed for seed in SEEDS if code in _flags(run_held_quality_checks(seed, scene)[0])]
    assert len(caught) >= min_of_eight, caught


def test_a_selfie_without_the_card_gets_no_held_document_findings() -> None:
    # "No card held" is the selfie checks' to say; judging whatever else is in the hand would mislead.
    for seed in SEEDS:
        verdict, _, _ = run_held_quality_checks(seed, "no_card")
        assert not [f.code for f in verdict.findings if f.code.startswith("SELFIE_")], seed


def test_a_blurred_card_is_judged_for_blur_not_geometry() -> None:
    # A blurred card matches the ID on few features: its place is known, its corners are not. Where it is
    # found it is flagged blurry; it never gets a perspective, cut or obstruction flag from guessed corners.
    # Calibration: SELFIE_IMAGE_BLURRY on 6 of 10 (the rest are not matched at all); here 7 of 8 seeds
    # are located, on both the AVX-512 and the SSE code paths.
    blurry, geometry = [], []
    for seed in SEEDS:
        flags = _flags(run_held_quality_checks(seed, "blurry")[0])
        if "SELFIE_IMAGE_BLURRY" in flags:
            blurry.append(seed)
        geometry += [(seed, code) for code in flags & GEOMETRY]
    assert len(blurry) >= 5 and geometry == [], (blurry, geometry)
