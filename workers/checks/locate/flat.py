"""The document seen flat (its perspective removed): whole at a small size, or as full-detail tiles.

Whole views (256-400 px) serve the light, colour, glare and occlusion measures; they are warped from the
pyramid level just larger than the view, so a 12 MP photo is never read whole for them. Sharpness needs full
detail but not the whole document: it reads tiles of the flat document at its reference size, each warped
straight from the full-resolution image, chosen where the document has the most edges (text, mostly).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Capture, Fact
from workers.checks.locate.geometry import rectified_size
from workers.checks.locate.outline import Outline
from workers.checks.locate.scaled import level_for

RGB = NDArray[np.uint8]


# The document seen flat at a size (at(max_side, outline tag)), with a margin of its surround, and its most
# detailed tiles.
DOCUMENT_CROP: Fact[RGB] = Fact("locate.document_crop", needs=("capture.halved",))
SURROUND_CROP: Fact[Surround] = Fact("locate.surround_crop", needs=("capture.halved",))
DETAIL_TILES: Fact[list[RGB]] = Fact("locate.detail_tiles", needs=("locate.document_crop",))


def _flat_size(outline: Outline, max_side: int) -> tuple[int, int]:
    """(width, height) of the flat document with its longer side at most `max_side` (never enlarged beyond
    the document's own pixel size)."""
    width, height = rectified_size(outline.corners)
    scale = min(1.0, max_side / max(width, height))
    return max(8, round(width * scale)), max(8, round(height * scale))


def _to_flat(outline: Outline, size: tuple[int, int], level: int) -> NDArray[np.float64]:
    """Homography from pyramid `level` pixels to the flat document of `size`."""
    out_w, out_h = size
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    corners = (outline.corners / 2**level).astype(np.float32)
    return np.asarray(cv2.getPerspectiveTransform(corners, target), dtype=np.float64)


def document_crop(capture: Capture, outline: Outline, max_side: int) -> RGB:
    """The flat document, RGB, its longer side at most `max_side`; cached per size."""

    def build() -> RGB:
        size = _flat_size(outline, max_side)
        width, height = rectified_size(outline.corners)
        # The coarsest level where the document is still at least as large as the view: the warp then shrinks
        # by less than 2x, which bilinear sampling does without aliasing the print.
        level = level_for(max(width, height), max(size))
        source = capture.halved(level)
        if outline.is_whole_frame:
            return np.asarray(cv2.resize(source, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
        warped = cv2.warpPerspective(source, _to_flat(outline, size, level), size, flags=cv2.INTER_LINEAR)
        return np.asarray(warped, dtype=np.uint8)

    return capture.cached(DOCUMENT_CROP.at(max_side, outline.tag), build)


@dataclass(frozen=True)
class Surround:
    """The flat document with a band of what lies around it on every side, in the document's own frame."""

    rgb: RGB  # (h + 2 margin, w + 2 margin, 3); the document is rgb[margin:-margin, margin:-margin]
    inside_image: NDArray[np.bool_]  # False where the band runs beyond the photo's edge
    margin: int


def surround_crop(capture: Capture, outline: Outline, max_side: int, margin_share: float) -> Surround | None:
    """The document as `document_crop(capture, outline, max_side)` draws it (the same pixels), with a band of
    `margin_share` of its longer side around it; None for an outline that is the frame itself (nothing
    around it). Cached per size."""
    if outline.fills_frame or outline.is_whole_frame:
        return None

    def build() -> Surround:
        width, height = _flat_size(outline, max_side)
        margin = max(2, round(margin_share * max(width, height)))
        level = level_for(max(rectified_size(outline.corners)), max(width, height))
        source = capture.halved(level)
        shift = np.array([[1, 0, margin], [0, 1, margin], [0, 0, 1]], np.float64)
        warp = shift @ _to_flat(outline, (width, height), level)
        size = (width + 2 * margin, height + 2 * margin)
        rgb = cv2.warpPerspective(source, warp, size, flags=cv2.INTER_LINEAR)
        ones = np.ones(source.shape[:2], np.uint8)
        inside = cv2.warpPerspective(ones, warp, size, flags=cv2.INTER_NEAREST, borderValue=0)
        return Surround(np.asarray(rgb, dtype=np.uint8), np.asarray(inside > 0, dtype=np.bool_), margin)

    return capture.cached(SURROUND_CROP.at(max_side, margin_share, outline.tag), build)


def detail_tiles(capture: Capture, outline: Outline, side: int, tile: int, count: int) -> list[RGB]:
    """Up to `count` square tiles (`tile` px) of the flat document at longer side `side`, warped from the
    full-resolution image, where the document has the most edges; cached.

    The edge density is read on the 256 px flat view, on a grid of cells matching the tiles; the densest cells
    are taken (text, the portrait's outline, the card's patterns).
    """

    def build() -> list[RGB]:
        size = _flat_size(outline, side)
        length = min(tile, *size)
        preview = document_crop(capture, outline, 256)
        edges = cv2.morphologyEx(cv2.cvtColor(preview, cv2.COLOR_RGB2GRAY), cv2.MORPH_GRADIENT, np.ones((3, 3)))
        cols, rows = size[0] // length, size[1] // length
        # Each cell's mean gradient on the preview (the cell grid scaled to the preview's size).
        cell = cv2.resize(edges, (cols, rows), interpolation=cv2.INTER_AREA).astype(np.float32).ravel()
        to_flat = _to_flat(outline, size, 0)
        tiles = []
        for index in np.argsort(-cell, kind="stable")[:count]:
            y, x = divmod(int(index), cols)
            shift = np.array([[1, 0, -x * length], [0, 1, -y * length], [0, 0, 1]], np.float64)
            warped = cv2.warpPerspective(capture.rgb, shift @ to_flat, (length, length), flags=cv2.INTER_LINEAR)
            tiles.append(np.asarray(warped, dtype=np.uint8))
        return tiles

    return capture.cached(DETAIL_TILES.at(side, tile, count, outline.tag), build)
