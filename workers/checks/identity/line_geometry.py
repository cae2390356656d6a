"""Text-line quadrilaterals: turned along the text, padded, enclosed, and cut out upright for the recogniser.

Shared by the MRZ reader (mrz_read), the page readers (page_text, page_turn) and the retyped-field check
(authenticity.check_typeface): every line the recogniser reads is cut out here, the same way.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

REC_HEIGHT = 48  # the rapidocr recognition model's input height (rec_img_shape [3, 48, 320])


def oriented(quad: NDArray[np.float32]) -> NDArray[np.float32]:
    """Reorder a quad so that its first edge runs along the text (the longer pair of edges)."""
    top = np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])
    side = np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])
    return quad if top >= side else np.roll(quad, -1, axis=0)


def crop_line(image: NDArray[np.uint8], quad: NDArray[np.float32]) -> NDArray[np.uint8]:
    """The quad cut out and warped to an upright strip REC_HEIGHT px high (perspective removed)."""
    length = float(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
    height = float(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
    out_w = max(8, round(length * REC_HEIGHT / max(height, 1.0)))
    dst = np.array([[0, 0], [out_w, 0], [out_w, REC_HEIGHT], [0, REC_HEIGHT]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    warped = cv2.warpPerspective(
        image, matrix, (out_w, REC_HEIGHT), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(warped, dtype=np.uint8)


def ink_crop(image: NDArray[np.uint8], quad: NDArray[np.float32]) -> NDArray[np.uint8]:
    """crop_line with every pixel at its lightest channel: black ink stays black, coloured print over it
    (a stamp, a security background) fades towards the paper."""
    strip = crop_line(image, quad)
    if strip.ndim != 3:
        return strip
    return np.ascontiguousarray(np.repeat(strip.max(axis=2, keepdims=True), 3, axis=2))


def along_and_down(quad: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Unit vectors of a line's quad (tl, tr, br, bl in reading direction): along its text, and down across it."""
    along, down = quad[1] - quad[0], quad[3] - quad[0]
    return along / max(float(np.linalg.norm(along)), 1e-6), down / max(float(np.linalg.norm(down)), 1e-6)


def padded(quad: NDArray[np.float32], along: float, across: float) -> NDArray[np.float32]:
    """`quad` grown by `along` line heights at both ends and `across` line heights above and below."""
    unit_along, unit_down = along_and_down(quad)
    height = float(np.linalg.norm(quad[3] - quad[0]))
    a, d = unit_along * along * height, unit_down * across * height
    return np.array([quad[0] - a - d, quad[1] + a - d, quad[2] + a + d, quad[3] - a + d], dtype=np.float32)


def enclosing_rectangle(quads: list[NDArray[np.float32]]) -> NDArray[np.float32]:
    """The smallest rectangle around text lines' `quads`, its corners in the first line's reading direction."""
    corners = np.concatenate(quads).astype(np.float32)
    box = np.asarray(cv2.boxPoints(cv2.minAreaRect(corners)), np.float32)
    along, down = along_and_down(quads[0])
    # Start at the corner furthest back along the lines and up across them, then go round as the lines do.
    start = int(np.argmin(box @ along + box @ down))
    box = np.roll(box, -start, axis=0)
    if float(np.dot(box[1] - box[0], along)) < float(np.dot(box[3] - box[0], along)):
        box = box[[0, 3, 2, 1]]
    return box
