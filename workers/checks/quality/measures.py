"""Pure image measures for capture quality: ndarray in, one documented number out. No thresholds here.

Each measure says what its number means and which way is worse, like skimage's `measure.blur_effect`.
"""

from __future__ import annotations

from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.order_stats import median_u8, percentile_u8, percentiles_u8, upper_percentile

# See glare_mask: a reflection's outline fades; printed white areas have hard edges.
GLARE_MAX_EDGE_HARDNESS = 0.12
# A reflection is a compact blob (generated ellipses 0.71-0.95, the docsaid band 0.81); the white margin
# around a scanned page is a ring and worn print leaves ragged patches (0.1-0.6 on the corpus specimens).
GLARE_MIN_SOLIDITY = 0.7
# A reflection saturates, or nearly, the sensor: the brightest tenth of the blob reaches 245+ grey (generated
# reflections 254, the docsaid band 249); pale worn print on flat specimens peaks at 229-244.
GLARE_MIN_CORE = 245.0
# On a white document (paper at 230+) "25 levels above the paper" is beyond 255: the requirement is capped
# just under saturation, so a reflection on a white card (the selfie fixtures' cards: paper 234, a third of
# the card at 250+) still counts.
GLARE_MIN_BRIGHT_CAP = 250.0

Gray = NDArray[np.uint8]
RGB = NDArray[np.uint8]


def edge_steepness(gray: Gray | list[Gray]) -> float:
    """Sharpness of the strongest edges (mostly text strokes), 0-1: higher is sharper.

    At each of the strongest edges, the step between neighbouring pixels is divided by the local contrast (the
    grey range within 15 px). A perfectly sharp step crosses its whole contrast in one or two pixels (~0.5-1);
    a Gaussian blur of sigma s spreads it over ~2.5 s pixels, so the ratio falls as ~0.4/s. Dividing by the
    local contrast makes the number independent of how dark the ink or how bright the light is.

    `gray` is one image or several tiles of the same size, pooled.
    """
    tiles = np.stack(gray if isinstance(gray, list) else [gray])
    # Strong edges: a local contrast of 60+ grey levels (text, photo and card borders; not paper texture),
    # or a quarter of the image's grey range when the whole image is dim.
    low, high = percentiles_u8(np.ascontiguousarray(tiles[:, ::4, ::4]).ravel(), [1, 99])
    min_contrast = min(60.0, max(15.0, 0.25 * float(high - low)))
    img = tiles.astype(np.int16)
    step = np.zeros(tiles.shape, np.int16)
    step[:, :, :-1] = np.abs(np.diff(img, axis=2))
    step[:, :-1, :] = np.maximum(step[:, :-1, :], np.abs(np.diff(img, axis=1)))
    contrast = _local_range(tiles, LOCAL_CONTRAST_REACH)
    strong = contrast >= min_contrast
    pooled = step[strong] / contrast[strong].astype(np.float32)
    if pooled.size < 50:
        return 0.0
    # The best 2 % of those edge pixels sit right on the edges' steepest points.
    return upper_percentile(pooled, 98)


# Reach of edge_steepness's local contrast: the grey range within 15 px (7 either side).
LOCAL_CONTRAST_REACH = 7


def _local_range(tiles: NDArray[np.uint8], reach: int) -> NDArray[np.int16]:
    """Per tile, the grey range (max - min) within `reach` pixels of each pixel, as if each tile were filtered
    alone: the tiles are stacked into one column separated by `reach` rows that cannot win the max (0) or
    the min (255), so one dilation and one erosion serve them all."""
    count, h, w = tiles.shape
    kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    ranges = []
    for neutral, op in ((0, cv2.dilate), (255, cv2.erode)):
        column = np.full((count, h + reach, w), neutral, np.uint8)
        column[:, :h] = tiles
        filtered = op(column.reshape(count * (h + reach), w), kernel)
        ranges.append(filtered.reshape(count, h + reach, w)[:, :h].astype(np.int16))
    return cast(NDArray[np.int16], ranges[0] - ranges[1])


def _channel_min(rgb: RGB) -> NDArray[np.uint8]:
    # Element-wise over the three planes: several times faster than numpy's reduce along the channel axis.
    return np.asarray(np.minimum(np.minimum(rgb[..., 0], rgb[..., 1]), rgb[..., 2]), dtype=np.uint8)


def _channel_max(rgb: RGB) -> NDArray[np.uint8]:
    return np.asarray(np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2]), dtype=np.uint8)


def grey(rgb: RGB) -> Gray:
    return cast(Gray, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))


def bright_level(rgb: RGB) -> float:
    """Grey level (0-255) that 90 % of the document stays below: its brightest ordinary parts (low: dark)."""
    return percentile_u8(grey(rgb), 90)


def clipped_fraction(rgb: RGB) -> float:
    """Share (0-1) of the pixels blown out to white (all channels >= 250): detail there is lost."""
    return float((_channel_min(rgb) >= 250).mean())


def glare_mask(rgb: RGB) -> NDArray[np.bool_]:
    """Specular highlights on a document: compact pale blobs, much brighter than the document's paper and
    near-saturated at their core, whose outline is soft (a reflection fades out over many pixels; a printed
    white area ends at a sharp edge).

    `rgb` is the document seen flat, ~300-800 px. Blobs smaller than 0.2 % of it are ignored.
    """
    gray = grey(rgb)
    paper = median_u8(gray)
    chroma = cv2.subtract(_channel_max(rgb), _channel_min(rgb))
    # 25 grey levels above the paper (at least 200, at most GLARE_MIN_BRIGHT_CAP): brighter than any ink-free
    # ground of the same document. Chroma up to 30 % of the brightness: a reflection takes the (often warm)
    # light's tint. Always above the paper itself: paper at the cap already (a digital export's white, 251-255)
    # is all "bright", and a reflection on it has no room left to show in the pixels.
    least = max(min(paper + 25.0, GLARE_MIN_BRIGHT_CAP), 200.0, paper + 1.0)
    bright = (gray >= least) & (chroma <= cv2.LUT(gray, _MAX_GLARE_CHROMA))
    unit = max(3, round(max(rgb.shape[:2]) / 200))
    bright_u8 = cv2.morphologyEx(bright.astype(np.uint8), cv2.MORPH_OPEN, np.ones((unit, unit), np.uint8))
    mask = np.zeros(bright.shape, bool)
    if not bright_u8.any():
        return mask  # most documents: nothing bright enough survives the opening
    # Text under a reflection leaves holes: close them so the blob's outline is the reflection's.
    bright_u8 = cv2.morphologyEx(bright_u8, cv2.MORPH_CLOSE, np.ones((3 * unit, 3 * unit), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright_u8, connectivity=8)
    for i in range(1, count):
        if stats[i, cv2.CC_STAT_AREA] < 0.002 * bright.size:
            continue
        x, y, bw, bh = (int(v) for v in stats[i, :4])
        box = (slice(max(0, y - 1), y + bh + 1), slice(max(0, x - 1), x + bw + 1))
        blob = (labels[box] == i).astype(np.uint8)
        outline = (blob > 0) & (cv2.erode(blob, np.ones((3, 3), np.uint8)) == 0)
        if not outline.any():
            continue  # the blob fills its whole box: the document's ground itself, not a reflection on it
        core = float(np.percentile(gray[box][blob > 0], 90))
        # Edge steepness at the outline relative to the blob's excess brightness, per pixel: a printed edge
        # drops the excess in 1-3 px (>= 0.2), a reflection over 10+ px (<= 0.1; fixture glare and docsaid).
        hardness = float(np.median(_gradient_in(gray, box)[outline])) / max(core - paper, 1.0)
        if core < GLARE_MIN_CORE or hardness > GLARE_MAX_EDGE_HARDNESS:
            continue
        if _solidity(blob) >= GLARE_MIN_SOLIDITY:
            mask[box] |= blob > 0
    return mask


# Largest chroma (max - min channel) a reflection may show at each grey level: 30 % of it, as glare_mask
# states, tabulated once (in float32, as the comparison was first written).
_MAX_GLARE_CHROMA = np.floor(np.float32(0.3) * np.arange(256, dtype=np.float32)).astype(np.uint8)
# Reach of the gradient in _gradient_in: the Gaussian of sigma 1 (7 taps) and the 3-tap Sobel.
_GRADIENT_REACH = 4


def _gradient_in(gray: Gray, box: tuple[slice, slice]) -> NDArray[np.float32]:
    """Gradient magnitude (grey levels per pixel) of the lightly smoothed image, over `box` only: computed on
    the box widened by the filters' reach, so the values equal those of the whole image's gradient."""
    rows, cols = box
    h, w = gray.shape
    y0, x0 = max(0, rows.start - _GRADIENT_REACH), max(0, cols.start - _GRADIENT_REACH)
    y1, x1 = min(h, rows.stop + _GRADIENT_REACH), min(w, cols.stop + _GRADIENT_REACH)
    smooth = cv2.GaussianBlur(gray[y0:y1, x0:x1].astype(np.float32), (0, 0), 1.0)
    gradient = np.hypot(cv2.Sobel(smooth, cv2.CV_32F, 1, 0), cv2.Sobel(smooth, cv2.CV_32F, 0, 1)) / 8.0
    return cast(NDArray[np.float32], gradient[rows.start - y0 : rows.stop - y0, cols.start - x0 : cols.stop - x0])


def _solidity(blob: NDArray[np.uint8]) -> float:
    """Pixels of a blob over its convex hull's area: 1 for an ellipse, low for rings and ragged patches."""
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull_area = cv2.contourArea(cv2.convexHull(np.vstack(contours)))
    return float(blob.sum()) / max(hull_area, 1.0)


def illumination_falloff(rgb: RGB) -> float:
    """How much light the darkest part of the document gets less than the brightest, 0-1 (0 = even light).

    The light falling on the paper is estimated cell by cell as the 90th percentile of the most reflective
    channel (max of R, G, B: text and dark print removed), then a smooth quadratic surface is fitted to those
    cells, ignoring cells far darker than the fit (a dark header band or a portrait is print, not shadow). The
    measure is 1 - darkest/brightest of the fit. The most reflective channel, not grey: a card printed sky blue
    on one side reflects its blue as the paper does, where its grey level reads as a shadow across the card
    (the genuine Slovak card svk IMG_2186: 0.353 in grey, 0.22 so); a shadow darkens every channel.
    """
    lum = np.asarray(rgb.max(axis=2), dtype=np.uint8)
    rows, cols = 8, 12
    h, w = lum.shape
    ch, cw = h // rows, w // cols
    if ch < 2 or cw < 2:
        return 0.0
    grid = lum[: ch * rows, : cw * cols].reshape(rows, ch, cols, cw)
    cells = grid.transpose(0, 2, 1, 3).reshape(rows, cols, -1)
    # The 90th percentile per cell, selected on the 8-bit values (the ranks np.percentile interpolates).
    lower, weight = divmod(0.9 * (cells.shape[2] - 1), 1.0)
    ranked = np.partition(cells, [int(lower), min(int(lower) + 1, cells.shape[2] - 1)], axis=2)
    low_value = ranked[..., int(lower)].astype(np.float64)
    high_value = ranked[..., min(int(lower) + 1, cells.shape[2] - 1)].astype(np.float64)
    level = np.log(np.maximum(low_value + weight * (high_value - low_value), 4.0))
    yy, xx = np.mgrid[0:rows, 0:cols]
    y = ((yy + 0.5) / rows - 0.5).ravel()
    x = ((xx + 0.5) / cols - 0.5).ravel()
    v = level.ravel()
    design = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=1)
    keep = np.ones(len(v), bool)
    fit = v
    for _ in range(3):
        coef, *_ = np.linalg.lstsq(design[keep], v[keep], rcond=None)
        fit = design @ coef
        # Cells more than 15 % darker than the fitted light are dark print, not light.
        keep = v - fit > -0.15
        if keep.sum() < 8:
            break
    return float(1.0 - np.exp(fit.min() - fit.max()))


def skin_mask(rgb: RGB) -> NDArray[np.bool_]:
    """Pixels of skin colour: orange hue, saturated enough not to be pastel paper, not too dark."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)  # OpenCV hue is 0-180
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    cr, cb = ycrcb[..., 1], ycrcb[..., 2]
    # Skin-chrominance box of Chai & Ngan (1999), Cr 133-173 and Cb 77-127, with saturation >= 0.2 (51/255) to
    # exclude the pale pink and beige grounds of ID documents.
    return (hue <= 25) & (sat >= 51) & (val >= 50) & (cr >= 133) & (cr <= 173) & (cb >= 77) & (cb <= 127)


def _edge_trim(image: NDArray[np.uint8] | NDArray[np.bool_]) -> int:
    # 1 % all round: the outline may carry a pixel or two of background (a brown table is skin-coloured).
    return max(1, round(0.01 * min(int(image.shape[0]), int(image.shape[1]))))


def finger_mask(rgb: RGB) -> NDArray[np.bool_]:
    """Skin-coloured blobs that enter the document from its edge (fingers, a hand), same shape as `rgb`.

    `rgb` is the document seen flat. A blob counts when it touches the outer 1.5 % band of the document: a
    portrait printed on the document is skin-coloured too but stands inside a printed margin. The outer 1 %
    is never marked (see _edge_trim).
    """
    trim = _edge_trim(rgb)
    fingers = np.zeros(rgb.shape[:2], bool)
    rgb = rgb[trim:-trim, trim:-trim]
    # Skin-coloured pixels that also differ from the document's own ground (its median colour): a peach or
    # pink card is not a finger. 20 units in CIELAB is a plainly visible colour difference.
    skin_colour = skin_mask(rgb)
    if not skin_colour.any():
        return fingers
    lab = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB), dtype=np.uint8)
    ground = np.array([median_u8(lab[..., i]) for i in range(3)])
    distinct = np.zeros(skin_colour.shape, bool)
    distinct[skin_colour] = np.linalg.norm((lab[skin_colour] - ground) * [100 / 255, 1, 1], axis=1) >= 20
    skin = (skin_colour & distinct).astype(np.uint8)
    unit = max(3, round(max(rgb.shape[:2]) / 150))
    skin = np.asarray(cv2.morphologyEx(skin, cv2.MORPH_OPEN, np.ones((unit, unit), np.uint8)), np.uint8)
    _, labels, _, _ = cv2.connectedComponentsWithStats(skin, connectivity=8)
    h, w = skin.shape
    band = max(2, round(0.015 * min(h, w)))
    touching = set(np.unique(labels[:band])) | set(np.unique(labels[-band:]))
    touching |= set(np.unique(labels[:, :band])) | set(np.unique(labels[:, -band:]))
    touching.discard(0)
    if touching:
        fingers[trim:-trim, trim:-trim] = np.isin(labels, list(touching))
    return fingers


def edge_occlusion(rgb: RGB) -> float:
    """Share (0-1) of the flat document `rgb` covered by skin-coloured blobs that enter from its edge (fingers,
    a hand): `covered_share(finger_mask(rgb))`."""
    return covered_share(finger_mask(rgb))


def along_edge_elongation(blob: NDArray[np.bool_]) -> float:
    """How many times longer along the document's edge than deep a blob of a document's mask is: its area over
    the square of its depth (the furthest it reaches in from the mask's nearest side, px). A strip L long lying
    d deep along one side reads L / d; a finger entering across the edge reads about its width over its length
    (<= 1), one across a corner about 2. 0 for an empty blob."""
    if not blob.any():
        return 0.0
    h, w = blob.shape
    ys, xs = np.nonzero(blob)
    reach = np.minimum(np.minimum(ys, h - 1 - ys), np.minimum(xs, w - 1 - xs))
    depth = max(int(reach.max()), 1)
    return float(len(ys) / depth**2)


def without_edge_strips(covered: NDArray[np.bool_], max_elongation: float) -> NDArray[np.bool_]:
    """`covered` less its blobs (8-connected) more than `max_elongation` times longer along the edge than deep
    (along_edge_elongation)."""
    count, labels = cv2.connectedComponents(covered.astype(np.uint8), connectivity=8)
    kept = covered.copy()
    for label in range(1, count):
        blob = labels == label
        if along_edge_elongation(blob) > max_elongation:
            kept &= ~blob
    return kept


def covered_share(fingers: NDArray[np.bool_]) -> float:
    """Share (0-1) of a document covered by its `finger_mask`, the outer 1 % (never marked) left out."""
    trim = _edge_trim(fingers)
    return float(fingers[trim:-trim, trim:-trim].mean())


def background_clutter(gray: Gray, document: NDArray[np.bool_]) -> float:
    """Edge density (share of edge pixels, 0-1) of the background around the document; a plain surface ~0.

    `gray` is the ~560 px analysis view; `document` marks the document there. A band around the document is left out so
    that the document's own border does not count. Returns 0 when under 10 % of the frame is background.
    """
    h, w = gray.shape
    margin = max(3, round(0.02 * max(h, w)))
    around = cv2.dilate(document.astype(np.uint8), np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)) == 0
    if around.mean() < 0.1:
        return 0.0
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150) > 0
    return float(edges[around].mean())
