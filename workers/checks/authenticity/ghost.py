"""Ghost-portrait comparison: many ID cards and passports print a small, faded second copy of the holder's
photo. A face swap that replaces only the main portrait leaves the ghost showing the old photo.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Box = tuple[int, int, int, int]

# Compared at 48x48 px: enough for the face layout (eyes, nose, hairline) that identifies a photo, small
# enough
# that the ghost's fine print pattern is averaged away.
FACE_SIDE = 48


def _normalised_face(gray: NDArray[np.uint8], box: Box) -> NDArray[np.float32] | None:
    x, y, w, h = box
    if x < 0 or y < 0 or x + w > gray.shape[1] or y + h > gray.shape[0] or w < 8 or h < 8:
        return None
    face = cv2.resize(gray[y : y + h, x : x + w], (FACE_SIDE, FACE_SIDE), interpolation=cv2.INTER_AREA)
    pixels = face.astype(np.float32)
    normalised: NDArray[np.float32] = (pixels - pixels.mean()) / (pixels.std() + 1e-6)
    return normalised


# A ghost portrait is printed faded: its grey-level contrast is at most 0.7 of the main portrait's (sidtd
# 0.44-0.46). A second face of full contrast is another photo, not a ghost (the corpus's midv2020 card: 0.97).
MAX_GHOST_CONTRAST = 0.7


def _contrast(gray: NDArray[np.uint8], box: Box) -> float:
    x, y, w, h = box
    crop = gray[max(0, y) : y + h, max(0, x) : x + w]
    return float(crop.std()) if crop.size else 0.0


def ghost_pairs(boxes: list[Box], gray: NDArray[np.uint8]) -> tuple[Box, Box] | None:
    """(main portrait, ghost) among face boxes (in `gray` pixels): the largest face and a fainter face 30-75 %
    of its width."""
    if len(boxes) < 2:
        return None
    main = boxes[0]
    main_contrast = _contrast(gray, main)
    for other in boxes[1:]:
        if not 0.3 * main[2] <= other[2] <= 0.75 * main[2]:
            continue
        if _contrast(gray, other) <= MAX_GHOST_CONTRAST * main_contrast:
            return main, other
    return None


# The ghost's box is searched over +-25 % of its width and 0.85-1.16 of its size: face boxes of a 1 cm ghost
# and a 3 cm portrait are not placed alike (dlib's box on the sidtd ghosts is off by up to ~20 % of its width).
GHOST_REACH = 0.25
GHOST_SCALES = (0.85, 0.92, 1.0, 1.08, 1.16)


def ghost_similarity(gray: NDArray[np.uint8], main: Box, ghost: Box) -> float:
    """Best normalised cross-correlation (-1..1) between the main face and the ghost face at 48x48 px, over
    shifts (one 48th of the face at a time) and scales of the ghost's box. The same photo printed twice
    measures ~0.85-0.95; two different people's photos ~0.7 or less."""
    reference = _normalised_face(gray, main)
    if reference is None:
        return 1.0
    x, y, w, h = ghost
    cx, cy = x + w / 2, y + h / 2
    best = -1.0
    for scale in GHOST_SCALES:
        side = w * scale
        half = side / 2 + GHOST_REACH * w
        x0, y0, x1, y1 = round(cx - half), round(cy - half), round(cx + half), round(cy + half)
        if x0 < 0 or y0 < 0 or x1 > gray.shape[1] or y1 > gray.shape[0] or side < 8:
            continue
        zoom = FACE_SIDE / side  # the search area at the scale where a candidate face is 48 px
        size = (max(FACE_SIDE, round((x1 - x0) * zoom)), max(FACE_SIDE, round((y1 - y0) * zoom)))
        area = cv2.resize(gray[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA)
        scores = cv2.matchTemplate(area.astype(np.float32), reference, cv2.TM_CCOEFF_NORMED)
        best = max(best, float(scores.max()))
    return best
