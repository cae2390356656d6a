"""Slant of a printed text line: upright type stands at 0 degrees, italic and oblique type at 8-16."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

# Edges within 30 degrees of vertical are stroke sides (stems of E, L, N, D, digits 1 and 4); italic faces lean
# 8-16 degrees, so the window holds their stems too. Flatter edges are serifs, bars and bowls.
STEM_WINDOW = 30.0
# One-degree bins, smoothed over 5 (the spread of a printed stem's edge directions after a camera's blur).
BINS = 2 * int(STEM_WINDOW) + 1
SMOOTHING = 5
# Strong edges: at least 30 % of the line's 99th-percentile gradient (anti-aliasing and paper texture are
# below).
EDGE_SHARE = 0.3
# Fewer stem-edge pixels than this and there are no stems to read (a line of dots, a logo).
MIN_STEM_PIXELS = 20


def text_slant(gray: NDArray[np.uint8]) -> tuple[float, float]:
    """(slant, agreement) of the stems of one line of text: the slant in degrees, positive leaning right as
    italics do, and the share (0-1) of the stem edges' strength within 3 degrees of it.

    Each strong edge pixel's direction is read from the image gradient; among the edges within STEM_WINDOW of
    vertical, the most common direction (weighted by edge strength) is the stems'. The most common one, not
    the mean: the diagonal legs of A, N, V or Y spread on both sides, while the stems of most letters agree.
    `gray` is the line cut out upright, a few tens of pixels high. The agreement says how far to trust the
    slant: printed lines with many stems reach 0.3-0.6; short words of diagonal letters (V, Z, A, R) or small
    blurred print spread their edges and stay near 0.15. (0.0, 0.0) when the line shows no stems.
    """
    smooth = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 0.8)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = cv2.magnitude(gx, gy)
    if not magnitude.any():
        return 0.0, 0.0
    strong = magnitude >= EDGE_SHARE * float(np.percentile(magnitude, 99))
    # The edge normal's angle from horizontal is the stroke's angle from vertical; a stem leaning right turns
    # its normal upwards (negative y in image rows). Normals pointing left are folded onto the right.
    angle = np.degrees(np.arctan2(gy, gx))
    angle = np.where(angle > 90, angle - 180, np.where(angle < -90, angle + 180, angle))
    stems = strong & (np.abs(angle) <= STEM_WINDOW)
    if int(stems.sum()) < MIN_STEM_PIXELS:
        return 0.0, 0.0
    histogram, edges = np.histogram(
        angle[stems], bins=BINS, range=(-STEM_WINDOW, STEM_WINDOW), weights=magnitude[stems]
    )
    smoothed = np.convolve(histogram, np.ones(SMOOTHING) / SMOOTHING, mode="same")
    peak = int(smoothed.argmax())
    near = histogram[max(0, peak - 3) : peak + 4].sum()
    return float((edges[peak] + edges[peak + 1]) / 2.0), float(near / histogram.sum())
