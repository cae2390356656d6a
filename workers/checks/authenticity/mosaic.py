"""Pixelation: a picture made of square blocks of one grey each (the anonymising "pixelate" or mosaic filter).

A mosaic replaces each N x N square of pixels with its mean. Such a picture is explained far better by constant
blocks laid on its own grid than by the same blocks shifted half a block; a photo, whose detail follows no grid,
is explained about as well by either. Pure numpy/OpenCV; the check that judges it is check_face.EDIT_PORTRAIT_PIXELATED.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray

# The picture is measured at this size (a portrait box is square): block sizes below are in its pixels.
VIEW_SIDE = 256
# Block sizes searched: 10-44 px of the view, a portrait box 6 to 26 blocks across (an anonymising mosaic leaves
# the head a few blocks to a couple of dozen across; finer blocks than 10 px of the view are a photo's own detail
# at this size), in steps of half a pixel.
MIN_BLOCK, MAX_BLOCK, BLOCK_STEP = 10.0, 44.0, 0.5
# The block sizes with the highest contrast tried again half a step either side.
REFINED = 3
# Grid positions tried per block size (the best is compared with the one half a block away).
PHASES = 8
# JPEG codes the grey level in 8 x 8 blocks, and a heavily compressed portrait shows that grid too: block sizes
# within this many px of it, in the original's pixels, are not searched. (Colour is coded in 16 x 16 blocks, but
# the measure reads grey.)
JPEG_GRIDS = (8.0,)
JPEG_GRID_MARGIN = 1.5


@cache
def _blocks(width: int, block: float) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """(first, end) columns of the blocks `block` px long laid over `width` columns from each of the PHASES grid
    positions (the k-th starting at k / PHASES of a block), and the position each block belongs to. The same few
    hundred block sizes serve every picture (its view is VIEW_SIDE square), so each is laid out once."""
    starts, ends, owner = [], [], []
    for k in range(PHASES):
        cuts = np.floor(np.arange(k * block / PHASES, width, block)).astype(np.intp)
        edges = np.unique(np.concatenate([[0], cuts, [width]]))
        starts.append(edges[:-1])
        ends.append(edges[1:])
        owner.append(np.full(len(edges) - 1, k, dtype=np.intp))
    return np.concatenate(starts), np.concatenate(ends), np.concatenate(owner)


def _unexplained(sums: tuple[NDArray[np.float64], NDArray[np.float64]], block: float) -> NDArray[np.float64]:
    """Per grid position (PHASES of them): the sum of squared differences between each row of the picture and
    its means over the blocks `block` px long laid from there. `sums` are the rows' cumulative sums of the values
    and of their squares, each with a leading 0 column."""
    rows, squares = sums
    first, last, phase = _blocks(rows.shape[1] - 1, block)
    block_sums = rows[:, last] - rows[:, first]
    explained = (block_sums**2).sum(axis=0) / (last - first)
    per_phase = np.bincount(phase, weights=explained, minlength=PHASES)
    return np.asarray(float(squares[:, -1].sum()) - per_phase, dtype=np.float64)


def _cumulative(picture: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    pad = np.zeros((picture.shape[0], 1))
    return (
        np.concatenate([pad, np.cumsum(picture, axis=1)], axis=1),
        np.concatenate([pad, np.cumsum(picture**2, axis=1)], axis=1),
    )


def _grid_contrast(sums: tuple[NDArray[np.float64], NDArray[np.float64]], block: float) -> float:
    """Unexplained variance with the blocks half a block off the best-fitting grid, over that of the best grid."""
    residuals = _unexplained(sums, block)
    best = int(np.argmin(residuals))
    return float(residuals[(best + PHASES // 2) % PHASES]) / max(float(residuals[best]), 1e-6)


def pixelation(gray: NDArray[np.uint8]) -> float:
    """How much better square blocks of one grey each explain `gray` on their own grid than half a block off it:
    the ratio of the unexplained variances (half a block off over on the grid), taken on the rows and on the
    columns at the same block size (a mosaic's blocks are square), the smaller of the two, at the block size
    where it is largest. About 1-1.7 for photographed portraits; a pixelated portrait reads 2 and more (4 with
    crisp blocks). 1.0 for a picture too small to hold blocks."""
    if min(gray.shape[:2]) < 2 * MIN_BLOCK:
        return 1.0
    scale = VIEW_SIDE / gray.shape[1]
    view = np.asarray(cv2.resize(gray, (VIEW_SIDE, VIEW_SIDE), interpolation=cv2.INTER_AREA), dtype=np.float64)
    across, down = _cumulative(view), _cumulative(np.ascontiguousarray(view.T))

    def contrast(block: float) -> float:
        return min(_grid_contrast(across, block), _grid_contrast(down, block))

    blocks = np.arange(MIN_BLOCK, MAX_BLOCK, BLOCK_STEP)
    found = {
        float(block): contrast(block)
        for block in blocks
        if not any(abs(block / scale - grid) <= JPEG_GRID_MARGIN for grid in JPEG_GRIDS)
    }
    # A grid off by a quarter pixel drifts by a few pixels over a dozen blocks: the best sizes are tried again
    # between their neighbours.
    for block in sorted(found, key=found.__getitem__)[-REFINED:]:
        for finer in (block - BLOCK_STEP / 2, block + BLOCK_STEP / 2):
            found[finer] = contrast(finer)
    return max([1.0, *found.values()])
