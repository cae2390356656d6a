"""The contour search's candidates: document-shaped convex quadrilaterals fitted to the closed contours of an
edge map (outline.py chooses among them), and the frame geometry both searches share (which sides of a
quadrilateral run along the image border, whether it is the frame itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.geometry import Quad, aspect_ratio, order_corners, quad_area

# Smallest candidate, as a share of the frame: below 3 % an ID card is a ~100 px blob at the analysis size,
# too small to check anything on (DOC_TOO_SMALL fires below twice this).
MIN_CANDIDATE_AREA = 0.03
# A contour's area over its convex hull's: a document seen whole is convex (>= 0.95 measured on the fixture
# scenes); a hand holding it lowers that (0.75 on the docsaid photo), clutter outlines lower it further.
MIN_SOLIDITY = 0.7
# Aspect ratios (long/short side) a document can show: ID-1 is 1.59, ID-3 and A4 1.41; a 35-degree tilt
# stretches or squeezes that by up to ~40 % (generated scenes), a text line or a barcode box is far longer.
MIN_ASPECT = 1.0
MAX_ASPECT = 2.6
# Distance (analysis pixels) within which a corner counts as lying on the image border: the frame line added
# to the edge map plus one dilation step.
BORDER_TOLERANCE = 3.0


def edge_maps(lab: NDArray[np.uint8]) -> Iterator[NDArray[np.uint8]]:
    """Edge maps from lightness and from the two colour axes (a card on a table of similar lightness still
    differs in colour), first thin then thickened to close gaps left by glare or low contrast."""
    light = cv2.GaussianBlur(lab[..., 0], (5, 5), 0)
    edges = np.asarray(cv2.Canny(light, 40, 120), dtype=np.uint8)
    for channel in (1, 2):
        # Colour axes span a narrow range around 128, hence thresholds a third of the lightness ones.
        edges |= np.asarray(cv2.Canny(cv2.GaussianBlur(lab[..., channel], (5, 5), 0), 15, 45), dtype=np.uint8)
    for size in (3, 7):
        # A generator: the thickened map is only built when the thin one yields no document.
        yield np.asarray(cv2.dilate(edges, np.ones((size, size), np.uint8)), dtype=np.uint8)


def _fit_quad(hull: NDArray[Any]) -> Quad | None:
    """The convex quadrilateral a hull simplifies to, trying gradually coarser tolerances."""
    perimeter = cv2.arcLength(hull, True)
    hull_area = cv2.contourArea(hull)
    for eps in (0.015, 0.025, 0.04, 0.06):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        # The four corners must still describe the hull, not a chord across it. (The area does not depend on
        # the corners' order, so only an accepted fit is ordered.)
        if len(approx) == 4 and cv2.isContourConvex(approx) and cv2.contourArea(approx) >= 0.9 * hull_area:
            return order_corners(approx.reshape(4, 2))
    # A hand or an object merged with one side breaks the four-corner fit: take the tightest rotated rectangle
    # when the hull still fills most of it (an irregular clutter blob does not).
    rect = cv2.boxPoints(cv2.minAreaRect(hull))
    if hull_area >= 0.85 * quad_area(order_corners(rect)):
        return order_corners(rect)
    return None


@dataclass(frozen=True)
class Candidate:
    quad: Quad
    area: float  # share of the frame


def candidates(edges: NDArray[np.uint8]) -> list[Candidate]:
    """Document-shaped quadrilaterals fitted to the closed contours of one edge map, largest first."""
    h, w = edges.shape
    frame_area = float(w * h)
    found: list[Candidate] = []
    edges[0, :] = edges[-1, :] = 255
    edges[:, 0] = edges[:, -1] = 255
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        _, _, box_w, box_h = cv2.boundingRect(contour)
        if box_w * box_h < MIN_CANDIDATE_AREA * frame_area:
            continue  # its hull is smaller still: most contours are text and texture, skipped here cheaply
        hull = cv2.convexHull(contour)
        hull_area = cv2.contourArea(hull)
        if hull_area < MIN_CANDIDATE_AREA * frame_area or hull_area > 0.995 * frame_area:
            continue
        if cv2.contourArea(contour) < MIN_SOLIDITY * hull_area:
            continue
        quad = _fit_quad(hull)
        if quad is None or is_frame(quad, w, h) or not _document_shaped(quad):
            continue
        if sides_on_border(quad, w, h) <= 2:
            found.append(Candidate(quad, quad_area(quad) / frame_area))
    found.sort(key=lambda c: -c.area)
    return found


def _document_shaped(quad: Quad) -> bool:
    """Cards (1.59), passport pages (1.42) and A4 (1.41), allowing for perspective: not a text line, not a
    square logo."""
    return MIN_ASPECT <= aspect_ratio(quad) <= MAX_ASPECT


def sides_on_border(quad: Quad, w: int, h: int, tolerance: float = BORDER_TOLERANCE) -> int:
    """How many sides run along the image border. A document cut by the frame has at most two there; three
    or four means the region between some background edge and the frame (a table top), not a document."""
    near = [
        (quad[:, 0] <= tolerance),
        (quad[:, 0] >= w - 1 - tolerance),
        (quad[:, 1] <= tolerance),
        (quad[:, 1] >= h - 1 - tolerance),
    ]
    count = 0
    for i in range(4):
        j = (i + 1) % 4
        count += any(bool(edge[i] and edge[j]) for edge in near)
    return count


def is_frame(quad: Quad, w: int, h: int) -> bool:
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    return bool(np.all(np.linalg.norm(quad - frame, axis=1) <= 0.02 * max(w, h)))


def frame_quad(w: int, h: int) -> Quad:
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
