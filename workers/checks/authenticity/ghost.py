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


def ghost_similarity(gray: NDArray[np.uint8], main: Box, ghost: Box) -> float:
    """Best normalised cross-correlation (-1..1) between the main face and the ghost face, over small shifts
    and scales of the ghost's box (the cascade places small faces less precisely). The same photo printed
    twice measures ~0.9; two different people's photos ~0.75 or less."""
    reference = _normalised_face(gray, main)
    if reference is None:
        return 1.0
    x, y, w, _ = ghost
    step = max(1, w // 40)
    best = -1.0
    for scale in (0.92, 1.0, 1.08):
        side = round(w * scale)
        for dy in range(-2 * step, 2 * step + 1, step):
            for dx in range(-2 * step, 2 * step + 1, step):
                box = (x + dx - (side - w) // 2, y + dy - (side - w) // 2, side, side)
                face = _normalised_face(gray, box)
                if face is not None:
                    best = max(best, float((reference * face).mean()))
    return best
