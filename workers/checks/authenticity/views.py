"""Derived views shared by the authenticity checks, each built once per file through `Capture.cached`."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from workers.checks.authenticity.faces import find_faces
from workers.checks.authenticity.jpeg import JpegStructure, read_structure
from workers.checks.authenticity.metadata import Metadata, read_metadata
from workers.checks.authenticity.noise import block_means, noise_sigma_map
from workers.checks.capture import Capture
from workers.checks.model import Region

# Working resolution of the local noise maps: 1024 px keeps ID text strokes several pixels wide (a card photo
# is ~0.25 mm per pixel there) while the maps cost a few milliseconds.
NOISE_VIEW_SIDE = 1024
NOISE_BLOCK = 16
# Faces are searched on a 320 px view: a document portrait is still ~35 px wide there, above the cascade's
# comfortable minimum, and the search costs ~10-20 ms.
FACE_VIEW_SIDE = 320

Box = tuple[int, int, int, int]


def metadata(capture: Capture) -> Metadata:
    return capture.cached("authenticity:metadata", lambda: read_metadata(capture.info, capture.data))


def jpeg_structure(capture: Capture) -> JpegStructure | None:
    return capture.cached("authenticity:jpeg", lambda: read_structure(capture.data))


def noise_view(capture: Capture) -> NDArray[np.uint8]:
    return capture.downscaled(NOISE_VIEW_SIDE, gray=True)


def noise_maps(capture: Capture) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(noise sigma per block, mean grey per block) of the noise view."""

    def build() -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        view = noise_view(capture)
        return noise_sigma_map(view, NOISE_BLOCK), block_means(view, NOISE_BLOCK)

    return capture.cached("authenticity:noise_maps", build)


def faces(capture: Capture) -> list[Box]:
    """Face boxes (x, y, w, h) in full-resolution pixels, largest first."""

    def build() -> list[Box]:
        view = capture.downscaled(FACE_VIEW_SIDE, gray=True)
        scale = capture.width / view.shape[1]
        return [
            (round(x * scale), round(y * scale), round(w * scale), round(h * scale))
            for x, y, w, h in find_faces(view, min_fraction=0.1)
        ]

    return capture.cached("authenticity:faces", build)


def polygon(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def box_region(capture: Capture, x0: float, y0: float, x1: float, y1: float) -> Region:
    """A rectangle in full-resolution pixels, clipped to the image, as a verdict region."""
    w, h = capture.width, capture.height
    return Region(
        polygon=polygon(
            round(min(max(x0, 0), w)),
            round(min(max(y0, 0), h)),
            round(min(max(x1, 0), w)),
            round(min(max(y1, 0), h)),
        )
    )
