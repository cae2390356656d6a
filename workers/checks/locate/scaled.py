"""Reduced copies of a Capture's image for the quality measures, cached on the Capture.

They start from the Capture's pyramid of exact halvings (`Capture.halved`): a view of a given size is resized
from the smallest level still larger than it, so no resize reads more than four times the pixels it writes.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Capture, Fact

RGB = NDArray[np.uint8]


def level_for(long_side: float, wanted: float) -> int:
    """The coarsest pyramid level at which something `long_side` pixels long is still at least `wanted` long."""
    level = 0
    while long_side / 2 ** (level + 1) >= wanted:
        level += 1
    return level


# The capture shrunk for the outline search and the light measures, at a side (at(side)), with its scale.
REDUCED_VIEW: Fact[tuple[RGB, float]] = Fact("locate.reduced_view", needs=("capture.halved",))


def reduced_view(capture: Capture, side: int) -> tuple[RGB, float]:
    """(view, scale): the whole image with its longer side near `side` (never enlarged), and the
    full-resolution pixels per view pixel. Resized from the nearest pyramid level above it; cached per size."""

    def build() -> tuple[RGB, float]:
        h, w = capture.rgb.shape[:2]
        # The image's longer side divided by a whole number: the sizes the outline search was calibrated at
        # (533 px for a 1600 px photo, 576 px for 4032 px), between 0.8 and 1.3 times `side`.
        divisor = round(max(h, w) / side)
        if divisor <= 1:
            return capture.rgb, 1.0
        long_side = max(h, w) / divisor
        source = capture.halved(level_for(max(h, w), long_side))
        scale = long_side / max(h, w)
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        # Bilinear: the pyramid level is less than twice the view's size, so every source pixel is still read;
        # an area resize at such ratios takes OpenCV's slow general path (3 ms from 800 to 560 px).
        view = np.asarray(cv2.resize(source, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
        return view, 1.0 / scale

    return capture.cached(REDUCED_VIEW.at(side), build)
