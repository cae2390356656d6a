"""Is the card in the selfie the submitted ID? Local features (ORB) matched with a robust (RANSAC) homography.

The ID image and the selfie are both looked at in grey at a modest size; the homography maps the ID's corners
into the selfie (the held document's outline), and the selfie's card is then warped back onto the ID to
compare their content tile by tile: a card of the same design with another portrait matches the printed
template yet contradicts it where the portrait is. Cards differing only in a few printed characters are not
told apart here (reading the fields is the identity checks' job).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.geometry import rectified_size

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
# Fewer than 12 consistent matches is no document at all: an absent card gives 0, a blurred or a different
# document 9-18 (docs/calibration/face.md).
DOCUMENT_MIN_INLIERS = 12
# The held card is the submitted ID when >= 20 ORB matches fit one homography (half the fewest the right card
# gave: 41, side-lit at 12 MP) and under 15 % of its tiles contradict the ID. Fixtures: the right card <= 7 %
# contradicting (glare, shadow, dim or side light, moiré, blur); another person's card of the same design
# 27-54 % and a passport page >= 37 %, whatever their match count (9-80).
MATCH_MIN_INLIERS = 20
MATCH_MAX_CONTRADICTION = 0.15
# The content comparison only speaks when the held card is at least 400 px wide in the selfie: it is compared
# at 640 px, and a card enlarged more than 1.6x blurs its print into "contradiction". The applicant's own card
# at 560-700 px contradicts the ID in <= 7 % of its tiles; held at 230-290 px (far from the camera, or in a
# 540 x 720 selfie) in up to 31 %, as much as another person's card (bench/calibrate_held.py scenes card_far
# and low_resolution, docs/calibration/face.md).
MATCH_MIN_WIDTH = 400.0
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
    mirrored: bool = False  # found only in the selfie mirrored left to right (a front camera's mirror image)


def is_same_card(match: DocumentMatch) -> bool:
    """The match is the submitted ID itself: enough features on one homography and content that agrees."""
    return match.inliers >= MATCH_MIN_INLIERS and match.contradiction < MATCH_MAX_CONTRADICTION


def card_width(match: DocumentMatch) -> float:
    """The held card's longer side in full-resolution selfie pixels (the mean of its opposite sides)."""
    return max(rectified_size(match.outline))


def is_other_document(match: DocumentMatch) -> bool:
    """The match is well placed and its content, seen large enough to judge, is not the submitted ID's."""
    return (
        match.inliers >= MATCH_MIN_INLIERS
        and match.contradiction >= MATCH_MAX_CONTRADICTION
        and card_width(match) >= MATCH_MIN_WIDTH
    )


@dataclass(frozen=True)
class Features:
    """ORB keypoints and descriptors of one grey view, and the view (the ID's is compared with the selfie)."""

    gray: NDArray[np.uint8]
    points: list[cv2.KeyPoint]
    descriptors: NDArray[np.uint8] | None


def _features(gray: NDArray[np.uint8], count: int) -> Features:
    # Local contrast equalisation first: a card held in shadow or half-lit still shows its corners to FAST.
    equalised = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)
    orb = cv2.ORB.create(nfeatures=count, scaleFactor=1.2, nlevels=8, fastThreshold=10)
    keypoints, descriptors = orb.detectAndCompute(equalised, None)
    return Features(gray, list(keypoints), None if descriptors is None else np.asarray(descriptors, dtype=np.uint8))


def id_features(id_gray: NDArray[np.uint8]) -> Features:
    """The ID's features (`id_gray`: the whole image is the document, at about ID_SIDE)."""
    return _features(id_gray, _ORB_FEATURES_ID)


def selfie_features(selfie_gray: NDArray[np.uint8]) -> Features:
    """The selfie's features (`selfie_gray`: a view at about SELFIE_SIDE), computed once for both searches."""
    return _features(selfie_gray, _ORB_FEATURES_SELFIE)


def _is_plausible(outline: NDArray[np.float64], width: int, height: int) -> bool:
    """A real card seen by a camera projects to a convex quadrilateral of some size."""
    contour = outline.astype(np.float32).reshape(-1, 1, 2)
    area = cv2.contourArea(contour)
    # 0.5 %: a card too small to be read; 100 %: a projection larger than the photo is a degenerate fit.
    return bool(cv2.isContourConvex(contour)) and 0.005 * width * height < area < width * height


def content_contradiction(reference: NDArray[np.uint8], candidate: NDArray[np.uint8]) -> float:
    """Fraction of tiles where two aligned grey images both show detail but not the same detail.

    0 = same content. A tile contradicts when both sides are textured (grey-level spread >= 6) and its best
    normalised cross-correlation within +-3 px is under 0.3. A tile flattened on one side only (glare, deep
    shadow) carries no evidence and is not counted as contradicting. On the fixtures another portrait or
    another card design contradicts in 27-54 % of the tiles; the right card, under glare, dim, side or back
    light, moiré or blur, in <= 7 %.
    """
    # A 1 px blur, and each tile searched +-3 px: the homography is good to a few pixels, not to one, and
    # text edges would otherwise decorrelate (one side-lit fixture read 22 % different without the search).
    shift = 3
    ref = cv2.GaussianBlur(reference, (0, 0), 1.0).astype(np.float32)
    cand = cv2.GaussianBlur(candidate, (0, 0), 1.0).astype(np.float32)
    padded = cv2.copyMakeBorder(cand, shift, shift, shift, shift, cv2.BORDER_REPLICATE)
    height, width = ref.shape
    contradicting = textured = 0
    for y in range(0, height - _TILE_SIZE + 1, _TILE_SIZE):
        for x in range(0, width - _TILE_SIZE + 1, _TILE_SIZE):
            tile = ref[y : y + _TILE_SIZE, x : x + _TILE_SIZE]
            # 6 grey levels: above sensor noise and JPEG ringing
            if tile.std() < 6 or cand[y : y + _TILE_SIZE, x : x + _TILE_SIZE].std() < 6:
                continue
            textured += 1
            window = padded[y : y + _TILE_SIZE + 2 * shift, x : x + _TILE_SIZE + 2 * shift]
            best = float(cv2.matchTemplate(window, tile, cv2.TM_CCOEFF_NORMED).max())
            contradicting += best < 0.3
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
    return match_features(id_features(id_gray), selfie_features(selfie_gray), selfie_scale, selfie_size)


def match_mirrored(
    id_gray: NDArray[np.uint8], selfie: Features, selfie_scale: float, selfie_size: tuple[int, int]
) -> DocumentMatch | None:
    """The ID found in the selfie as its mirror image (a front camera that saves its mirror image reverses the
    card's print), as match_document. The ID's mirror image is searched in the selfie as it is: the same search
    as the ID in the mirrored selfie, at the cost of the small ID's features instead of the selfie's (10 against
    43 ms on the standard bundle, one core). The outline's corners are given in the ID's own order (its top
    left first), where they lie in the selfie as sent."""
    mirrored = match_features(id_features(np.ascontiguousarray(id_gray[:, ::-1])), selfie, selfie_scale, selfie_size)
    if mirrored is None:
        return None
    # The mirror image's top-left corner is the ID's top-right one, and so on round the card.
    return replace(mirrored, outline=mirrored.outline[[1, 0, 3, 2]], mirrored=True)


def match_features(
    card: Features, selfie: Features, selfie_scale: float, selfie_size: tuple[int, int]
) -> DocumentMatch | None:
    """match_document on features already computed (`card`: the ID's, `selfie`: the selfie view's)."""
    id_gray, selfie_gray = card.gray, selfie.gray
    if card.descriptors is None or selfie.descriptors is None or len(card.points) < 8 or len(selfie.points) < 8:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(card.descriptors, selfie.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < _RATIO * p[1].distance]
    if len(good) < 8:
        return None
    src = np.array([card.points[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    dst = np.array([selfie.points[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
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
