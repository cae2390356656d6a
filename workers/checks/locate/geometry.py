"""Quadrilateral geometry: corner order, corner angles, areas. Pure numpy, no image access."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

CORNER_NAMES = ("top-left", "top-right", "bottom-right", "bottom-left")

Quad = NDArray[np.float64]  # shape (4, 2): x, y per corner


def order_corners(points: NDArray[Any]) -> Quad:
    """Four points ordered top-left, top-right, bottom-right, bottom-left (clockwise on screen).

    Sorting by angle around the centroid works for any convex quadrilateral, however rotated; the start is the
    corner nearest the image's top-left so that names stay meaningful for a document lying roughly upright.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, because y grows downwards
    start = int(np.argmin(pts[:, 0] + pts[:, 1]))
    return np.roll(pts, -start, axis=0)


def quad_area(quad: Quad) -> float:
    """Area of a simple polygon (shoelace formula), in squared input units."""
    x, y = quad[:, 0], quad[:, 1]
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def corner_angles(quad: Quad) -> NDArray[np.float64]:
    """Interior angle at each corner, in degrees (90 everywhere for a rectangle seen from straight above)."""
    prev_pts = np.roll(quad, 1, axis=0)
    next_pts = np.roll(quad, -1, axis=0)
    a = prev_pts - quad
    b = next_pts - quad
    cos = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-9)
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def side_lengths(quad: Quad) -> NDArray[np.float64]:
    """Lengths of the sides top, right, bottom, left (corner i to corner i+1)."""
    return np.asarray(np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1), dtype=np.float64)


def rectified_size(quad: Quad) -> tuple[float, float]:
    """(width, height) of the document seen flat: the mean of opposite sides."""
    top, right, bottom, left = side_lengths(quad)
    return (top + bottom) / 2.0, (left + right) / 2.0


def aspect_ratio(quad: Quad) -> float:
    """Longer over shorter side of the document seen flat (rectified_size): 1.59 for an ID-1 card, 1.42 for a
    passport page, whichever way it is turned."""
    w, h = rectified_size(quad)
    return max(w, h) / max(1.0, min(w, h))


def tilt_degrees(quad: Quad, image_size: tuple[int, int]) -> float:
    """Angle (degrees) between the camera's axis and the normal of the rectangle whose image is `quad`.

    Pinhole camera, principal point at the image centre, focal length = the image's longer side (a phone's
    ~65 degree field of view). The homography from a unit square to the quad is K [r1 r2 t] up to the scale of
    each column, so the plane's normal is r1 x r2 with r1, r2 the normalised first columns of K^-1 H; the
    document's true aspect ratio need not be known.
    """
    w, h = image_size
    f = float(max(w, h))
    k_inv = np.array([[1 / f, 0, -w / (2 * f)], [0, 1 / f, -h / (2 * f)], [0, 0, 1]])
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    homography = cv2.getPerspectiveTransform(square, quad.astype(np.float32))
    b = k_inv @ homography
    r1 = b[:, 0] / np.linalg.norm(b[:, 0])
    r2 = b[:, 1] / np.linalg.norm(b[:, 1])
    normal = np.cross(r1, r2)
    normal /= np.linalg.norm(normal) + 1e-12
    return float(np.degrees(np.arccos(min(1.0, abs(float(normal[2]))))))


def quad_iou(a: Quad, b: Quad) -> float:
    """Intersection over union (0-1) of two convex quadrilaterals: 1 for the same, 0 for disjoint ones."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    union = quad_area(a) + quad_area(b) - inter
    return float(inter / union) if union > 0 else 0.0
