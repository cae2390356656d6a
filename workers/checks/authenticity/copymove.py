"""Copy-move detection: the same patch of pixels appearing twice in one image, by keypoint self-matching.

ORB keypoints are matched against the image's own keypoints; a copied region shows up as many matches that
share one displacement (geometric consistency). Printed documents repeat glyphs, so each candidate is then
verified on pixels: a real copy repeats the sensor noise too, a second printed "A" does not. The pixel check
compares 3 x 3-mean-filtered patches, so that the JPEG requantisation of a copy pasted off the 8 x 8 grid (a
high-frequency error) does not hide the repeated grain.
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
# instead of 3 072; a 1024 x 646 view 21 x 13. Calibration with the filtered pixel check: 39 of 40 cloned
# seeds found; 8 per tile 36 of 40, 6 per tile 33 of 40 (earlier, unfiltered: fixed grid 33, 64 px tiles 31).
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
# Brightness bands for the neighbour search (5 x 5 mean grey of the view around the keypoint): a copy's two
# keypoints differ by JPEG error only (a few grey levels), and each band is compared with itself and its two
# neighbours, so any two keypoints within 16 grey levels are always compared.
BRIGHTNESS_STEP = 16
# The cluster's full-resolution shift is searched within +-SHIFT_SEARCH px of its pairs' median displacement
# (keypoints sit on whole view pixels: +-1 view pixel is +-2.3 full-resolution pixels on a 2400 px photo, and
# the median halves that), judged on the first PROBE_PAIRS pairs.
SHIFT_SEARCH = 2
PROBE_PAIRS = 8


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


def _patches(full: NDArray[np.uint8], centres: NDArray[np.int64], half: int) -> NDArray[np.int16]:
    """3 x 3 box sums of the 2*half-sided patches of `full` around each centre (x, y)."""
    side = 2 * half + 2
    # Indexing a sliding-window view gathers whole patches (ten times cheaper than per-pixel index arrays).
    windows = np.lib.stride_tricks.sliding_window_view(full, (side, side))
    return _box_sums(windows[centres[:, 1] - half - 1, centres[:, 0] - half - 1].astype(np.int16))


def _shared_shift_residuals(
    full: NDArray[np.uint8],
    scale: float,
    src: NDArray[np.float32],
    dst: NDArray[np.float32],
    cluster: NDArray[np.int64],
    half: int,
    max_residual: float,
) -> NDArray[np.float64]:
    """Per pair, the mean absolute grey difference between the 3 x 3-mean-filtered full-resolution patches
    around the source point and around the source point moved by its cluster's one full-resolution shift (inf
    where a patch would leave the image). Points are in view pixels; `scale` maps them to full resolution;
    `cluster` numbers the pairs' clusters 0, 1, ... (all clusters are judged in one pass).

    A copy moves every pixel by the same whole-pixel shift, so the shift is searched once per cluster (within
    SHIFT_SEARCH pixels of the pairs' median displacement: the shift under which most of the first PROBE_PAIRS
    pairs stay within `max_residual`, the smallest difference breaking ties) instead of per pair.
    At full resolution a copy repeats its sensor grain exactly: after the low-pass only a trace of JPEG error
    remains (generated copies ~0.25-0.5 grey levels), while a second printed glyph or a periodic background
    carries its own grain (1 or more).
    """
    h, w = full.shape
    clusters = int(cluster.max()) + 1
    a = np.rint(src * scale).astype(np.int64)
    moves = (dst - src) * scale
    # Each cluster's median displacement (pairs are grouped by cluster, at most 20 each): pad the groups to one
    # array with NaN (sorted last) and average the two middle values of each row's n pairs, as a NaN-median
    # does (np.nanmedian itself goes through masked arrays: ten times slower on these small groups).
    rank = np.arange(len(cluster)) - np.searchsorted(cluster, cluster)
    grouped = np.full((clusters, int(rank.max()) + 1, 2), np.nan)
    grouped[cluster, rank] = moves
    grouped.sort(axis=1)
    count = np.bincount(cluster, minlength=clusters)
    rows = np.arange(clusters)
    median = (grouped[rows, (count - 1) // 2] + grouped[rows, count // 2]) / 2
    guess = np.rint(median).astype(np.int64)[cluster]
    margin = half + 1 + SHIFT_SEARCH  # the 3 x 3 filter takes one more pixel per side
    far = a + guess
    inside = (
        (a[:, 0] >= margin) & (a[:, 1] >= margin) & (a[:, 0] + margin <= w) & (a[:, 1] + margin <= h)
        & (far[:, 0] >= margin) & (far[:, 1] >= margin) & (far[:, 0] + margin <= w) & (far[:, 1] + margin <= h)
    )  # fmt: skip
    result = np.full(len(src), np.inf)
    if not inside.any():
        return result
    where = np.flatnonzero(inside)
    a, guess, cluster = a[inside], guess[inside], cluster[inside]
    # The shift: the one that most of the first few pairs of the cluster agree with (keypoints on the copy's
    # border carry uncopied pixels in their patch and agree with none, so a count is used rather than a mean).
    rank = np.arange(len(cluster)) - np.searchsorted(cluster, cluster)  # position within its cluster
    probe = np.flatnonzero(rank < PROBE_PAIRS)
    pa = _patches(full, a[probe], half)
    wide = _patches(full, a[probe] + guess[probe], half + SHIFT_SEARCH)
    side, span = 2 * half, 2 * SHIFT_SEARCH + 1
    sums = np.empty((len(probe), span * span))
    # The search reads every second row and column of the (already 3 x 3-smoothed) patches: a quarter of the
    # work, and the smoothing leaves little between neighbouring pixels to miss. The wide patches are split
    # once into their four (row, column) parities, so that each shift reads a compact block of one of them.
    sparse = np.ascontiguousarray(pa[:, ::2, ::2])
    parities = [[np.ascontiguousarray(wide[:, py::2, px::2]) for px in (0, 1)] for py in (0, 1)]
    moved = np.empty_like(sparse)
    step = side // 2
    for k in range(span * span):  # one slice per shift: far cheaper than a reduction over a strided view
        dy, dx = divmod(k, span)
        block = parities[dy % 2][dx % 2][:, dy // 2 : dy // 2 + step, dx // 2 : dx // 2 + step]
        np.subtract(block, sparse, out=moved)
        sums[:, k] = np.abs(moved, out=moved).reshape(len(probe), -1).sum(axis=1, dtype=np.int32)
    differences = sums / (9.0 * half * half)
    # Probes are grouped by cluster (clusters are numbered in order), so per-cluster sums are reduceat calls.
    starts = np.flatnonzero(np.r_[True, np.diff(cluster[probe]) != 0])
    agreeing = np.add.reduceat((differences <= max_residual).astype(np.int64), starts, axis=0)
    smallest = np.minimum.reduceat(differences, starts, axis=0)
    # Differences are below 256 grey levels, so this ranks by agreeing pairs first, smallest difference next.
    choice = np.argmax(agreeing - np.minimum(smallest, 255.0) / 256.0, axis=1)
    # A cluster none of whose probes agrees under any shift has no shared whole-pixel shift: not a copy, and
    # its other pairs are not gathered.
    present = cluster[probe][starts]
    offset = np.zeros((clusters, 2), np.int64)
    offset[present] = np.stack([choice % span, choice // span], axis=1) - SHIFT_SEARCH
    judged = np.zeros(clusters, bool)
    judged[present] = agreeing.max(axis=1) > 0
    keep = judged[cluster]
    if keep.any():
        a, shift = a[keep], guess[keep] + offset[cluster[keep]]
        moved = _patches(full, a + shift, half) - _patches(full, a, half)
        result[where[keep]] = np.abs(moved).reshape(len(a), -1).sum(axis=1, dtype=np.int32) / (9.0 * side * side)
    return result


def _tiled_orb(gray: NDArray[np.uint8]) -> tuple[list[cv2.KeyPoint], NDArray[np.uint8] | None]:
    """FAST corners spread over a tile grid, described by single-scale ORB (copies keep their scale)."""
    corners = cv2.FastFeatureDetector.create(threshold=FAST_THRESHOLD).detect(gray, None)
    if not corners:
        return [], None
    h, w = gray.shape
    xy = np.asarray(cv2.KeyPoint.convert(corners), dtype=np.float32)  # far cheaper than .pt in a loop
    response = np.array([k.response for k in corners], dtype=np.float32)
    cols, rows = max(1, round(w / TILE_SIDE)), max(1, round(h / TILE_SIDE))
    tile = (xy[:, 1] * rows // h).astype(np.int64) * cols + (xy[:, 0] * cols // w).astype(np.int64)
    order = np.lexsort((-response, tile))  # by tile, strongest first within a tile
    sorted_tiles = tile[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_tiles, sorted_tiles)
    kept = [corners[i] for i in order[rank < PER_TILE].tolist()]  # Python ints index a tuple faster
    orb = cv2.ORB.create(nlevels=1, edgeThreshold=16, patchSize=15)
    keypoints, descriptors = orb.compute(gray, kept)
    if descriptors is None:
        return list(keypoints), None
    return list(keypoints), np.asarray(descriptors, dtype=np.uint8)


def _neighbours(
    descriptors: NDArray[np.uint8], brightness: NDArray[np.uint8]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(query, train, Hamming distance) of each descriptor's KNN nearest descriptors among the keypoints whose
    surroundings are about as bright (same or neighbouring BRIGHTNESS_STEP band; train -1 where fewer exist).

    A copy keeps the brightness around each keypoint (within JPEG error, a few grey levels), so comparing
    across distant bands only costs time: brute force grows with the square of the keypoints (3 000 on a
    guilloche card).
    """
    band = brightness.astype(np.int64) // BRIGHTNESS_STEP
    queries, trains, distances = [], [], []
    for b in np.unique(band):
        mine = np.flatnonzero(band == b)
        nearby = np.flatnonzero(np.abs(band - b) <= 1)
        k = min(KNN, nearby.size)
        distance, neighbour = cv2.batchDistance(
            descriptors[mine], descriptors[nearby], cv2.CV_32S, normType=cv2.NORM_HAMMING, K=k, update=0,
            crosscheck=False,
        )  # fmt: skip
        neighbour = np.asarray(neighbour, dtype=np.int64)
        queries.append(np.repeat(mine, k))
        trains.append(np.where(neighbour >= 0, nearby[np.maximum(neighbour, 0)], -1).ravel())
        distances.append(np.asarray(distance, dtype=np.int64).ravel())
    return np.concatenate(queries), np.concatenate(trains), np.concatenate(distances)


def find_clone(
    gray: NDArray[np.uint8],
    full: NDArray[np.uint8],
    *,
    min_shift: float,
    max_descriptor_distance: int,
    max_residual: float,
    min_pairs: int = 3,
) -> CloneEvidence | None:
    """The displacement supported by most verified keypoint self-matches, or None if nothing repeats.

    Keypoints are found on `gray` (a downscaled view); the pixel check runs on `full` (the same image at full
    resolution). Boxes are returned in `gray` pixels. Displacement clusters with fewer than `min_pairs`
    candidate pairs are not verified (a caller that flags from N verified pairs passes N: smaller clusters
    cannot change its verdict).
    """
    scale = full.shape[1] / gray.shape[1]
    keypoints, descriptors = _tiled_orb(gray)
    if descriptors is None or len(keypoints) < 10:
        return None
    points = np.asarray(cv2.KeyPoint.convert(keypoints), dtype=np.float32)
    smooth = np.asarray(cv2.blur(gray, (5, 5)), dtype=np.uint8)
    brightness = smooth[np.rint(points[:, 1]).astype(np.int64), np.rint(points[:, 0]).astype(np.int64)]
    query, train, distance = _neighbours(descriptors, brightness)
    # Not itself, alike enough, and far enough apart.
    keep = (train >= 0) & (train != query) & (distance <= max_descriptor_distance)
    query, train = query[keep], train[keep]
    keep = np.hypot(*(points[train] - points[query]).T) >= min_shift
    query, train = query[keep], train[keep]
    # One direction per pair (downwards, else rightwards), so that all pairs of one copy share a shift whichever
    # of the two keypoints found the other.
    a, b = points[query], points[train]
    downwards = (b[:, 1] > a[:, 1]) | ((b[:, 1] == a[:, 1]) & (b[:, 0] > a[:, 0]))
    ordered = np.stack([np.where(downwards, query, train), np.where(downwards, train, query)], axis=1)
    # Unique pairs, as one integer key each (a 1-D unique is far cheaper than a row-wise one).
    code = np.unique(ordered[:, 0] * len(points) + ordered[:, 1])
    pairs = np.stack([code // len(points), code % len(points)], axis=1)
    if len(pairs) < 3:
        return None
    src = points[pairs[:, 0]]
    dst = points[pairs[:, 1]]
    shifts = np.rint((dst - src) / 4.0).astype(np.int64)  # 4-pixel bins: JPEG and keypoint jitter
    low = shifts.min(axis=0)
    height = int(shifts[:, 1].max() - low[1]) + 1
    codes, counts = np.unique((shifts[:, 0] - low[0]) * height + (shifts[:, 1] - low[1]), return_counts=True)
    keys = np.stack([codes // height, codes % height], axis=1) + low
    # Periodic backgrounds and repeated glyphs also make clusters; the biggest few are checked on pixels, all in
    # one pass.
    top = [idx for idx in np.argsort(-counts)[:CLUSTERS_CHECKED] if counts[idx] >= 3]
    # Pairs within one bin of each biggest bin, all clusters in one comparison.
    # (x and y compared separately: a max over a length-2 last axis is ten times slower in numpy)
    centres = keys[top]
    close = (np.abs(shifts[None, :, 0] - centres[:, None, 0]) <= 1) & (
        np.abs(shifts[None, :, 1] - centres[:, None, 1]) <= 1
    )
    candidates = (np.flatnonzero(row)[:20] for row in close)
    members = [near for near in candidates if len(near) >= max(3, min_pairs)]
    if not members:
        return None
    near = np.concatenate(members)
    cluster = np.repeat(np.arange(len(members)), [len(m) for m in members])
    residuals = _shared_shift_residuals(full, scale, src[near], dst[near], cluster, PATCH_HALF, max_residual)
    best: CloneEvidence | None = None
    for number, pairs_of in enumerate(members):
        mine = cluster == number
        ok = residuals[mine] <= max_residual
        if ok.sum() < 3 or (best is not None and ok.sum() <= best.matches):
            continue
        best = CloneEvidence(
            matches=int(ok.sum()),
            source=_box(src[pairs_of][ok], 8),
            target=_box(dst[pairs_of][ok], 8),
            residual=float(np.median(residuals[mine][ok])),
        )
    return best
