"""The authenticity view's area shrink gives OpenCV's INTER_AREA pixels (the calibration was made on those)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from tests.fixtures.edits import camera_photo
from workers.checks.authenticity.resample import STRIP_ROWS, area_shrink, area_weights


def opencv_area(gray: NDArray[np.uint8], max_side: int) -> NDArray[np.uint8]:
    scale = max_side / max(gray.shape)
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    return np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


@pytest.mark.parametrize(
    ("height", "width", "max_side"),
    [
        (1513, 2400, 1024),  # a generated card photo: factor 2.34, several strips
        (2263, 1600, 1024),  # portrait orientation
        (738, 1040, 1024),  # a factor just above 1 (two taps per pixel)
        (300, 2000, 1024),  # fewer output rows than one strip
        (4 * STRIP_ROWS + 3, 1200, 1024),  # several strips, the last one partial
        (40, 2600, 7),  # a thin strip shrunk to almost nothing
    ],
)
def test_area_shrink_gives_opencv_pixels(height: int, width: int, max_side: int) -> None:
    rng = np.random.default_rng(height + width)
    gray = rng.integers(0, 256, (height, width), dtype=np.uint8)
    ours, theirs = area_shrink(gray, max_side), opencv_area(gray, max_side)
    assert ours.shape == theirs.shape
    difference = np.abs(ours.astype(np.int16) - theirs)
    # Float sums in another order: at most one grey level, on a tiny share of pixels (a value within ~1e-5 of
    # a rounding boundary).
    assert difference.max() <= 1
    assert (difference > 0).mean() < 1e-3


def test_area_shrink_on_a_camera_photo_matches_opencv() -> None:
    gray = np.asarray(cv2.cvtColor(camera_photo("card", 0), cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    assert np.abs(area_shrink(gray, 1024).astype(np.int16) - opencv_area(gray, 1024)).max() <= 1


def test_small_images_are_returned_unchanged() -> None:
    gray = np.zeros((600, 800), np.uint8)
    assert area_shrink(gray, 1024) is gray
    assert area_shrink(gray, 800) is gray


def test_area_weights_rows_sum_to_one() -> None:
    weights = area_weights(2400, 1024)
    assert np.allclose(np.asarray(weights.sum(axis=1)).ravel(), 1.0, atol=1e-6)
    assert weights.shape == (1024, 2400)
