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


def _patch_residual(
    full: NDArray[np.uint8], scale: float, a: NDArray[np.float32], b: NDArray[np.float32], half: int, search: int
) -> float:
    """Smallest mean absolute grey difference between full-resolution patches around a and b (view points
    times `scale`), over shifts of b within +-`search` pixels; inf if a patch leaves the image.

    At full resolution a copy repeats its sensor grain exactly (difference ~1-2 after JPEG), while a second
    printed glyph carries its own grain (difference of the order of the noise level or more).
    """
    h, w = full.shape
    ax, ay = round(float(a[0]) * scale), round(float(a[1]) * scale)
    bx, by = round(float(b[0]) * scale), round(float(b[1]) * scale)
    reach = half + search
    if min(ax - half, ay - half, bx - reach, by - reach) < 0 or max(ax + half, bx + reach) > w:
        return float("inf")
    if max(ay + half, by + reach) > h:
        return float("inf")
    pa = full[ay - half : ay + half, ax - half : ax + half].astype(np.int16)
    best = float("inf")
    for dy in range(-search, search + 1):
        for dx in range(-search, search + 1):
            pb = full[by + dy - half : by + dy + half, bx + dx - half : bx + dx + half].astype(np.int16)
            best = min(best, float(np.abs(pa - pb).mean()))
    return best


def find_clone(
    gray: NDArray[np.uint8],
    full: NDArray[np.uint8],
    *,
    min_shift: float,
    max_descriptor_distance: int,
    max_residual: float,
    features: int = 1500,
) -> CloneEvidence | None:
    """The displacement supported by most verified keypoint self-matches, or None if nothing repeats.

    Keypoints are found on `gray` (a downscaled view); the pixel check runs on `full` (the same image at full
    resolution). Boxes are returned in `gray` pixels.
    """
    scale = full.shape[1] / gray.shape[1]
    search = min(2, int(np.ceil(scale)))
    orb = cv2.ORB_create(nfeatures=features, fastThreshold=10)
    keypoints, descriptors = orb.detectAndCompute(gray, None)
    if descriptors is None or len(keypoints) < 10:
        return None
    points = np.array([k.pt for k in keypoints], dtype=np.float32)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs: list[tuple[int, int]] = []
    for candidates in matcher.knnMatch(descriptors, descriptors, k=3):
        for m in candidates:
            if m.queryIdx >= m.trainIdx or m.distance > max_descriptor_distance:
                continue  # itself, the mirror pair, or not alike enough
            if float(np.hypot(*(points[m.queryIdx] - points[m.trainIdx]))) >= min_shift:
                pairs.append((m.queryIdx, m.trainIdx))
    if len(pairs) < 3:
        return None
    src = points[[p[0] for p in pairs]]
    dst = points[[p[1] for p in pairs]]
    shifts = np.rint((dst - src) / 4.0).astype(np.int64)  # 4-pixel bins: JPEG and keypoint jitter
    keys, inverse, counts = np.unique(shifts, axis=0, return_inverse=True, return_counts=True)
    best: CloneEvidence | None = None
    for idx in np.argsort(-counts)[:3]:
        if counts[idx] < 3:
            break
        near = np.abs(shifts - keys[idx]).max(axis=1) <= 1
        residuals = np.array(
            [_patch_residual(full, scale, s, d, 6, search) for s, d in zip(src[near][:20], dst[near][:20], strict=True)]
        )
        ok = residuals <= max_residual
        if ok.sum() < 3:
            continue
        evidence = CloneEvidence(
            matches=int(ok.sum()),
            source=_box(src[near][:20][ok], 8),
            target=_box(dst[near][:20][ok], 8),
            residual=float(np.median(residuals[ok])),
        )
        if best is None or evidence.matches > best.matches:
            best = evidence
    return best
