"""Derived views shared by the authenticity checks, each built once per file through `Capture.cached`."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from workers.checks.authenticity.jpeg import JpegStructure, read_structure
from workers.checks.authenticity.metadata import Metadata, read_metadata
from workers.checks.authenticity.noise import block_means, noise_floor, noise_sigma_map, usable_blocks
from workers.checks.authenticity.resample import area_shrink
from workers.checks.capture import Capture, Fact
from workers.checks.face.views import id_portraits, selfie_faces
from workers.checks.manifest import Role
from workers.checks.model import Region

# Working resolution of the local noise maps: 1024 px keeps ID text strokes several pixels wide (a card photo
# is ~0.25 mm per pixel there) while the maps cost a few milliseconds.
NOISE_VIEW_SIDE = 1024
NOISE_BLOCK = 16
# dlib's face box runs from the eyebrows to the chin. The grain measures look at the head (forehead to below
# the chin): a square HEAD_SCALE times the box's side, centred HEAD_LIFT box widths higher. Values from boxes
# compared with a head-sized detector (OpenCV's frontal Haar cascade, used before) on the sidtd cards and the
# generated photos: printed portraits (detected with CLAHE at 1200 px) 1.26-1.4 and 0.1, selfies 0.97 and 0.17.
HEAD_SCALE = {Role.ID_DOCUMENT: 1.3, Role.SELFIE: 1.0}
HEAD_LIFT = {Role.ID_DOCUMENT: 0.1, Role.SELFIE: 0.17}
# Below 0.3 grey levels of grain floor (at the noise view) an image carries no camera noise at all (a clean
# render, a cleaned-up scan, a heavily compressed copy): a missing grain cannot be seen there, repeated glyphs
# cannot be told from copies, and skin cannot be compared with the rest. Generated camera photos measure
# 1.0-1.3; noise-free corpus renders 0.0-0.16.
MIN_CAMERA_GRAIN = 0.3

Box = tuple[int, int, int, int]


# A file's provenance (one parse of its metadata and of its JPEG structure) and its noise views.
METADATA: Fact[Metadata] = Fact("authenticity.metadata")
JPEG: Fact[JpegStructure | None] = Fact("authenticity.jpeg")
NOISE_VIEW: Fact[NDArray[np.uint8]] = Fact("authenticity.noise_view", needs=("capture.gray",))
NOISE_MAPS: Fact[tuple[NDArray[np.float32], NDArray[np.float32]]] = Fact(
    "authenticity.noise_maps", needs=("authenticity.noise_view",)
)
IMAGE_GRAIN: Fact[float] = Fact("authenticity.image_grain", needs=("authenticity.noise_maps",))


def metadata(capture: Capture) -> Metadata:
    return capture.cached(METADATA, lambda: read_metadata(capture.info, capture.data))


def jpeg_structure(capture: Capture) -> JpegStructure | None:
    return capture.cached(JPEG, lambda: read_structure(capture.data))


def noise_view(capture: Capture) -> NDArray[np.uint8]:
    """The grey image shrunk to NOISE_VIEW_SIDE by area averaging: the pixels of
    `capture.downscaled(NOISE_VIEW_SIDE, gray=True)`, computed as sparse products (`resample.area_shrink`, half
    the time or less). The noise maps, the copy-move keypoints and the ghost comparison all read it."""
    return capture.cached(NOISE_VIEW, lambda: area_shrink(capture.gray, NOISE_VIEW_SIDE))


def noise_maps(capture: Capture) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(noise sigma per block, mean grey per block) of the noise view."""

    def build() -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        view = noise_view(capture)
        return noise_sigma_map(view, NOISE_BLOCK), block_means(view, NOISE_BLOCK)

    return capture.cached(NOISE_MAPS, build)


def image_grain(capture: Capture) -> float:
    """The image's grain floor: the noise of its flattest usable blocks at the noise view, in grey levels
    (noise.noise_floor); 0 when no block is usable. The one answer to "does this image carry camera noise?"."""

    def build() -> float:
        sigma, means = noise_maps(capture)
        return noise_floor(sigma, usable_blocks(means)) or 0.0

    return capture.cached(IMAGE_GRAIN, build)


def has_camera_grain(capture: Capture) -> bool:
    return image_grain(capture) >= MIN_CAMERA_GRAIN


def faces(capture: Capture, role: Role) -> list[Box]:
    """Head boxes (x, y, w, h) in full-resolution pixels, most face-like first (by detector score: a selfie's
    background or a printed portrait can hold a weaker "face" as large as the real one), from the face checks'
    own detection.

    The face checks find the faces of ID documents and selfies anyway (shared through `Capture.cached`), so
    they are not searched for a second time here. Other documents (bills, registrations, letters) carry no
    portrait: no boxes.
    """
    if role is Role.SELFIE:
        found = selfie_faces(capture)
    elif role is Role.ID_DOCUMENT:
        found = id_portraits(capture)
    else:
        return []
    boxes = []
    for face in sorted(found, key=lambda f: -f.score):
        side = HEAD_SCALE[role] * max(face.width, face.height)
        cx, cy = face.center
        up_x, up_y = face.up  # (0, -1) unless the portrait is printed on a card photographed turned
        cx += HEAD_LIFT[role] * face.width * up_x
        cy += HEAD_LIFT[role] * face.width * up_y
        boxes.append((round(cx - side / 2), round(cy - side / 2), round(side), round(side)))
    return boxes


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
