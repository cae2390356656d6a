"""Where printed text is: a cheap text-line detector on a grey image (dark strokes on a lighter ground)."""

from __future__ import annotations

from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray


def text_line_mask(gray: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels inside short horizontal runs of dark strokes (lines of printed text), for a ~500-1000 px image.

    A black-hat (closing minus image) keeps dark details narrower than the kernel; joining them horizontally
    and keeping blobs wider than tall, but not too tall, leaves text lines and drops portraits and shadows.
    """
    h, w = gray.shape
    unit = max(3, round(max(h, w) / 160))  # stroke scale: letters are ~1-3 % of a document's long side
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3 * unit, 3 * unit))
    blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)
    # 40 grey levels: printed text contrasts with its ground by well over this, paper texture and JPEG noise
    # by less (measured on the fixture renders and the corpus specimens).
    strokes = (blackhat > 40).astype(np.uint8)
    joined = cv2.morphologyEx(
        strokes, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3 * unit, 1))
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    keep = np.zeros(count, dtype=bool)
    bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    keep[(bh >= unit) & (bh <= 8 * unit) & (bw >= 2 * bh)] = True
    keep[0] = False
    return cast(NDArray[np.bool_], keep[labels])


def text_fraction(gray: NDArray[np.uint8], mask: NDArray[np.bool_] | None = None) -> float:
    """Share (0-1) of the pixels (inside `mask` if given) that belong to text lines."""
    lines = text_line_mask(gray)
    if mask is None:
        return float(lines.mean())
    inside = int(mask.sum())
    return float((lines & mask).sum() / inside) if inside else 0.0
