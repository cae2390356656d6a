"""Blur and glare judged on the document's text: pure measures, ndarray in, one documented number out.

Sharpness is read on the edges of text strokes inside the outline (a margin all round left out, so nothing
around the document counts), as the width of those edges in millimetres of the document: the same blur
measures the same whether the photo has 3 or 12 megapixels, and whether the document fills it or not. What
the pixel grid itself imposes on an edge (a perfect step still rises over ~2 px once sampled) is removed, so
a small but crisp image is not called blurry: too few pixels are TEXT_RESOLUTION_LOW's finding, not blur.

Glare is read as specular blobs over the document's content: compact, near-white, colourless blobs, brighter
than the paper, that hide the text strokes or the portrait beneath them (specular_glare; measured by the bench,
not yet IMAGE_GLARE's measure: see views.specular_fraction).

Calibration: bench/blur_glare_real.py (real corpus pairs and labels, bench/blur_pairs.tsv).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.order_stats import percentiles_u8
from workers.checks.locate.text import text_line_mask

Gray = NDArray[np.uint8]
RGB = NDArray[np.uint8]

# Smoothing (px) before the gradient: enough to keep JPEG noise from making maxima, little enough to leave a
# sharp edge ~2 px wide.
EDGE_SMOOTHING = 0.5
# The strong edges: at least this share of the 99th-percentile gradient of the text region's edges facing the
# same way (text strokes, the portrait's outline; not paper texture or the guilloche's faint lines).
STRONG_EDGE_SHARE = 0.3
# Grey levels (after the contrast stretch) an edge must rise by to be measured: below, JPEG noise decides.
MIN_RISE = 20.0
# At most this many edges are profiled (a seeded sample): the cost stays bounded on a 1600 px document.
MAX_EDGES = 3000
# Profiles are sampled every quarter pixel, out to 1 mm or 8 px either side of the edge (whichever is more):
# a blur of 0.4 mm (sigma) still rises within that reach.
PROFILE_STEP = 0.25
PROFILE_REACH_MM = 1.0
PROFILE_REACH_MIN_PX = 8.0
# 10-90 % rise width (px) of a step edge that only the pixel grid, the demosaicing and the smoothing above have
# softened: the widest direction group's typical width on crisp images is 1.8-2.2 px (the 275 px ICAO TD3
# specimen 1.81, the SIDTD renders 1.99-2.01, crisp 1080p DLC-2021 frames 1.94-2.2); the lowest is taken, so no
# blur is hidden. Widths are taken beyond it in quadrature, so a crisp image of any size reads ~0 mm.
PIXEL_RISE = 1.8
# Margin (share of the shorter side) left out all round: an outline a few pixels off carries the table's edge.
MARGIN = 0.04
# A document with text lines over less than 1 % of it (blurred past recognition, or rotated text) is read on
# all of its strong edges instead.
MIN_TEXT_SHARE = 0.01
# Fewest edges a width is read from (per direction group, and over the document).
MIN_EDGES = 30
# Scale (px/mm) below which widths beyond PIXEL_RISE are read as if at this scale (stroke_edge_width): 8 px/mm,
# where a 0.3 mm stroke is still 2.4 px wide. Without it the crisp getcontrol photos (cards at 2-5 px/mm,
# downscaled and recompressed) read 1.4-3.5, as blurred as the real out-of-focus frames; with it 3.6-6.3.
# Few pixels per mm are TEXT_RESOLUTION_LOW's finding.
MIN_PX_PER_MM = 8.0
# Finest edge width (mm) reported: print itself is no finer (~600 dpi), and it keeps the reciprocal finite.
FINEST_EDGE_MM = 0.05


def _stretched(gray: Gray, region: NDArray[np.bool_]) -> NDArray[np.float32]:
    """`gray` as float32 with the 1st-99th percentile of `region` spread over 0-255: a dim capture's edges are
    measured like a bright one's (exposure is IMAGE_TOO_DARK's finding)."""
    low, high = percentiles_u8(np.ascontiguousarray(gray[region]), [1, 99])
    gain = np.float32(255.0 / max(high - low, 8.0))
    stretched = gray.astype(np.float32)
    stretched -= np.float32(low)
    stretched *= gain
    return np.clip(stretched, 0, 255, out=stretched)


def _inner(shape: tuple[int, ...]) -> NDArray[np.bool_]:
    h, w = shape[:2]
    margin = max(1, round(MARGIN * min(h, w)))
    inner = np.zeros((h, w), bool)
    inner[margin : h - margin, margin : w - margin] = True
    return inner


def text_region(gray: Gray) -> NDArray[np.bool_]:
    """Where text strokes are on a flat document image: its text lines (widened by 2 px so the strokes' outer
    edges are in), inside the margin; the whole inside when under MIN_TEXT_SHARE of it is text."""
    inner = _inner(gray.shape)
    stretched = _stretched(gray, inner).astype(np.uint8)
    widened = cv2.dilate(text_line_mask(stretched).astype(np.uint8), np.ones((5, 5), np.uint8))
    region = np.asarray(widened > 0, dtype=np.bool_) & inner
    return region if region.mean() >= MIN_TEXT_SHARE else inner


def _directions(gx: NDArray[np.float32], gy: NDArray[np.float32]) -> NDArray[np.float32]:
    """Directions (degrees, 0-180) of the gradients (gx, gy)."""
    return cast(NDArray[np.float32], (np.degrees(np.arctan2(gy, gx)) + 180.0) % 180.0)


# The suppression snaps each direction (_directions) to one of 4 sectors of 45 degrees, centred on 0, 45, 90 and
# 135 (157.5 and over is back in the first), and compares the pixel with its neighbours a step (dy, dx) either
# way across the edge.
SECTOR_BOUNDS = np.array([22.5, 67.5, 112.5, 157.5])
SECTOR_STEPS = ((0, 1), (1, 1), (1, 0), (1, -1))
# Degrees from a sector bound within which the sector is read from _directions itself; further off, from the
# slope |gy| / |gx| (arctan2 is several times as slow). _directions is float32 arithmetic that errs by well under
# 0.001 degree (arctan2 by a few units in the last place, degrees and the wrap by a rounding each), and the slope
# and the tangents it is compared with are rounded to 1e-7 of themselves (1e-5 degree), so neither can move a
# direction this far across a bound: both read the same sector on every pixel.
SECTOR_DOUBT = 0.1
# Tangents of the bounds 22.5 and 67.5 degrees (from the horizontal, either way), SECTOR_DOUBT below and above.
FLAT_BELOW, DIAGONAL_ABOVE, DIAGONAL_BELOW, STEEP_ABOVE = (
    np.float32(math.tan(math.radians(bound)))
    for bound in (22.5 - SECTOR_DOUBT, 22.5 + SECTOR_DOUBT, 67.5 - SECTOR_DOUBT, 67.5 + SECTOR_DOUBT)
)


def _sectors(gx: NDArray[np.float32], gy: NDArray[np.float32]) -> NDArray[np.uint8]:
    """Sector (0-3: SECTOR_BOUNDS) of the direction of each gradient (gx, gy), as _directions reads it."""
    with np.errstate(divide="ignore", invalid="ignore"):
        # inf where gx is 0; NaN where gy is 0 too, which is doubtful below.
        slope = np.abs(gy) / np.abs(gx)
    flat = slope < FLAT_BELOW
    steep = slope > STEEP_ABOVE
    diagonal = (slope > DIAGONAL_ABOVE) & (slope < DIAGONAL_BELOW)
    # A diagonal faces 45 degrees when gx and gy have the same sign, else 135.
    sector = np.where(diagonal, np.where((gx > 0) == (gy > 0), np.uint8(1), np.uint8(3)), steep * np.uint8(2))
    doubtful = ~(flat | steep | diagonal)
    directions = _directions(gx[doubtful], gy[doubtful])
    sector[doubtful] = np.searchsorted(SECTOR_BOUNDS, directions, side="right") % len(SECTOR_BOUNDS)
    return sector


def _suppressed(
    magnitude: NDArray[np.float32], gx: NDArray[np.float32], gy: NDArray[np.float32], candidates: NDArray[np.bool_]
) -> NDArray[np.intp]:
    """Flat indices (ascending) of the `candidates` pixels where the gradient magnitude is a maximum across the
    edge (along the gradient, 4 directions); beyond the image the magnitude is 0."""
    width = magnitude.shape[1]
    # Only the candidates are looked at: most of the image is outside the text region, or flat.
    at = np.flatnonzero(candidates)
    sector = _sectors(gx.ravel()[at], gy.ravel()[at])
    padded = np.pad(magnitude, 1).ravel()
    # The same pixels in `padded` (a row of zeros above and below, a column either side): (y + 1, x + 1).
    at_padded = at + 2 * (at // width) + width + 3
    step = np.array([dy * (width + 2) + dx for dy, dx in SECTOR_STEPS])[sector]
    level = padded[at_padded]
    return cast(NDArray[np.intp], at[(level >= padded[at_padded + step]) & (level >= padded[at_padded - step])])


def rise_widths(
    gray: Gray, region: NDArray[np.bool_], px_per_mm: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(10-90 % rise widths in px, gradient directions in degrees 0-180) of the strong edges inside `region` of
    a flat document image.

    At each strong edge (a gradient maximum across the edge, at least STRONG_EDGE_SHARE of the 99th-percentile
    gradient of the region's edges facing the same way, in 4 groups of 45 degrees) the grey profile is sampled
    along the gradient direction. From the edge it is followed each way while it keeps rising (dark side down,
    bright side up): the levels where it stops are the edge's own dark and bright levels, however close the
    next stroke is. The width is the distance over
    which the profile climbs from 10 % to 90 % of that rise. A Gaussian blur of sigma s px widens it by about
    2.56 s; JPEG blocks and the sharpening phones apply make steps inside the rise but do not shorten it.
    """
    stretched = _stretched(gray, region)
    smooth = cv2.GaussianBlur(stretched, (0, 0), EDGE_SMOOTHING)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / np.float32(8.0)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / np.float32(8.0)
    magnitude = cast(NDArray[np.float32], np.hypot(gx, gy))
    edges = _suppressed(magnitude, gx, gy, region & (magnitude > 0))
    if len(edges) < 30:
        return np.zeros(0), np.zeros(0)
    # Strong per direction group (4 of 45 degrees): a shake leaves the edges facing it weaker than the others,
    # and a threshold over all of them would keep only the edges it spared.
    group = np.minimum((_directions(gx.ravel()[edges], gy.ravel()[edges]) // 45).astype(np.int8), 3)
    level = magnitude.ravel()[edges]
    strong = np.zeros(edges.shape, bool)
    for index in range(4):
        facing = group == index
        if facing.sum() >= 30:
            floor = STRONG_EDGE_SHARE * float(np.percentile(level[facing], 99))
            strong |= facing & (level >= floor)
    if not strong.any():
        return np.zeros(0), np.zeros(0)  # edges, but too few facing any one way to say which are strong
    ys, xs = np.divmod(edges[strong], magnitude.shape[1])
    if len(ys) > MAX_EDGES:
        chosen = np.random.default_rng(0).choice(len(ys), MAX_EDGES, replace=False)
        ys, xs = ys[chosen], xs[chosen]
    reach = max(PROFILE_REACH_MIN_PX, PROFILE_REACH_MM * px_per_mm)
    offsets = np.arange(-reach, reach + PROFILE_STEP / 2, PROFILE_STEP, dtype=np.float32)
    ux = (gx[ys, xs] / magnitude[ys, xs])[:, None]
    uy = (gy[ys, xs] / magnitude[ys, xs])[:, None]
    map_x = (xs[:, None] + ux * offsets[None, :]).astype(np.float32)
    map_y = (ys[:, None] + uy * offsets[None, :]).astype(np.float32)
    # Each row runs from the dark side (negative offsets) to the bright side.
    profiles = np.asarray(cv2.remap(smooth, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    centre = len(offsets) // 2
    falling = np.diff(profiles, axis=1) < -1.0  # a step back of over one grey level ends the rise
    ahead, behind = falling[:, centre:], falling[:, :centre][:, ::-1]
    up = np.where(ahead.any(axis=1), ahead.argmax(axis=1), ahead.shape[1])
    down = np.where(behind.any(axis=1), behind.argmax(axis=1), behind.shape[1])
    columns = np.arange(len(offsets))[None, :]
    span = (columns >= (centre - down)[:, None]) & (columns <= (centre + up)[:, None])
    low = np.where(span, profiles, np.inf).min(axis=1)
    high = np.where(span, profiles, -np.inf).max(axis=1)
    rise = high - low
    climbing = span & (profiles > (low + 0.1 * rise)[:, None]) & (profiles < (low + 0.9 * rise)[:, None])
    widths = climbing.sum(axis=1) * PROFILE_STEP
    directions = (np.degrees(np.arctan2(uy[:, 0], ux[:, 0])) + 180.0) % 180.0
    kept = rise >= MIN_RISE
    return np.asarray(widths[kept], dtype=np.float64), np.asarray(directions[kept], dtype=np.float64)


def _typical(widths: NDArray[np.float64]) -> float:
    """Mean of the middle half of the widths: as robust as the median, but not stuck on the quarter-pixel
    steps the widths are counted in."""
    low, high = np.percentile(widths, [25, 75])
    return float(widths[(widths >= low) & (widths <= high)].mean())


def stroke_edge_width(gray: Gray, px_per_mm: float) -> float:
    """Width (mm of the document) over which the text strokes' edges rise, beyond what the pixel grid imposes,
    in the direction where they rise slowest; higher is blurrier. NaN when the document shows fewer than
    MIN_EDGES measurable edges.

    `gray` is the document seen flat, text lines horizontal; `px_per_mm` its scale (long side over the
    document's physical long side). The strong text edges (rise_widths) are grouped by the direction they
    face (4 groups of 45 degrees); the typical width w (px) of the widest group (a shake widens only the edges
    facing its direction) gives sqrt(w^2 - PIXEL_RISE^2) / max(px_per_mm, MIN_PX_PER_MM). A Gaussian blur of
    sigma s mm reads ~2.56 s.

    Below MIN_PX_PER_MM the excess is read at that scale: there the pixel grid's own softness (PIXEL_RISE, known
    to ~0.5 px for a downscaled or recompressed photo) would otherwise pass for millimetres of blur.
    """
    widths, directions = rise_widths(gray, text_region(gray), px_per_mm)
    if widths.size < MIN_EDGES:
        return float("nan")
    groups = np.minimum((directions // 45).astype(np.int64), 3)
    typical = [_typical(widths[groups == g]) for g in range(4) if (groups == g).sum() >= MIN_EDGES]
    width = max(typical) if typical else _typical(widths)
    excess = float(np.sqrt(max(width * width - PIXEL_RISE * PIXEL_RISE, 0.0)))
    return excess / max(px_per_mm, MIN_PX_PER_MM)


def stroke_sharpness(gray: Gray, px_per_mm: float) -> float:
    """Sharpness of the text strokes in edges per millimetre: 1 / stroke_edge_width, at most 1 / FINEST_EDGE_MM
    (20); higher is sharper. A document without measurable edges reads 0 (nothing sharp to show)."""
    width = stroke_edge_width(gray, px_per_mm)
    if not np.isfinite(width):
        return 0.0
    return 1.0 / max(width, FINEST_EDGE_MM)


# A glare blob hides the strokes under it when text lines cover less of it than this share of the rest of the
# document (a reflection washes the ink out, so the text detector finds little under it; a white patch printed
# or pasted on the document leaves the text on it black, and found).
HIDDEN_TEXT_SHARE = 0.5
# Reach (share of the document's longer side) within which text lines around a blob mean the blob lies over
# text: under the reflection itself the text is invisible, so it is looked for just around it.
TEXT_REACH = 0.06


def specular_glare(
    rgb: RGB, blobs: NDArray[np.bool_], portrait: Callable[[], tuple[int, int, int, int] | None] | None = None
) -> NDArray[np.bool_]:
    """The glare blobs that hide the document's content: of `blobs` (measures.glare_mask on the flat
    document `rgb`: compact, near-saturated, colourless blobs brighter than the paper), those that

    - hide strokes: text lines cover less of the blob's brighter half (its core: a reflection's fringe lets
      text through) than HIDDEN_TEXT_SHARE of their share of the rest of the document, and
    - lie over text or the portrait: text lines within TEXT_REACH of the blob, or the blob overlaps the
      portrait's box (x, y, w, h) that `portrait` returns (asked only for a blob with no text around it).

    A white patch with black text on it (an edited MRZ strip on a scan) fails the first test; a reflection on
    the table inside a loose outline, or on a blank margin, fails the second.
    """
    kept = np.zeros(blobs.shape, bool)
    if not blobs.any():
        return kept
    gray = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    rest = _inner(gray.shape) & ~blobs
    lines = text_line_mask(gray)
    text_share = float(lines[rest].mean()) if rest.any() else 0.0
    reach = max(3, round(TEXT_REACH * max(gray.shape)))
    kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    count, labels = cv2.connectedComponents(blobs.astype(np.uint8), connectivity=8)
    for index in range(1, count):
        blob = labels == index
        # The blob's brighter half: a reflection's soft fringe still lets text through, its core does not.
        core = blob & (gray >= percentiles_u8(np.ascontiguousarray(gray[blob]), [50])[0])
        hidden = float(lines[core].mean()) < HIDDEN_TEXT_SHARE * text_share
        near = cv2.dilate(blob.astype(np.uint8), kernel) > 0
        over = bool((near & lines & ~blob).any())
        if hidden and not over and portrait is not None:
            box = portrait()
            if box is not None:
                x, y, w, h = box
                over = bool(blob[max(0, y) : y + h, max(0, x) : x + w].any())
        if hidden and over:
            kept |= blob
    return kept
