"""Frontal faces found with OpenCV's Haar cascade (shipped in opencv-python-headless 4.x), loaded once."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from cv2.data import haarcascades
from numpy.typing import NDArray

CASCADE_FILE = "haarcascade_frontalface_default.xml"


@cache
def _cascade() -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(str(haarcascades) + CASCADE_FILE)
    if classifier.empty():
        raise RuntimeError(f"OpenCV Haar cascade {CASCADE_FILE} is missing")
    return classifier


def find_faces(gray: NDArray[np.uint8], *, min_fraction: float = 0.06) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, w, h) in `gray` pixels, largest first; faces smaller than `min_fraction` of the
    shorter image side are ignored (ghost portraits, people in the background)."""
    side = max(24, int(min(gray.shape) * min_fraction))
    found = _cascade().detectMultiScale(gray, scaleFactor=1.2, minNeighbors=4, minSize=(side, side))
    boxes = [(int(x), int(y), int(w), int(h)) for x, y, w, h in (found if len(found) else [])]
    return sorted(boxes, key=lambda b: -b[2] * b[3])
