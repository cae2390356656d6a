"""Local noise measures: how much fine-grain noise each block of an image carries, and where that differs.

A camera lays the same sensor noise over the whole frame; a pasted portrait, an inpainted field or a
beauty-filtered face carries less (or other) noise than what surrounds it. All functions take a grayscale
uint8 view (usually a downscaled one) and return plain numbers or block maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

# Median absolute deviation of Gaussian noise is 0.6745 sigma (Donoho and Johnstone's wavelet estimator).
MAD_TO_SIGMA = 1 / 0.6745
# For Gaussian noise, the mean of the smallest 75 % of |x| is 0.53 sigma; the trimmed mean is used per block
# because a median of 64 half-integer values moves in coarse steps.
TRIMMED_TO_SIGMA = 1 / 0.53


def diagonal_detail(gray: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Finest-scale Haar diagonal (HH) coefficients: mostly noise, little image content; half the input
    size."""
    g = gray[: gray.shape[0] // 2 * 2, : gray.shape[1] // 2 * 2]
    # Summed as 16-bit integers (exact: -510..510), converted once: a quarter of the float work.
    twice = g[0::2, 0::2].astype(np.int16) - g[0::2, 1::2] - g[1::2, 0::2] + g[1::2, 1::2]
    return twice.astype(np.float32) / 2.0


def noise_sigma_map(gray: NDArray[np.uint8], block: int = 16) -> NDArray[np.float32]:
    """Per-block noise level in grey levels (trimmed mean of |HH|), one value per `block` x `block` pixels.

    Trimming ignores the few strong coefficients of edges and text strokes, so the value follows the noise
    rather than the content; it is ~0 where an area was painted flat or smoothed.
    """
    hh = np.abs(diagonal_detail(gray))
    cell = block // 2
    rows, cols = hh.shape[0] // cell, hh.shape[1] // cell
    if rows == 0 or cols == 0:  # smaller than one block: nothing to measure
        return np.zeros((rows, cols), np.float32)
    cells = hh[: rows * cell, : cols * cell].reshape(rows, cell, cols, cell).transpose(0, 2, 1, 3)
    ordered = np.sort(cells.reshape(rows, cols, -1), axis=2)
    keep = ordered.shape[2] * 3 // 4  # drop the largest quarter: edges and text strokes
    return np.asarray(ordered[:, :, :keep].mean(axis=2) * TRIMMED_TO_SIGMA, dtype=np.float32)


def block_means(gray: NDArray[np.uint8], block: int = 16) -> NDArray[np.float32]:
    """Mean grey level per block, on the same grid as `noise_sigma_map`."""
    rows, cols = gray.shape[0] // block, gray.shape[1] // block
    if rows == 0 or cols == 0:
        return np.zeros((rows, cols), np.float32)
    cells = gray[: rows * block, : cols * block].astype(np.float32)
    # Area resampling by a whole factor is the exact block mean, at a third of the cost of a numpy reduction.
    return np.asarray(cv2.resize(cells, (cols, rows), interpolation=cv2.INTER_AREA), dtype=np.float32)


# Patches within 2 blocks of the frame's edge are not judged (document margins, background beyond the edge).
EDGE_BLOCKS = 2


@dataclass(frozen=True)
class SmoothPatch:
    """A compact group of blocks with far less noise than the blocks around it (block-grid coordinates)."""

    x0: int
    y0: int
    x1: int
    y1: int
    contrast: float  # noise around the patch / noise inside it
    inside: float  # median noise inside the patch (grey levels)
    grey: float = 0.0  # median block mean inside the patch (grey level)


def smooth_patches(
    sigma: NDArray[np.float32],
    means: NDArray[np.float32],
    *,
    ratio: float,
    max_fraction: float,
    min_blocks: int,
    within: NDArray[np.bool_] | None = None,
) -> list[SmoothPatch]:
    """Groups of blocks whose noise is below 1/`ratio` of the image's median, surrounded by normal noise.

    Blocks clipped to black or white carry no noise by nature and are ignored. Groups larger than
    `max_fraction` of the image are not "local": such an image simply has little noise everywhere.
    `within` (same grid, optional) limits everything (the median, the groups and the ring around them) to
    those blocks, e.g. the document's own area (`blocks_inside`): a desk or a wall behind the document has its
    own grain, and nothing printed on it to edit.
    """
    usable = usable_blocks(means) if within is None else usable_blocks(means) & within
    if usable.sum() < 20:
        return []
    level = float(np.median(sigma[usable]))
    if level < 0.5:  # no measurable sensor noise at all (a clean render or a heavily compressed file)
        return []
    candidate = (usable & (sigma < level / ratio)).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(candidate, connectivity=8)
    patches: list[SmoothPatch] = []
    kernel = np.ones((5, 5), np.uint8)
    rows, cols = sigma.shape
    # The size and edge rules are applied to all groups at once (a scanned page has hundreds of one-block groups).
    x, y, w, h, area = stats[:, :5].T
    judged = (
        (area >= min_blocks) & (area <= max_fraction * sigma.size)
        # not at the frame's edge: margin or background, and its surroundings are cut off
        & (x >= EDGE_BLOCKS) & (y >= EDGE_BLOCKS) & (x + w <= cols - EDGE_BLOCKS) & (y + h <= rows - EDGE_BLOCKS)
    )  # fmt: skip
    judged[0] = False  # label 0 is the background
    for label in np.flatnonzero(judged):
        x0, y0, x1, y1 = int(x[label]), int(y[label]), int(x[label] + w[label]), int(y[label] + h[label])
        # The 5 x 5 dilation reaches 2 blocks beyond the group's box: work on that window, not the whole map.
        window = (slice(y0 - 2, y1 + 2), slice(x0 - 2, x1 + 2))
        mask = (labels[window] == label).astype(np.uint8)
        ring = (cv2.dilate(mask, kernel) > 0) & (mask == 0) & usable[window]
        if ring.sum() < area[label]:
            continue
        local = sigma[window]
        inside, around = _median(local[mask > 0]), _median(local[ring])
        grey = _median(means[window][mask > 0])
        patches.append(SmoothPatch(x0, y0, x1, y1, around / max(inside, 0.05), inside, grey))
    return sorted(patches, key=lambda p: -p.contrast)


def _median(values: NDArray[np.float32]) -> float:
    """np.median of a small non-empty array (the mean of the two middle values when their number is even),
    without np.median's call overhead (~40 us a call)."""
    ordered = np.sort(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return float((ordered[middle - 1] + ordered[middle]) / 2)


# The noise floor is the 20th percentile of block noise: the flattest fifth of an area, where the camera's
# grain
# is all there is (content texture lifts the other blocks).
FLOOR_PERCENTILE = 20


def noise_floor(sigma: NDArray[np.float32], mask: NDArray[np.bool_]) -> float | None:
    """Grain of the flattest blocks under `mask` (grey levels); None when fewer than 4 blocks are usable."""
    values = sigma[mask]
    return float(np.percentile(values, FLOOR_PERCENTILE)) if values.size >= 4 else None


def matched_floor(
    sigma: NDArray[np.float32],
    means: NDArray[np.float32],
    mask: NDArray[np.bool_],
    grey: float,
    tolerance: float,
    min_blocks: int,
) -> float | None:
    """Grain floor (grey levels, as `noise_floor`) of the blocks under `mask` whose mean grey level lies within
    `tolerance` of `grey`; None when fewer than `min_blocks` such blocks exist.

    Grain depends on brightness: shot noise grows with the light, and a JPEG encoder rounds away grain smaller
    than its quantisation step, which happens first in dark and near-white flat areas (a black keyboard, white
    paper in a video frame). A flat patch is only unexplained when areas of its own brightness keep their grain.
    """
    near = mask & (np.abs(means - grey) <= tolerance)
    return noise_floor(sigma, near) if int(near.sum()) >= min_blocks else None


def usable_blocks(means: NDArray[np.float32]) -> NDArray[np.bool_]:
    """Blocks not clipped to black or white (clipping removes the grain whatever happened to the image)."""
    return np.asarray((means > 12) & (means < 243))


def region_noise_ratio(
    sigma: NDArray[np.float32],
    means: NDArray[np.float32],
    box: tuple[int, int, int, int],
    within: NDArray[np.bool_] | None = None,
) -> float:
    """Noise floor inside `box` (block-grid x0, y0, x1, y1) over the noise floor of the rest (1 = same grain).

    Below 1: the region's flattest parts carry less grain than the rest's (pasted from a cleaner source, or
    smoothed); content texture does not raise a floor, so a detailed portrait does not mask a clean paste.
    `within` (optional, same grid) limits both sides to those blocks (the document's own area: a head box
    widened around a card's portrait reaches past the card's edge onto the desk).
    """
    usable = usable_blocks(means)
    inside = np.zeros_like(usable)
    x0, y0, x1, y1 = box
    inside[max(0, y0) : y1, max(0, x0) : x1] = True
    if within is not None:
        usable = usable & within
    here, rest = noise_floor(sigma, inside & usable), noise_floor(sigma, ~inside & usable)
    if here is None or rest is None:
        return 1.0  # too little of the image on one side to compare
    return here / max(rest, 0.05)


def blocks_inside(polygon: NDArray[np.float64], shape: tuple[int, int], block: int) -> NDArray[np.bool_]:
    """Blocks of a `shape` (rows, cols) grid of `block`-pixel blocks lying wholly inside `polygon` ((N, 2)
    x, y in the pixels of the gridded view): True where every pixel of the block is inside."""
    rows, cols = shape
    mask = np.zeros((rows * block, cols * block), np.uint8)
    cv2.fillPoly(mask, [np.round(np.asarray(polygon, np.float64)).astype(np.int32)], 1)
    if rows == 0 or cols == 0:
        return np.zeros(shape, bool)
    inside = mask.reshape(rows, block, cols, block).min(axis=(1, 3))
    return np.asarray(inside > 0)


def box_noise(gray: NDArray[np.uint8], box: tuple[int, int, int, int]) -> float:
    """Noise level (grey levels, MAD of HH) inside `box` = (x0, y0, x1, y1) of `gray`; 0 if the box is
    empty."""
    x0, y0, x1, y1 = (max(0, v) for v in box)
    crop = gray[y0:y1, x0:x1]
    if crop.shape[0] < 4 or crop.shape[1] < 4:
        return 0.0
    values = np.sort(np.abs(diagonal_detail(crop)).ravel())
    return float(values[: max(1, values.size * 3 // 4)].mean() * TRIMMED_TO_SIGMA)
