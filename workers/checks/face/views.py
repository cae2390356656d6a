"""Face views computed once per capture and shared by every face check (via `Capture.cached`)."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Capture, Fact
from workers.checks.face.detect import DETECT_SIDE, Face, detect_faces, encode_face, turned_back
from workers.checks.face.docmatch import SELFIE_SIDE
from workers.checks.locate import document_outline

# ID portraits are printed small (a passport photo is 35 x 45 mm on a 125 x 88 mm page, a card's often
# smaller): the ID is looked at with its longer side at 1200 px, enlarged if needed, so that the portrait is
# over the detector's 80 px window on the corpus's 275 px specimens too.
ID_SIDE = 1200
# -0.2, not dlib's default 0: printed portraits are flat, often grey or screened; on the corpus the French
# ID's portrait scores -0.13, while no ID back (MRZ-only side) scores above -0.5 (docs/calibration/face.md).
ID_MIN_SCORE = -0.2
# Turned views (a card photographed sideways or upside down) are looked at when the upright view's best face
# scores under SURE_UPRIGHT_SCORE: upright portraits on the corpus score 0.58-3.1 (the French ID -0.13), while
# the print of a turned card gave upright "faces" up to 0.77. A turned face must score TURNED_MIN_SCORE (card
# backs' best turned hits 0.01-0.07; turned portraits keep their upright score, 0.58-3.1) and beat the upright
# view's best by TURNED_MARGIN. Measured by turning every corpus image and fixture card (docs/calibration/face.md).
SURE_UPRIGHT_SCORE = 1.0
TURNED_MIN_SCORE = 0.3
TURNED_MARGIN = 0.3
# Selfie faces are live photographs: dlib's default operating point (margin > 0).
SELFIE_MIN_SCORE = 0.0


# The faces of a capture: an ID's portraits, the selfie's grey view at a side (at(side)), its faces upright
# and turned, and one face's encoding (at(*box)).
ID_PORTRAITS: Fact[list[Face]] = Fact("face.id_portraits", needs=("capture.gray", "locate.document_outline"))
SELFIE_GRAY: Fact[NDArray[np.uint8]] = Fact("face.selfie_gray", needs=("capture.downscaled",))
SELFIE_FACES: Fact[list[Face]] = Fact("face.selfie_faces", needs=("capture.downscaled", "face.selfie_gray"))
TURNED_SELFIE_FACES: Fact[list[Face]] = Fact(
    "face.turned_selfie_faces", needs=("capture.downscaled", "face.selfie_gray")
)
ENCODING: Fact[NDArray[np.float64]] = Fact("face.encoding")


def _resized_to(image: NDArray[np.uint8], side: int) -> tuple[NDArray[np.uint8], float]:
    scale = side / max(image.shape[:2])
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized = np.ascontiguousarray(cv2.resize(image, size, interpolation=interpolation), dtype=np.uint8)
    return resized, 1 / scale


def id_portraits(capture: Capture) -> list[Face]:
    """Faces printed on an ID document, most face-like first (the main portrait; a ghost image may follow).

    Sorted by detector score, not size: at the lowered threshold a patch of guilloche or text can pass too.
    The whole image is looked at first; when it shows no face and the document was found inside the frame, the
    document's own box is looked at too, enlarged to ID_SIDE like a whole image: a card photographed from afar
    (a tenth of a 600 x 800 photo) or a grey copy on an A4 sheet in a 4K frame carries a portrait too small
    for the detector at the whole image's scale (the real corpus, docs/calibration/face.md).
    """

    def build() -> list[Face]:
        faces = _portraits_in(capture.gray)
        outline = document_outline(capture) if not faces else None
        if outline is None or outline.is_whole_frame:
            return faces
        (left, top), (right, bottom) = outline.corners.min(axis=0), outline.corners.max(axis=0)
        x0, y0 = max(0, int(left)), max(0, int(top))
        x1, y1 = min(capture.width, int(np.ceil(right))), min(capture.height, int(np.ceil(bottom)))
        if x1 - x0 < 2 or y1 - y0 < 2:
            return faces
        return [_moved(face, x0, y0) for face in _portraits_in(capture.gray[y0:y1, x0:x1])]

    return capture.cached(ID_PORTRAITS, build)


def _portraits_in(image: NDArray[np.uint8]) -> list[Face]:
    """Portraits in the grey `image` (a whole capture or the document's box in it) looked at with its longer side
    at ID_SIDE, upright first and turned when no upright face is sure, in `image`'s pixels, best first."""
    gray, scale = _resized_to(image, ID_SIDE)
    # Local contrast equalisation lifts faded and guilloche-covered portraits to the detector's liking.
    equalised = np.asarray(cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray), dtype=np.uint8)
    faces = detect_faces(equalised, scale, min_score=ID_MIN_SCORE)
    upright_best = max((face.score for face in faces), default=None)
    if upright_best is None or upright_best < SURE_UPRIGHT_SCORE:
        # A card photographed sideways or upside down (the phone turned, its orientation tag lost or never
        # written): the detector finds upright faces only, and on a turned card it may find a weak one in
        # the print. The turned views are looked at too, and win only by a clear margin.
        size = (float(image.shape[1]), float(image.shape[0]))
        for turns in (1, 2, 3):
            turned = np.ascontiguousarray(np.rot90(equalised, turns))
            found = detect_faces(turned, scale, min_score=TURNED_MIN_SCORE)
            best = max((face.score for face in found), default=None)
            if best is not None and (upright_best is None or best >= upright_best + TURNED_MARGIN):
                faces = [turned_back(face, turns, size) for face in found]
                upright_best = best - TURNED_MARGIN  # a later turned view replaces it by scoring as high
    return sorted(faces, key=lambda f: f.score, reverse=True)


def _moved(face: Face, dx: int, dy: int) -> Face:
    """`face` found in a part of an image whose top left is at (dx, dy), in the whole image's pixels."""
    x0, y0, x1, y1 = face.box
    box = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
    return replace(face, box=box, landmarks=face.landmarks + np.array([dx, dy], dtype=np.float64))


def selfie_gray(capture: Capture, side: int) -> NDArray[np.uint8]:
    """A grey view of the selfie with longer side `side` (<= 1600), shrunk from the 1600 px grey view that the
    document match uses, so a 12 MP selfie is shrunk from full resolution only once."""
    base = capture.downscaled(SELFIE_SIDE, gray=True)
    if side >= max(base.shape[:2]):
        return base
    return capture.cached(SELFIE_GRAY.at(side), lambda: _resized_to(base, side)[0])


def selfie_faces(capture: Capture) -> list[Face]:
    """Every face in a selfie (the applicant, the ID portrait when it is large enough, anyone else)."""

    def build() -> list[Face]:
        view = selfie_gray(capture, DETECT_SIDE)  # HOG works on grey: dlib would convert RGB itself
        scale = capture.width / view.shape[1]
        faces = detect_faces(view, scale, min_score=SELFIE_MIN_SCORE)
        if not faces:
            # Look again for faces under 80 px: a face too far away is then reported as too small, not absent.
            faces = detect_faces(view, scale, upsample=1, min_score=SELFIE_MIN_SCORE)
        return faces

    return capture.cached(SELFIE_FACES, build)


def turned_selfie_faces(capture: Capture) -> list[Face]:
    """Faces found in the selfie only once it is turned a quarter or a half turn (a photo sent sideways or upside
    down, its orientation tag lost or never written), in the selfie's own coordinates, with the turns that stand
    them upright. Looked for only where no upright face was found: the selfie checks read upright faces."""

    def build() -> list[Face]:
        view = selfie_gray(capture, DETECT_SIDE)
        scale = capture.width / view.shape[1]
        size = (float(capture.width), float(capture.height))
        for turns in (1, 3, 2):  # sideways first, the likelier
            found = detect_faces(np.ascontiguousarray(np.rot90(view, turns)), scale, min_score=SELFIE_MIN_SCORE)
            if found:
                return [turned_back(face, turns, size) for face in found]
        return []

    return capture.cached(TURNED_SELFIE_FACES, build)


def encoding(capture: Capture, face: Face) -> NDArray[np.float64]:
    """The 128-d encoding of one face of this capture, computed once."""
    box = tuple(round(v) for v in face.box)
    return capture.cached(ENCODING.at(*box), lambda: encode_face(capture.rgb, face))
