"""Document-shaped quadrilaterals built from long straight edges, scored by the edges along their four sides.

A document's border is four straight edges that meet at four clean corners. Line segments (OpenCV's LSD) are
joined into lines; every two roughly parallel lines are a pair of opposite sides, every two pairs a
quadrilateral. Each side is scored by how much of it carries an image gradient across it with one polarity
(the document darker or lighter than what lies beyond, all along); a side whose line runs on, edged, past its
corner is a line crossing the document (a shadow, a fold of the sheet under it), not its border.

Where `find_outline` (outline.py) looks for closed contours, this search survives a finger over a side, a
document on a busy newspaper and a card lying on a larger sheet whose own edges are the stronger contour.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.geometry import Quad, order_corners

# Shortest segment kept, as a share of the view's longer side: 17 px at 560 px, a fifth of the short side of
# the smallest card the search looks for (3 % of the frame); text strokes are shorter.
MIN_SEGMENT = 0.03
# Lines kept, longest first: on the calibration frames 132 of the 160 document sides are among the 40 longest
# lines (143 found by LSD at all); 40 lines make < 20 k quadrilaterals to score.
MAX_LINES = 40
# ... and, whatever their rank, the longest PER_DIRECTION lines of each of DIRECTIONS equal sectors of
# direction: on a DLC-2021 frame of a card on wood grain (svk_id 06) the 40 longest lines were all grain but
# one, so the card's two short sides were never paired.
DIRECTIONS = 4
PER_DIRECTION = 8
# Segments within 3 degrees and 2 px of a line are part of it (LSD splits an edge at a finger or a glare spot
# into collinear pieces; a phone lens bends a long edge by about a pixel at this size).
MERGE_ANGLE = np.radians(3.0)
MERGE_DISTANCE = 2.0
# Gradient (grey levels per pixel, after a 5x5 Gaussian) that counts as an edge sample: the faintest card
# borders of the calibration half measure 4-5 (a grey copy on a magenta-lit sheet), JPEG and sensor noise
# under 2. Noise that exceeds it has no consistent direction and polarity, which the score requires.
GRADIENT_MIN = 3.0
# Samples are taken up to 2 px either side of the line: the line fit's error on a bent or blurred edge.
SEARCH_OFFSETS = (-2.0, -1.0, 0.0, 1.0, 2.0)
# A gradient counts for a side when it points within 25 degrees of the side's normal.
ALIGN_COS = float(np.cos(np.radians(25.0)))
# Opposite sides of a document seen at up to ~45 degrees of tilt differ in direction by up to ~35 degrees.
OPPOSITE_ANGLE = np.radians(35.0)
# Adjacent sides meet at 90 degrees seen flat; perspective and rotation keep them > 40 degrees apart.
ADJACENT_ANGLE = np.radians(40.0)
# Corners may lie this far (px) outside the view (the line fit's error at a document touching the border).
CORNER_SLACK = 2.0
# Pre-filter before the finer scoring: the calibration documents' sides score 0.6-1.0 (a finger or a hand
# over one side down to 0.33); quadrilaterals of unrelated lines mostly below 0.6 on average.
MIN_SIDE_SUPPORT = 0.3
MIN_MEAN_SUPPORT = 0.7
# Candidates scored finely: the best by mean support, after merging near-duplicates (on the calibration frames
# the document ranks up to ~30th before the run-on past its corners is weighed; 24 lost two of them), out of
# at most POOL by mean support (all of them on the calibration frames).
FINE_CANDIDATES = 60
POOL = 20000
# Interior angles of a document under the tilts DOC_PERSPECTIVE still accepts (45 degrees): 55-125 degrees.
MIN_CORNER_ANGLE = 55.0
# Aspect ratio (long/short, rectified) of a document with perspective: ID-1 1.59, ID-3 1.42, A4 1.41, a
# letter-size bill 1.29, stretched by tilt up to outline_contour.py's MAX_ASPECT. Below 1.2 (the calibration documents
# measure 1.32 and up) a squarish box (a hologram, a portrait, a barcode) is likelier than a document tilted
# far enough to look square; such a tilt is left to the contour search.
MIN_ASPECT = 1.2
MAX_ASPECT = 2.6
# How far past each corner (share of the shorter side, at least 4 px, after a 3 px gap for a rounded
# corner) a side's line is checked for running on, and the gradient (share of the side's own mean edge
# strength) that counts there as the same edge continuing: a shadow or a fold of the sheet crossing the
# document runs on as strongly; accidental texture beyond a real corner mostly does not. The run-on is averaged
# over the two ends (see _extension).
EXTENSION_SHARE = 0.15
EXTENSION_GAP = 3.0
EXTENSION_STRENGTH = 0.5
# Weight of the run-on against the sides' support in a candidate's score (0.5 and 1 chose the same documents
# on the calibration half, with the run-on then read at the larger end; 1: a side running on fully, past both
# ends, cancels a fully supported side).
EXTENSION_WEIGHT = 1.0


# The next and the previous of four cyclic corners or sides.
NEXT = [1, 2, 3, 0]
PREVIOUS = [3, 0, 1, 2]


@dataclass(frozen=True)
class _Lines:
    origin: NDArray[np.float64]  # (K, 2) point of each line nearest the view's centre (t = 0)
    direction: NDArray[np.float64]  # (K, 2) unit direction
    normal: NDArray[np.float64]  # (K, 2) unit normal
    offset: NDArray[np.float64]  # (K,) normal . point for every point of the line
    strength: NDArray[np.float32]  # (K, T) gradient across the line, signed along the normal (0 if not aligned)
    inside: NDArray[np.bool_]  # (K, T) the sample lies in the view
    positive: NDArray[np.float64]  # (K, T + 1) running count of edge samples with the gradient along +normal
    negative: NDArray[np.float64]  # (K, T + 1) the same along -normal
    start: float  # t of the first sample


@dataclass(frozen=True)
class EdgeQuad:
    """A quadrilateral whose four sides lie on straight edges of the view."""

    quad: Quad  # ordered TL, TR, BR, BL (view pixels)
    support: NDArray[np.float64]  # (4,) share of each side carrying an edge of one polarity
    extension: NDArray[np.float64]  # (4,) how much each side's edge runs on past its corners (0-1)
    polarity: NDArray[np.float64]  # (4,) +1: the document is lighter than beyond this side, -1 darker
    lines: frozenset[int]  # the lines its sides lie on

    @property
    def score(self) -> float:
        return float(self.support.mean() - EXTENSION_WEIGHT * self.extension.mean())


def _segments(gray: NDArray[np.uint8]) -> NDArray[np.float64]:
    """LSD line segments (x1, y1, x2, y2) at least MIN_SEGMENT of the view long."""
    found = cv2.createLineSegmentDetector(cv2.LSD_REFINE_NONE).detect(gray)[0]
    if found is None:
        return np.zeros((0, 4))
    segments = np.asarray(found, np.float64).reshape(-1, 4)
    length = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    return np.asarray(segments[length >= MIN_SEGMENT * max(gray.shape)], np.float64)


def _merge(segments: NDArray[np.float64]) -> list[tuple[NDArray[np.float64], NDArray[np.float64], float]]:
    """Collinear segments joined into lines: (point, unit direction, total segment length), longest first."""
    delta = segments[:, 2:] - segments[:, :2]
    length = np.hypot(delta[:, 0], delta[:, 1])
    order = np.argsort(-length)
    segments, delta, length = segments[order], delta[order], length[order]
    unit = delta / length[:, None]
    angle = np.arctan2(unit[:, 1], unit[:, 0]) % np.pi
    used = np.zeros(len(segments), bool)
    lines = []
    for i in range(len(segments)):
        if used[i]:
            continue
        normal = np.array([-unit[i, 1], unit[i, 0]])
        rho = float(normal @ segments[i, :2])
        turn = np.abs(angle - angle[i])
        turn = np.minimum(turn, np.pi - turn)
        away = np.maximum(np.abs(segments[:, :2] @ normal - rho), np.abs(segments[:, 2:] @ normal - rho))
        member = (~used) & (turn <= MERGE_ANGLE) & (away <= MERGE_DISTANCE)
        used |= member
        points = np.vstack([segments[member, :2], segments[member, 2:]]).astype(np.float32)
        vx, vy, x0, y0 = np.asarray(cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01), np.float64).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy]), float(length[member].sum())))
    lines.sort(key=lambda line: -line[2])
    return lines


def _longest_per_direction(
    lines: list[tuple[NDArray[np.float64], NDArray[np.float64], float]],
) -> list[tuple[NDArray[np.float64], NDArray[np.float64], float]]:
    """The MAX_LINES longest lines, and with them the PER_DIRECTION longest of each DIRECTIONS-th of the
    half-turn: wood grain, a newspaper's columns or a striped cloth give many long lines of one direction, which
    would otherwise crowd out the document's sides across it."""
    kept = set(range(min(MAX_LINES, len(lines))))
    taken = [0] * DIRECTIONS
    for index, (_, direction, _) in enumerate(lines):
        # Sectors centred on the horizontal, the vertical and the diagonals: lines at 1 and 179 degrees share one.
        angle = (float(np.arctan2(direction[1], direction[0])) + np.pi / (2 * DIRECTIONS)) % np.pi
        bin_ = min(DIRECTIONS - 1, int(angle / np.pi * DIRECTIONS))
        if taken[bin_] < PER_DIRECTION:
            taken[bin_] += 1
            kept.add(index)
    return [lines[i] for i in sorted(kept)]


def _profiles(
    lines: list[tuple[NDArray[np.float64], NDArray[np.float64], float]],
    gx: NDArray[np.float32],
    gy: NDArray[np.float32],
) -> _Lines:
    """The gradient across every line, sampled at 1 px steps over the whole view."""
    h, w = gx.shape
    reach = float(np.hypot(w, h)) / 2 + 2
    t = np.arange(-reach, reach + 1.0, 1.0)
    point = np.array([p for p, _, _ in lines])
    direction = np.array([d for _, d, _ in lines])
    centre = np.array([w / 2.0, h / 2.0])
    origin = point + ((centre - point) * direction).sum(axis=1)[:, None] * direction
    normal = np.stack([-direction[:, 1], direction[:, 0]], axis=1)
    strength = np.zeros((len(lines), len(t)), np.float32)
    xs = origin[:, :1] + t[None, :] * direction[:, :1]
    ys = origin[:, 1:] + t[None, :] * direction[:, 1:]
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    for step in SEARCH_OFFSETS:
        xs = (origin[:, :1] + t[None, :] * direction[:, :1] + step * normal[:, :1]).astype(np.float32)
        ys = (origin[:, 1:] + t[None, :] * direction[:, 1:] + step * normal[:, 1:]).astype(np.float32)
        sx = cv2.remap(gx, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        sy = cv2.remap(gy, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        across = sx * normal[:, :1].astype(np.float32) + sy * normal[:, 1:].astype(np.float32)
        aligned = np.where(np.abs(across) >= ALIGN_COS * np.hypot(sx, sy), across, np.float32(0))
        strength = np.where(np.abs(aligned) > np.abs(strength), aligned, strength)
    zero = np.zeros((len(lines), 1))
    positive = np.concatenate([zero, np.cumsum(strength >= GRADIENT_MIN, axis=1)], axis=1)
    negative = np.concatenate([zero, np.cumsum(strength <= -GRADIENT_MIN, axis=1)], axis=1)
    offset = (normal * origin).sum(axis=1)
    return _Lines(origin, direction, normal, offset, strength, inside, positive, negative, float(t[0]))


def _combinations(lines: _Lines, w: int, h: int, min_area: float) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Every convex quadrilateral of two pairs of roughly parallel lines with its corners in the view:
    corners (Q, 4, 2) in cyclic order and the line of each side (Q, 4); side q runs from corner q-1 to q."""
    theta = np.arctan2(lines.direction[:, 1], lines.direction[:, 0]) % np.pi
    first, second = np.triu_indices(len(theta), 1)
    turn = np.abs(theta[first] - theta[second])
    parallel = np.minimum(turn, np.pi - turn) <= OPPOSITE_ANGLE
    pa, pb = first[parallel], second[parallel]
    mean = np.arctan2(np.sin(2 * theta[pa]) + np.sin(2 * theta[pb]), np.cos(2 * theta[pa]) + np.cos(2 * theta[pb]))
    mean = mean / 2
    one, two = np.triu_indices(len(pa), 1)
    turn = np.abs(mean[one] - mean[two]) % np.pi
    across = np.minimum(turn, np.pi - turn) >= ADJACENT_ANGLE
    one, two = one[across], two[across]
    sides = np.stack([pa[one], pa[two], pb[one], pb[two]], axis=1)
    distinct = (sides[:, 0] != sides[:, 1]) & (sides[:, 0] != sides[:, 3])
    distinct &= (sides[:, 2] != sides[:, 1]) & (sides[:, 2] != sides[:, 3])
    sides = sides[distinct]
    n, r = lines.normal[sides], lines.offset[sides]
    n_next, r_next = n[:, NEXT], r[:, NEXT]
    det = n[..., 0] * n_next[..., 1] - n[..., 1] * n_next[..., 0]
    det = np.where(np.abs(det) < 1e-9, 1e-9, det)
    corners = np.stack(
        [(r * n_next[..., 1] - n[..., 1] * r_next) / det, (n[..., 0] * r_next - r * n_next[..., 0]) / det], axis=2
    )
    x, y = corners[..., 0], corners[..., 1]
    inside = (
        (x >= -CORNER_SLACK) & (x <= w - 1 + CORNER_SLACK) & (y >= -CORNER_SLACK) & (y <= h - 1 + CORNER_SLACK)
    ).all(axis=1)
    area = 0.5 * np.abs((x * y[:, NEXT] - x[:, NEXT] * y).sum(axis=1))
    edge = corners[:, NEXT] - corners
    turn_sign = edge[..., 0] * edge[:, NEXT, 1] - edge[..., 1] * edge[:, NEXT, 0]
    convex = (turn_sign > 0).all(axis=1) | (turn_sign < 0).all(axis=1)
    keep = inside & (area >= min_area * w * h) & convex
    # Corner q is where side q meets side q+1: roll so that side q runs from corner q-1 to corner q.
    return corners[keep], sides[keep]


def _spans(lines: _Lines, corners: NDArray[np.float64], sides: NDArray[np.int64]) -> tuple[NDArray[np.float64], ...]:
    """(low, high) sample positions of each side along its line."""
    origin, direction = lines.origin[sides], lines.direction[sides]
    t0 = ((corners[:, PREVIOUS] - origin) * direction).sum(axis=-1) - lines.start
    t1 = ((corners - origin) * direction).sum(axis=-1) - lines.start
    return np.minimum(t0, t1), np.maximum(t0, t1)


def _support(
    lines: _Lines, sides: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(share, polarity): the share of each side's samples that are edges of its dominant polarity."""
    top = lines.positive.shape[1] - 1
    lo = np.clip(low, 0, top).astype(np.int64)
    hi = np.clip(high, 0, top).astype(np.int64)
    positive = lines.positive[sides, hi] - lines.positive[sides, lo]
    negative = lines.negative[sides, hi] - lines.negative[sides, lo]
    span = np.maximum(high - low, 1.0)
    share = np.asarray(np.maximum(positive, negative) / span, np.float64)
    return share, np.asarray(np.where(positive >= negative, 1.0, -1.0), np.float64)


def _extension(lines: _Lines, line: int, low: float, high: float, sign: float, reach: float) -> float:
    """How much of the stretches past the ends of [low, high] on `line` carries the same edge: samples of the
    side's polarity at least EXTENSION_STRENGTH of the side's own mean edge strength, averaged over the ends
    that lie in the view.

    The average, not the larger end: a line crossing the document (a shadow's edge, a fold of the sheet under
    it) runs on past both of its ends, while a document's own side may run on past one corner, where it lines
    up with another edge (a shadow stripe meeting the corner, the sheet or the facing page beyond it). Taking
    the larger end had left the true outline under the score limit on 5 DLC-2021 frames (IoU >= 0.9 on the
    calibration half 33/41 -> 34/41, check half 27/40 -> 31/40; bench/outline_real.py, 2026-12-05)."""
    profile = lines.strength[line] * sign
    top = len(profile)
    inner = profile[max(0, int(low)) : max(0, min(top, int(high)))]
    edges = inner[inner >= GRADIENT_MIN]
    if len(edges) == 0:
        return 0.0
    floor = max(GRADIENT_MIN, EXTENSION_STRENGTH * float(edges.mean()))
    ends: list[float] = []
    for a, b in (
        (low - EXTENSION_GAP - reach, low - EXTENSION_GAP),
        (high + EXTENSION_GAP, high + EXTENSION_GAP + reach),
    ):
        lo, hi = max(0, int(a)), min(top, int(b))
        seen = lines.inside[line, lo:hi]
        if int(seen.sum()) < EXTENSION_GAP:
            continue  # past the view's border: nothing to see
        ends.append(float((profile[lo:hi][seen] >= floor).mean()))
    return sum(ends) / len(ends) if ends else 0.0


def edge_quads(gray: NDArray[np.uint8], min_area: float) -> list[EdgeQuad]:
    """Document-shaped quadrilaterals on straight edges of `gray` (a reduced view), best score first."""
    h, w = gray.shape
    lines = _longest_per_direction(_merge(_segments(gray)))
    if len(lines) < 4:
        return []
    smooth = cv2.GaussianBlur(gray, (5, 5), 0)
    # Sobel 3x3 weighs the centre row twice: / 4 gives grey levels per pixel.
    gx = np.asarray(cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 4, np.float32)
    gy = np.asarray(cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 4, np.float32)
    found = _profiles(lines, gx, gy)
    corners, sides = _combinations(found, w, h, min_area)
    if len(corners) == 0:
        return []
    low, high = _spans(found, corners, sides)
    share, sign = _support(found, sides, low, high)
    mean = share.mean(axis=1)
    keep = (share.min(axis=1) >= MIN_SIDE_SUPPORT) & (mean >= MIN_MEAN_SUPPORT)
    corners, sides, low, high, share, sign, mean = (a[keep] for a in (corners, sides, low, high, share, sign, mean))
    # Shape: aspect ratio (opposite sides averaged, as geometry.rectified_size) and corner angles.
    length = np.linalg.norm(corners[:, NEXT] - corners, axis=2)
    across, along = (length[:, 0] + length[:, 2]) / 2, (length[:, 1] + length[:, 3]) / 2
    aspect = np.maximum(across, along) / np.maximum(np.minimum(across, along), 1.0)
    before, after = corners[:, PREVIOUS] - corners, corners[:, NEXT] - corners
    cosine = (before * after).sum(axis=2) / (np.linalg.norm(before, axis=2) * np.linalg.norm(after, axis=2) + 1e-9)
    angle = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    shaped = (aspect >= MIN_ASPECT) & (aspect <= MAX_ASPECT) & (angle.min(axis=1) >= MIN_CORNER_ANGLE)
    corners, sides, low, high, share, sign, mean = (a[shaped] for a in (corners, sides, low, high, share, sign, mean))
    short = np.minimum(across, along)[shaped]
    if len(mean) > POOL:
        best = np.argsort(-mean)[:POOL]
        corners, sides, low, high, share, sign, mean, short = (
            a[best] for a in (corners, sides, low, high, share, sign, mean, short)
        )
    chosen: list[EdgeQuad] = []
    alive = np.ones(len(corners), bool)
    centres = corners.mean(axis=1)
    for q in np.argsort(-mean):
        if not alive[q]:
            continue
        # Near-duplicates (every corner within 4 % of this one's shorter side of one of its corners) are the
        # same document on neighbouring lines: only the best-supported is kept.
        tolerance = 0.04 * short[q]
        near = np.flatnonzero(alive & (np.abs(centres - centres[q]).max(axis=1) <= tolerance))
        gap = np.linalg.norm(corners[near, :, None, :] - corners[q][None, None, :, :], axis=3).min(axis=2)
        alive[near[gap.max(axis=1) <= tolerance]] = False
        reach = max(4.0, EXTENSION_SHARE * float(short[q]))
        extension = np.array(
            [_extension(found, int(sides[q, k]), low[q, k], high[q, k], sign[q, k], reach) for k in range(4)]
        )
        centre = corners[q].mean(axis=0)
        inward = np.sign(((centre - found.origin[sides[q]]) * found.normal[sides[q]]).sum(axis=1))
        chosen.append(
            EdgeQuad(order_corners(corners[q]), share[q], extension, sign[q] * inward, frozenset(sides[q].tolist()))
        )
        if len(chosen) >= FINE_CANDIDATES:
            break
    chosen.sort(key=lambda c: -c.score)
    return chosen
