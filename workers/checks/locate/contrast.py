"""Contrast for the fixed-threshold detectors of locate/ (Canny edges, line segments, black-hat text strokes): a
dim photo or a card printed in pale ink keeps its edges and strokes above their grey-level thresholds, and a
grey copy as light as the table under it still has edges where the table has colour."""

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
# Grey levels per CIELAB chroma unit in the colourfulness view. A grey copy lying on wood or a yellowed newspaper
# under warm light is often as light as what surrounds it but far less colourful (chroma ~0-3 against 10-30):
# on the DLC-2021 frames whose copy the grey-level search missed, LSD found in this view the sides it had not.
# Chosen on the calibration half (bench/outline_real.py, frames with IoU >= 0.9): 30/41 without the view; 33,
# 33, 33, 34, 33 and 31 with gains 6, 8, 10, 12, 16 and 24: 10 is the plateau's middle (check half 25 -> 27/40,
# with outline_choose's all-round rule). At 10 a step of 3 chroma units is a 30-level edge, ten times the line
# search's edge threshold (outline_lines.GRADIENT_MIN, 3 levels per pixel after smoothing).
CHROMA_GAIN = 10.0


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


def colourfulness(lab: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """CIELAB chroma (hypot of a* and b*) of an 8-bit Lab image, CHROMA_GAIN grey levels per unit, clipped to
    0-255: neutral greys dark, colours light. Edges in it are changes of colourfulness, whatever the lightness."""
    a = lab[..., 1].astype(np.float32) - 128.0
    b = lab[..., 2].astype(np.float32) - 128.0
    return np.asarray(np.clip(np.hypot(a, b) * CHROMA_GAIN, 0, 255), dtype=np.uint8)
