"""Copy-move detection: the same patch of pixels appearing twice in one image, by keypoint self-matching.

ORB keypoints are matched against the image's own keypoints; a copied region shows up as many matches that
share one displacement (geometric consistency). Printed documents repeat glyphs, so each candidate is then
verified on pixels: a real copy repeats the sensor noise too, a second printed "A" does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

# Periodic guilloche and repeated glyphs make many displacement clusters before the copy's; 30 reach it.
CLUSTERS_CHECKED = 30
# Keypoints are kept per tile (tiles of about 48 x 48 px of the view, the 12 strongest FAST corners in each) so
# that every part of the image takes part; a global top-N would spend them all on the busiest print. Tiles of a
# fixed size (rather than a fixed 16 x 16 grid) keep small scans from being packed with thousands of corners
# (the matching cost grows with their square): a 600 x 421 scan gets 12 x 9 tiles, at most 1 296 keypoints
# instead of 3 072; a 1024 x 646 view 21 x 13. Calibration: 34 of 40 cloned seeds found (33 with the fixed
# grid; 64 px tiles: 31), clean photos at most 3 pairs.
TILE_SIDE = 48
PER_TILE = 12
# FAST corner contrast (grey levels): above the sensor grain of a 1024 px view, below printed edges.
FAST_THRESHOLD = 12
# Full-resolution patch half-size for the pixel check: 24 x 24 px takes in paper around the ink, where the
# grain of a real copy repeats and the grain of a re-printed glyph does not.
PATCH_HALF = 12
# Neighbours per keypoint: a monospace table repeats each glyph dozens of times, and the true copy must still
# be among the nearest descriptors.
KNN = 5


@dataclass(frozen=True)
class CloneEvidence:
    """The best-supported copied region: source and target boxes (x0, y0, x1, y1) in input pixels."""

    matches: int  # keypoint pairs that agree on the displacement and pass the pixel check
    source: tuple[int, int, int, int]
    target: tuple[int, int, int, int]
    residual: float  # mean absolute grey difference between the two copies' patches


def _box(points: NDArray[np.float32], pad: int) -> tuple[int, int, int, int]:
    x0, y0 = points.min(axis=0) - pad
    x1, y1 = points.max(axis=0) + pad
    return int(x0), int(y0), int(x1), int(y1)


def _box_sums(patches: NDArray[np.int16]) -> NDArray[np.int16]:
    """3 x 3 box sums over the last two axes (each loses one pixel per side): a low-pass filter.

    JPEG requantisation error lives in the highest frequencies (coarse steps there), so a copy pasted off the
    8 x 8 grid differs from its source mostly at those; the grain that tells two printings apart has energy at
    lower frequencies too. Comparing box means keeps the second and drops most of the first.
    """
    rows = patches[..., :-2, :] + patches[..., 1:-1, :] + patches[..., 2:, :]
    return np.asarray(rows[..., :-2] + rows[..., 1:-1] + rows[..., 2:], dtype=np.int16)


def _patch_residuals(
    full: NDArray[np.uint8],
    scale: float,
    src: NDArray[np.float32],
    dst: NDArray[np.float32],
    half: int,
    search: int,
) -> NDArray[np.float64]:
    """Per pair, the smallest mean absolute grey difference between the 3 x 3-mean-filtered full-resolution
    patch around the source point and those around the target point shifted by up to +-`search` pixels (inf
    where a patch would leave the image). Points are in view pixels; `scale` maps them to full resolution.

    At full resolution a copy repeats its sensor grain exactly: after the low-pass only a trace of JPEG error
    remains (generated copies 0.24-0.50 grey levels), while a second printed glyph or a periodic background
    carries its own grain (1 or more).
    """
    h, w = full.shape
    a = np.rint(src * scale).astype(np.int64)
    b = np.rint(dst * scale).astype(np.int64)
    margin = half + 1  # one more pixel per side for the 3 x 3 filter
    reach = margin + search
    inside = (
        (a[:, 0] >= margin) & (a[:, 1] >= margin) & (a[:, 0] + margin <= w) & (a[:, 1] + margin <= h)
        & (b[:, 0] >= reach) & (b[:, 1] >= reach) & (b[:, 0] + reach <= w) & (b[:, 1] + reach <= h)
    )  # fmt: skip
    result = np.full(len(src), np.inf)
    if not inside.any():
        return result
    a, b = a[inside], b[inside]
    grid = np.arange(-margin, margin)
    pa = _box_sums(full[(a[:, 1, None] + grid)[:, :, None], (a[:, 0, None] + grid)[:, None, :]].astype(np.int16))
    # One gather of each target window; every shift is then a slice of it.
    wide = np.arange(-reach, reach)
    window = _box_sums(full[(b[:, 1, None] + wide)[:, :, None], (b[:, 0, None] + wide)[:, None, :]].astype(np.int16))
    side = 2 * half
    shifted = np.lib.stride_tricks.sliding_window_view(window, (side, side), axis=(1, 2))
    best = np.abs(shifted - pa[:, None, None]).mean(axis=(3, 4)).reshape(len(a), -1).min(axis=1) / 9.0
    result[inside] = best
    return result


def _tiled_orb(gray: NDArray[np.uint8]) -> tuple[list[cv2.KeyPoint], NDArray[np.uint8] | None]:
    """FAST corners spread over a tile grid, described by single-scale ORB (copies keep their scale)."""
    corners = cv2.FastFeatureDetector.create(threshold=FAST_THRESHOLD).detect(gray, None)
    if not corners:
        return [], None
    h, w = gray.shape
    xy = np.array([k.pt for k in corners], dtype=np.float32)
    response = np.array([k.response for k in corners], dtype=np.float32)
    cols, rows = max(1, round(w / TILE_SIDE)), max(1, round(h / TILE_SIDE))
    tile = (xy[:, 1] * rows // h).astype(np.int64) * cols + (xy[:, 0] * cols // w).astype(np.int64)
    order = np.lexsort((-response, tile))  # by tile, strongest first within a tile
    sorted_tiles = tile[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_tiles, sorted_tiles)
    kept = [corners[i] for i in order[rank < PER_TILE]]
    orb = cv2.ORB.create(nlevels=1, edgeThreshold=16, patchSize=15)
    keypoints, descriptors = orb.compute(gray, kept)
    if descriptors is None:
        return list(keypoints), None
    return list(keypoints), np.asarray(descriptors, dtype=np.uint8)


def find_clone(
    gray: NDArray[np.uint8],
    full: NDArray[np.uint8],
    *,
    min_shift: float,
    max_descriptor_distance: int,
    max_residual: float,
) -> CloneEvidence | None:
    """The displacement supported by most verified keypoint self-matches, or None if nothing repeats.

    Keypoints are found on `gray` (a downscaled view); the pixel check runs on `full` (the same image at full
    resolution). Boxes are returned in `gray` pixels.
    """
    scale = full.shape[1] / gray.shape[1]
    search = min(2, int(np.ceil(scale)))
    keypoints, descriptors = _tiled_orb(gray)
    if descriptors is None or len(keypoints) < 10:
        return None
    points = np.array([k.pt for k in keypoints], dtype=np.float32)
    # Brute-force Hamming k-NN of every descriptor against all of them, returned as plain arrays.
    distance, neighbour = cv2.batchDistance(
        descriptors, descriptors, cv2.CV_32S, normType=cv2.NORM_HAMMING, K=KNN, update=0, crosscheck=False
    )
    query = np.repeat(np.arange(len(points)), neighbour.shape[1])
    train = neighbour.ravel().astype(np.int64)
    # Not itself, alike enough, and far enough apart.
    keep = (train >= 0) & (train != query) & (distance.ravel() <= max_descriptor_distance)
    query, train = query[keep], train[keep]
    keep = np.hypot(*(points[train] - points[query]).T) >= min_shift
    query, train = query[keep], train[keep]
    # One direction per pair (downwards, else rightwards), so that all pairs of one copy share a shift whichever
    # of the two keypoints found the other.
    a, b = points[query], points[train]
    downwards = (b[:, 1] > a[:, 1]) | ((b[:, 1] == a[:, 1]) & (b[:, 0] > a[:, 0]))
    ordered = np.stack([np.where(downwards, query, train), np.where(downwards, train, query)], axis=1)
    pairs = np.unique(ordered, axis=0) if len(ordered) else ordered
    if len(pairs) < 3:
        return None
    src = points[pairs[:, 0]]
    dst = points[pairs[:, 1]]
    shifts = np.rint((dst - src) / 4.0).astype(np.int64)  # 4-pixel bins: JPEG and keypoint jitter
    keys, counts = np.unique(shifts, axis=0, return_counts=True)
    best: CloneEvidence | None = None
    # Periodic backgrounds and repeated glyphs also make clusters; check the biggest few on pixels.
    for idx in np.argsort(-counts)[:CLUSTERS_CHECKED]:
        if counts[idx] < 3:
            break
        near = np.flatnonzero(np.abs(shifts - keys[idx]).max(axis=1) <= 1)[:20]
        if best is not None and len(near) <= best.matches:
            continue  # cannot beat the best cluster even if every pair verifies
        residuals = _patch_residuals(full, scale, src[near], dst[near], PATCH_HALF, search)
        ok = residuals <= max_residual
        if ok.sum() < 3:
            continue
        evidence = CloneEvidence(
            matches=int(ok.sum()),
            source=_box(src[near][ok], 8),
            target=_box(dst[near][ok], 8),
            residual=float(np.median(residuals[ok])),
        )
        if best is None or evidence.matches > best.matches:
            best = evidence
    return best
