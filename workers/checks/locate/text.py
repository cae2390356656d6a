"""Where printed text is: a cheap text-line detector on a grey image (dark strokes on a lighter ground)."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

# The text detector's working size (longer side, px); other sizes are resized to it and back. (Working at the
# outline search's 560 px instead merges the lines of some specimens into blocks: alb00 text share 10 % -> 1 %.)
WORK_SIDE = 640


def text_line_mask(gray: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels inside short horizontal runs of dark strokes (lines of printed text) of a document image.

    A black-hat (closing minus image) keeps dark details narrower than the kernel; joining them horizontally
    and keeping blobs wider than tall, but not too tall, leaves text lines and drops portraits and shadows.
    """
    h, w = gray.shape
    if max(h, w) != WORK_SIDE:
        # Kernel sizes below are tuned at WORK_SIDE: work there and carry the mask back.
        scale = WORK_SIDE / max(h, w)
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        small = np.asarray(cv2.resize(gray, size, interpolation=interpolation), dtype=np.uint8)
        mask = text_line_mask(small).astype(np.uint8)
        return np.asarray(cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST), dtype=np.uint8) > 0
    unit = 4  # stroke scale at WORK_SIDE: letters are ~1-3 % of a document's long side
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3 * unit, 3 * unit))
    blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)
    # 40 grey levels: printed text contrasts with its ground by well over this, paper texture and JPEG noise
    # by less (measured on the fixture renders and the corpus specimens).
    strokes = (blackhat > 40).astype(np.uint8)
    horizontal = cv2.getStructuringElement(cv2.MORPH_RECT, (3 * unit, 1))
    joined = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, horizontal)
    count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(joined, 8, cv2.CV_16U, cv2.CCL_SPAGHETTI)
    bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    keep = ((bh >= unit) & (bh <= 8 * unit) & (bw >= 2 * bh)).astype(np.uint8)
    keep[0] = 0
    # 16-bit labels and a lookup table: a third of the time of int32 labels and fancy indexing. The joined
    # runs are at least a kernel width apart on a line, so a 640 px view holds far fewer than 65536 of them.
    table = np.zeros(1 << 16, np.uint8)
    table[:count] = keep
    return np.asarray(cv2.LUT(labels, table) > 0, dtype=np.bool_)


def text_fraction(gray: NDArray[np.uint8], mask: NDArray[np.bool_] | None = None) -> float:
    """Share (0-1) of the pixels (inside `mask` if given) that belong to text lines."""
    lines = text_line_mask(gray)
    if mask is None:
        return float(lines.mean())
    inside = int(mask.sum())
    return float((lines & mask).sum() / inside) if inside else 0.0
