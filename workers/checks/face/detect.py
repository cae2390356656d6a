"""Finding faces: dlib's HOG detector on a downscaled view, boxes and landmarks mapped to full resolution.

Detection runs on a view whose longer side is DETECT_SIDE pixels; every box, landmark and region reported is
in the coordinates of the full-resolution upright image, so that findings point at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import cv2
import dlib
import numpy as np
from numpy.typing import NDArray

from workers.checks.face import models
from workers.checks.model import Polygon

# 1000 px: ARCHITECTURE section 5 measured dlib detection at ~80 ms at this size; a selfie face that passes
# the size check (FACE_MIN_WIDTH_RATIO, 12 % of the width) is then >= 120 px, above the HOG detector's
# 80 px window, so nothing is lost by not looking at more pixels.
DETECT_SIDE = 1000


@dataclass(frozen=True)
class Face:
    """One detected face in full-resolution pixel coordinates."""

    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    score: float  # the detector's SVM margin; > 0 means "a face" at dlib's default operating point
    landmarks: NDArray[np.float64]  # (5, 2): corners of one eye (0, 1), of the other (2, 3), nose base (4)
    # Quarter turns (counter-clockwise, as np.rot90) that stand the face upright: non-zero for the portrait of
    # a card photographed sideways or upside down.
    turns: int = 0

    @property
    def up(self) -> tuple[float, float]:
        """Unit vector from the chin towards the forehead, in image coordinates ((0, -1) for an upright face)."""
        dx, dy = 0.0, -1.0
        for _ in range(self.turns % 4):
            dx, dy = -dy, dx  # one quarter turn back towards the image as stored
        return dx, dy

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def center(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)

    @property
    def polygon(self) -> Polygon:
        x0, y0, x1, y1 = (round(v, 1) for v in self.box)
        return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def frame_polygon(width: int, height: int) -> Polygon:
    """The whole image as a polygon: the region of findings about something missing from the picture."""
    return [[0.0, 0.0], [float(width), 0.0], [float(width), float(height)], [0.0, float(height)]]


def _rect(box: tuple[float, float, float, float]) -> Any:
    return dlib.rectangle(round(box[0]), round(box[1]), round(box[2]), round(box[3]))


def detect_faces(view: NDArray[np.uint8], scale: float, *, upsample: int = 0, min_score: float = 0.0) -> list[Face]:
    """Faces in `view` (RGB or gray) scored above `min_score`, largest first, with coordinates times `scale`.

    `scale` is full-resolution size / view size. `upsample` doubles the view that many times inside dlib to
    find faces under 80 px (four times slower per step).
    """
    rects, scores, _ = models.detector().run(view, upsample, min_score)
    predictor = models.landmarks()
    faces = []
    for rect, score in zip(rects, scores, strict=True):
        shape = predictor(view, rect)
        points = np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float64) * scale
        box = (rect.left() * scale, rect.top() * scale, rect.right() * scale, rect.bottom() * scale)
        faces.append(Face(box=box, score=float(score), landmarks=points))
    return _without_duplicates(sorted(faces, key=lambda f: f.width * f.height, reverse=True))


def _unturn(points: NDArray[np.float64], turns: int, size: tuple[float, float]) -> NDArray[np.float64]:
    """`points` (x, y) of an image turned `turns` quarter turns by np.rot90, carried back to the image as it was,
    whose (width, height) is `size`."""
    width, height = size
    for step in range(turns % 4, 0, -1):
        before = width if (step - 1) % 2 == 0 else height  # width of the image this step turned
        points = np.stack([before - points[:, 1], points[:, 0]], axis=1)
    return points


def _turn(points: NDArray[np.float64], turns: int, size: tuple[float, float]) -> NDArray[np.float64]:
    """`points` (x, y) of an image of (width, height) `size`, carried into it turned `turns` times by np.rot90."""
    width, height = size
    for step in range(turns % 4):
        before = width if step % 2 == 0 else height
        points = np.stack([points[:, 1], before - points[:, 0]], axis=1)
    return points


def turned_back(face: Face, turns: int, size: tuple[float, float]) -> Face:
    """`face`, found in an image turned `turns` times by np.rot90, in the coordinates of the image as it was
    (`size` = its full-resolution (width, height)), with `turns` recorded to stand it upright again."""
    corners = np.array([face.box[:2], face.box[2:]], dtype=np.float64)
    points = _unturn(np.vstack([face.landmarks, corners]), turns, size)
    (x0, y0), (x1, y1) = points[5:].min(axis=0), points[5:].max(axis=0)
    return Face(box=(x0, y0, x1, y1), score=face.score, landmarks=points[:5], turns=turns % 4)


def _overlap(a: Face, b: Face) -> float:
    """Intersection area / the smaller box's area."""
    w = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
    h = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min(a.width * a.height, b.width * b.height)


def _without_duplicates(faces: list[Face]) -> list[Face]:
    """Drop weaker boxes mostly covering a kept one: dlib can return one face twice at a low threshold."""
    kept: list[Face] = []
    for face in sorted(faces, key=lambda f: f.score, reverse=True):
        # 0.5: two real faces side by side overlap far less; two boxes on one face overlap far more.
        if all(_overlap(face, other) < 0.5 for other in kept):
            kept.append(face)
    return sorted(kept, key=lambda f: f.width * f.height, reverse=True)


# The ResNet encoder looks at a 150 px aligned chip; a face crop around 200 px wide gives the landmark model
# enough detail without making the crop expensive (dlib's own examples use faces of 150-250 px).
_ENCODE_FACE_WIDTH = 200


def encode_face(rgb: NDArray[np.uint8], face: Face) -> NDArray[np.float64]:
    """The 128-d ResNet encoding of `face`, computed on a full-resolution crop resized to ~200 px face width.

    Two encodings of the same person are typically under 0.6 apart (Euclidean); see docs/calibration/face.md.
    """
    h, w = rgb.shape[:2]
    margin = 0.6 * max(face.width, face.height)
    x0, y0 = max(0, int(face.box[0] - margin)), max(0, int(face.box[1] - margin))
    x1, y1 = min(w, int(face.box[2] + margin)), min(h, int(face.box[3] + margin))
    zoom = _ENCODE_FACE_WIDTH / max(face.width, 1.0)
    crop = rgb[y0:y1, x0:x1]
    size = (max(1, round(crop.shape[1] * zoom)), max(1, round(crop.shape[0] * zoom)))
    interpolation = cv2.INTER_AREA if zoom < 1 else cv2.INTER_CUBIC
    crop = np.ascontiguousarray(cv2.resize(crop, size, interpolation=interpolation))
    local = tuple((v - o) * zoom for v, o in zip(face.box, (x0, y0, x0, y0), strict=True))
    if face.turns:
        # The landmark model and the encoder expect an upright face: stand the crop (and its box) up first.
        corners = _turn(np.array([local[:2], local[2:]]), face.turns, (crop.shape[1], crop.shape[0]))
        local = (*corners.min(axis=0), *corners.max(axis=0))
        crop = np.ascontiguousarray(np.rot90(crop, face.turns))
    shape = models.landmarks()(crop, _rect(cast(tuple[float, float, float, float], local)))
    return np.asarray(models.encoder().compute_face_descriptor(crop, shape), dtype=np.float64)


def encoding_distance(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Euclidean distance between two face encodings: 0 for the same photo, > 0.6 for different people."""
    return float(np.linalg.norm(a - b))
