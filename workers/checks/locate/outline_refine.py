"""Sub-pixel document corners: each side of an outline found on the reduced view, re-fitted at full resolution.

The outline search works on a ~560 px view, where one pixel is up to 7 px of a 4K frame. Each side is refined
on the full-resolution image: across the side, at evenly spaced points, the position of the strongest grey
step within a narrow band around the coarse side is found (to a fraction of a pixel), a line is fitted to those
positions (robust to a finger or a glare spot over part of the side), and the corners are where the fitted
lines meet.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.geometry import Quad

# Points sampled along each side, spread over its middle 84 % (the corners themselves may be rounded or
# chipped): enough for a robust line fit at a few hundred samples per side.
POINTS = 40
SIDE_MARGIN = 0.08
# Half-width of the band searched across each side, in view pixels: the edge search's own tolerance (lines
# sampled up to 2 px either side, segments merged within 2 px) plus half a pixel of rounding.
BAND = 2.5
# A point whose strongest step is under this share of the side's median step is not on the edge (a finger,
# a glare spot, a shadow over it) and is left out of the fit.
WEAK_STEP = 0.3
# Fewest points left for a side to be re-fitted (a quarter of them): otherwise the coarse side stays.
MIN_POINTS = 10
# Refinement that moves a corner farther than this (view pixels) has locked onto another edge: the coarse
# outline is kept.
MAX_SHIFT = 3.0


def _sample(rgb: NDArray[np.uint8], xs: NDArray[np.float32], ys: NDArray[np.float32]) -> NDArray[np.float32]:
    """Grey values (ITU-R BT.601 weights, as cv2's RGB2GRAY) of `rgb` at sub-pixel positions."""
    values = np.asarray(cv2.remap(rgb, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), np.float32)
    if values.ndim == 2:
        return values
    return np.asarray(values @ np.array([0.299, 0.587, 0.114], np.float32), np.float32)


def _side_line(
    rgb: NDArray[np.uint8], a: NDArray[np.float64], b: NDArray[np.float64], band: float
) -> NDArray[np.float64] | None:
    """(point, direction) of the edge nearest the coarse side a-b, fitted at full resolution, or None."""
    length = float(np.linalg.norm(b - a))
    if length < 8:
        return None
    direction = (b - a) / length
    normal = np.array([-direction[1], direction[0]])
    t = np.linspace(SIDE_MARGIN, 1 - SIDE_MARGIN, POINTS) * length
    steps = np.arange(-np.ceil(band) - 1, np.ceil(band) + 2, 1.0)
    points = a[None, None, :] + t[:, None, None] * direction + steps[None, :, None] * normal
    grey = _sample(rgb, points[..., 0].astype(np.float32), points[..., 1].astype(np.float32))
    # A light smoothing across the side (JPEG and sensor noise), then the step between neighbours.
    grey = np.asarray(cv2.GaussianBlur(grey, (5, 1), 0), np.float32)
    step = np.abs(grey[:, 2:] - grey[:, :-2]) / 2
    inner = slice(1, len(steps) - 1)
    position = steps[inner]
    within = np.abs(position) <= band
    step = np.where(within[None, :], step, 0)
    peak = np.argmax(step, axis=1)
    strength = step[np.arange(POINTS), peak]
    typical = float(np.median(strength))
    if typical <= 0:
        return None
    # Parabola through the peak and its neighbours: the step's centre to a fraction of a sample.
    left = step[np.arange(POINTS), np.clip(peak - 1, 0, step.shape[1] - 1)]
    right = step[np.arange(POINTS), np.clip(peak + 1, 0, step.shape[1] - 1)]
    curvature = left - 2 * strength + right
    shift = np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1), 0.0)
    offset = position[peak] + np.clip(shift, -0.5, 0.5)
    good = (strength >= WEAK_STEP * typical) & (peak > 0) & (peak < step.shape[1] - 1)
    if int(good.sum()) < MIN_POINTS:
        return None
    found = a + t[good, None] * direction + offset[good, None] * normal
    vx, vy, x0, y0 = np.asarray(
        cv2.fitLine(found.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01), np.float64
    ).ravel()
    return np.array([x0, y0, vx, vy])


def _meet(one: NDArray[np.float64], two: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Where two lines (x0, y0, vx, vy) cross, or None if they are nearly parallel."""
    matrix = np.array([[one[2], -two[2]], [one[3], -two[3]]])
    if abs(np.linalg.det(matrix)) < 1e-6:
        return None
    s, _ = np.linalg.solve(matrix, two[:2] - one[:2])
    return np.asarray(one[:2] + s * one[2:], np.float64)


def refine_corners(rgb: NDArray[np.uint8], quad: Quad, scale: float) -> Quad:
    """`quad` (full-resolution coordinates, found on a view `scale` times smaller) with each side re-fitted on
    the full-resolution `rgb`; sides that cannot be re-fitted keep their coarse position."""
    band = BAND * max(scale, 1.0)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        fitted = _side_line(rgb, a, b, band)
        if fitted is None:
            direction = (b - a) / max(float(np.linalg.norm(b - a)), 1e-9)
            fitted = np.array([a[0], a[1], direction[0], direction[1]])
        lines.append(fitted)
    corners = []
    for i in range(4):
        corner = _meet(lines[i - 1], lines[i])  # corner i joins side i-1 (into it) and side i (out of it)
        if corner is None or float(np.linalg.norm(corner - quad[i])) > MAX_SHIFT * max(scale, 1.0):
            return quad
        corners.append(corner)
    return np.asarray(corners, np.float64)
