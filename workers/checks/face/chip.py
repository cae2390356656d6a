"""An aligned face chip: the face rotated upright and scaled to a fixed eye distance, with named regions.

Every face measure looks at the same canonical geometry, so one threshold holds for a face of any size.
Regions are given in units of the eye distance D from the eyes' midpoint (x right, y down).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.face.detect import Face

# 64 px between the eyes: about the detail a 150 px ResNet chip keeps, enough to see an iris and an eyelid.
EYE_DISTANCE = 64
CHIP_SIZE = 256
_EYES_MID = np.array([CHIP_SIZE / 2, 0.42 * CHIP_SIZE])


@dataclass(frozen=True)
class FaceChip:
    rgb: NDArray[np.uint8]
    eyes: NDArray[np.float64]  # (2, 2) eye centres in chip pixels, left of the image first
    nose: NDArray[np.float64]  # (2,) nose base in chip pixels
    # Chip pixels per pixel of the photo: over 1 when a small face (an eye distance under 64 px) was enlarged,
    # which smooths it; the sharpness measure undoes that (measures.face_sharpness).
    scale: float = 1.0

    @property
    def gray(self) -> NDArray[np.uint8]:
        return np.asarray(cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)

    def patch(
        self, center: NDArray[np.float64], half_w: float, half_h: float, *, gray: bool = True
    ) -> NDArray[np.uint8]:
        """The rectangle of half-size (half_w, half_h) eye distances around `center` (chip pixels)."""
        image = self.gray if gray else self.rgb
        x0, x1 = (round(center[0] + s * half_w * EYE_DISTANCE) for s in (-1, 1))
        y0, y1 = (round(center[1] + s * half_h * EYE_DISTANCE) for s in (-1, 1))
        return image[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]

    def offset(self, dx: float, dy: float) -> NDArray[np.float64]:
        """The chip point dx, dy eye distances from the eyes' midpoint."""
        return np.asarray(_EYES_MID + np.array([dx, dy]) * EYE_DISTANCE, dtype=np.float64)


def eye_centres(face: Face) -> NDArray[np.float64]:
    """The two eye centres (mean of each eye's two corners), left of the image first."""
    centres = np.array([face.landmarks[0:2].mean(axis=0), face.landmarks[2:4].mean(axis=0)])
    return centres[np.argsort(centres[:, 0])]


def align(rgb: NDArray[np.uint8], face: Face) -> FaceChip:
    """Rotate and scale the face so the eyes are level, EYE_DISTANCE apart, at a fixed place in the chip."""
    eyes = eye_centres(face)
    delta = eyes[1] - eyes[0]
    distance = max(float(np.hypot(*delta)), 1.0)
    angle = float(np.degrees(np.arctan2(delta[1], delta[0])))
    mid = eyes.mean(axis=0)
    matrix = cv2.getRotationMatrix2D((float(mid[0]), float(mid[1])), angle, EYE_DISTANCE / distance)
    matrix[:, 2] += _EYES_MID - mid
    shrinking = distance > EYE_DISTANCE
    chip = cv2.warpAffine(
        rgb,
        matrix,
        (CHIP_SIZE, CHIP_SIZE),
        flags=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )

    def moved(points: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(points @ matrix[:, :2].T + matrix[:, 2], dtype=np.float64)

    return FaceChip(
        rgb=np.asarray(chip, dtype=np.uint8),
        eyes=moved(eyes),
        nose=moved(face.landmarks[4]),
        scale=EYE_DISTANCE / distance,
    )
