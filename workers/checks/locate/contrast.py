"""Contrast stretch for the fixed-threshold detectors of locate/ (Canny edges, black-hat text strokes): a dim
photo or a card printed in pale ink keeps its edges and strokes above their grey-level thresholds."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.order_stats import percentiles_u8

# A 1st-99th percentile range this wide already spans most of 0-255: left as it is.
WIDE_ENOUGH = 150
# At most 5x: enough for a photo at a fifth of normal exposure, without turning sensor noise on a plain
# table into edges.
MAX_GAIN = 5.0


def stretch_table(gray: NDArray[np.uint8]) -> NDArray[np.uint8] | None:
    """The lookup table stretching `gray`'s 1st-99th percentile (read on every third pixel) to 0-255, or None
    when its contrast is already wide enough. The exposure itself is judged elsewhere (IMAGE_TOO_DARK)."""
    low, high = percentiles_u8(gray[::3, ::3], [1, 99])
    if high - low >= WIDE_ENOUGH:
        return None
    gain = min(MAX_GAIN, 255.0 / max(high - low, 8.0))
    # The stretch of each of the 256 levels, applied as a lookup table: the same pixels as computing it per
    # pixel in float, at a tenth of the time.
    return np.asarray(np.clip((np.arange(256, dtype=np.float32) - low) * gain, 0, 255), dtype=np.uint8)


def stretched(gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """`gray` with its contrast stretched (stretch_table), or `gray` itself when it is wide enough."""
    table = stretch_table(gray)
    return gray if table is None else np.asarray(cv2.LUT(gray, table), dtype=np.uint8)
