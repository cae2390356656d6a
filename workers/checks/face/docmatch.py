"""Is the card in the selfie the submitted ID? Local features (ORB) matched with a robust (RANSAC) homography.

The ID image and the selfie are both looked at in grey at a modest size; the homography maps the ID's corners
into the selfie (the held document's outline), and the selfie's card is then warped back onto the ID to
compare their content tile by tile: a card of the same design with another portrait matches the printed
template yet contradicts it where the portrait is. Cards differing only in a few printed characters are not
told apart here (reading the fields is the identity checks' job).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

# The ID is compared at 800 px and the selfie at 1600 px: a card held at arm's length fills about 40 % of the
# selfie's width, ~650 px at that size, so both show the card at a similar scale and ORB's 8-level pyramid
# (factor 1.2, ~4.3x) covers cards from ~20 % to the whole frame.
ID_SIDE = 800
SELFIE_SIDE = 1600
_ORB_FEATURES_ID = 1500
_ORB_FEATURES_SELFIE = 4000
# Lowe's ratio test at 0.8 (his SIFT paper's value; it removes ~90 % of false matches, ~5 % of true ones).
_RATIO = 0.8
# Reprojection error allowed to an inlier, in selfie pixels at SELFIE_SIDE (~0.3 % of the width). The fit is
# OpenCV's MAGSAC++ (a RANSAC variant): plain RANSAC left a corner 25 px off on one fixture, enough to make
# the right card look 23 % different.
_RANSAC_PIXELS = 5.0
# Content is compared on the ID's frame at 640 x 400 px (about the card's size in a 1600 px selfie), in
# 32 px tiles: a field of text or the portrait spans several tiles.
_COMPARE_SIZE = (640, 400)
_TILE_SIZE = 32


@dataclass(frozen=True)
class DocumentMatch:
    inliers: int  # feature matches consistent with one homography
    outline: NDArray[np.float64]  # (4, 2) the ID's corners in full-resolution selfie pixels
    contradiction: float  # share of the card's content unlike the ID's (content_contradiction, 0 = same)
    frame_fraction: float  # outline area / selfie area


def _features(gray: NDArray[np.uint8], count: int) -> tuple[list[cv2.KeyPoint], NDArray[np.uint8] | None]:
    # Local contrast equalisation first: a card held in shadow or half-lit still shows its corners to FAST.
    equalised = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)
    orb = cv2.ORB.create(nfeatures=count, scaleFactor=1.2, nlevels=8, fastThreshold=10)
    keypoints, descriptors = orb.detectAndCompute(equalised, None)
    return list(keypoints), None if descriptors is None else np.asarray(descriptors, dtype=np.uint8)


def _is_plausible(outline: NDArray[np.float64], width: int, height: int) -> bool:
    """A real card seen by a camera projects to a convex quadrilateral of some size."""
    contour = outline.astype(np.float32).reshape(-1, 1, 2)
    area = cv2.contourArea(contour)
    # 0.5 %: a card too small to be read; 100 %: a projection larger than the photo is a degenerate fit.
    return bool(cv2.isContourConvex(contour)) and 0.005 * width * height < area < width * height


def content_contradiction(reference: NDArray[np.uint8], candidate: NDArray[np.uint8]) -> float:
    """Fraction of tiles where two aligned grey images both show detail but not the same detail.

    0 = same content. A tile contradicts when both sides are textured (grey-level spread >= 6) and their
    normalised cross-correlation is under 0.3. A tile flattened on one side only (glare, deep shadow) carries
    no evidence and is not counted as contradicting. Another portrait or another card design contradicts in
    18-57 % of the tiles on the fixtures; the right card under glare, dim or side light and moiré in <= 9 %.
    """
    # A 1 px blur first: the homography is good to ~1-2 px, and text edges would otherwise decorrelate.
    a_all = cv2.GaussianBlur(reference, (0, 0), 1.0).astype(np.float64)
    b_all = cv2.GaussianBlur(candidate, (0, 0), 1.0).astype(np.float64)
    height, width = a_all.shape
    contradicting = textured = 0
    for y in range(0, height - _TILE_SIZE + 1, _TILE_SIZE):
        for x in range(0, width - _TILE_SIZE + 1, _TILE_SIZE):
            a = a_all[y : y + _TILE_SIZE, x : x + _TILE_SIZE]
            b = b_all[y : y + _TILE_SIZE, x : x + _TILE_SIZE]
            a, b = a - a.mean(), b - b.mean()
            if a.std() < 6 or b.std() < 6:  # 6 grey levels: above sensor noise and JPEG ringing
                continue
            textured += 1
            ncc = float((a * b).sum() / max(np.sqrt((a**2).sum() * (b**2).sum()), 1e-9))
            contradicting += ncc < 0.3
    return contradicting / textured if textured else 0.0


def match_document(
    id_gray: NDArray[np.uint8],
    selfie_gray: NDArray[np.uint8],
    selfie_scale: float,
    selfie_size: tuple[int, int],
) -> DocumentMatch | None:
    """Find the ID (`id_gray`, whole image = the document) in the selfie; None if no consistent homography.

    `selfie_gray` is a downscaled view; `selfie_scale` = full-resolution width / its width, `selfie_size` the
    full-resolution (width, height).
    """
    id_points, id_desc = _features(id_gray, _ORB_FEATURES_ID)
    selfie_points, selfie_desc = _features(selfie_gray, _ORB_FEATURES_SELFIE)
    if id_desc is None or selfie_desc is None or len(id_points) < 8 or len(selfie_points) < 8:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(id_desc, selfie_desc, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < _RATIO * p[1].distance]
    if len(good) < 8:
        return None
    src = np.array([id_points[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    dst = np.array([selfie_points[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    homography, inlier_mask = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, _RANSAC_PIXELS)
    if homography is None:
        return None
    h, w = id_gray.shape
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32).reshape(-1, 1, 2)
    outline = cv2.perspectiveTransform(corners, homography).reshape(4, 2).astype(np.float64)
    width, height = selfie_size
    outline_full = outline * selfie_scale
    if not _is_plausible(outline_full, width, height):
        return None
    size = _COMPARE_SIZE
    to_tiles = np.diag([size[0] / w, size[1] / h, 1.0])
    reference = np.asarray(cv2.resize(id_gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    back = np.asarray(
        cv2.warpPerspective(selfie_gray, to_tiles @ np.linalg.inv(homography), size, flags=cv2.INTER_AREA),
        dtype=np.uint8,
    )
    contour = outline_full.astype(np.float32).reshape(-1, 1, 2)
    return DocumentMatch(
        inliers=int(inlier_mask.sum()),
        outline=outline_full,
        contradiction=content_contradiction(reference, back),
        frame_fraction=float(cv2.contourArea(contour)) / (width * height),
    )


# ID-1 cards are 1.586:1 and passport data pages 1.42:1; 1.2-1.9 allows for the tilt of a hand-held card.
_CARD_ASPECT = (1.2, 1.9)
# From 1.5 % of the frame (a card at arm's length in a wide shot) to 60 % (a card held up to the camera).
_CARD_AREA = (0.015, 0.6)


def card_like_outline(
    gray: NDArray[np.uint8], avoid: tuple[float, float] | None = None
) -> NDArray[np.float64] | None:
    """The largest convex quadrilateral with a card's proportions in a grey view, in that view's pixels.

    Used when the held document is not the submitted ID, to tell "another document" from "no document".
    `avoid` is a point (the face centre) that the quadrilateral must not contain.
    """
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    # Close gaps left by fingers and glare along the card's edges, then look at filled outer shapes.
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    frame = gray.shape[0] * gray.shape[1]
    best: NDArray[np.float64] | None = None
    best_area = 0.0
    for contour in contours:
        hull = cv2.convexHull(contour)
        area = cv2.contourArea(hull)
        if not _CARD_AREA[0] * frame < area < _CARD_AREA[1] * frame or area <= best_area:
            continue
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(hull)
        # A card's hull fills its bounding rotated rectangle; 0.85 allows for perspective and rounded corners.
        if area < 0.85 * rw * rh:
            continue
        aspect = max(rw, rh) / max(min(rw, rh), 1.0)
        if not _CARD_ASPECT[0] <= aspect <= _CARD_ASPECT[1]:
            continue
        quad = cv2.boxPoints(((cx, cy), (rw, rh), angle)).astype(np.float64)
        if avoid is not None and cv2.pointPolygonTest(quad.astype(np.float32), avoid, False) >= 0:
            continue
        best, best_area = quad, area
    return best
