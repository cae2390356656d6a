"""Print chroma: how much colour a document's print holds once the colour of the light is taken away.

A greyscale copy photographed under a warm lamp or a bluish window is orange or blue all over; the classic
colourfulness (Hasler & Süsstrunk 2003) reads that tint as colour (20-90 on the real DLC-2021 grey copies,
like a colour original). Here the light is estimated from the document's own paper and divided out (in linear
light, where light multiplies), and the remaining colour is measured against the other pixels of the same
brightness nearby, so a tint that depends on the tone (toner and paper tinted differently by the camera's
processing) does not count either. What is left is the colour that the print itself carries: ~0 on a grey copy,
several % of paper white where the document has coloured inks. Pure numpy/OpenCV; no thresholds here (see
thresholds.MIN_PRINT_CHROMA).
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

RGB = NDArray[np.uint8]

# Noise and JPEG chroma blocks are averaged over ~3 px of the ~256 px flat document before colour is compared.
SMOOTH_SIGMA = 3.0
# The paper white is the grey closing over this share of the document's shorter side: wider than any printed
# stroke, line of text or portrait feature of an ID card at ~256 px (so the print is closed over), narrower
# than the light's gradient across the document.
WHITE_KERNEL_SHARE = 0.17
# Tiles per side: the light's colour may change across the document (a lamp on one side, daylight on the other).
TILES = 3
# Pixels are compared with those of the same brightness, in bins of this share of the paper white.
BRIGHTNESS_BIN = 0.06
# Pixels darker than this share of the paper white carry no readable colour (noise dominates), and sensor
# values this high may be clipped in one channel (a false colour).
MIN_BRIGHTNESS = 0.1
SATURATED = 250
# Percentile of the residual chroma reported: the document's coloured print is usually a minority of its
# area (the portrait, a coloured seal, a flag: the pastel ground is mostly taken for the paper), a few stray
# pixels are not. 95 rather than 90 or 98: on the real corpus's calibration half it catches the most grey
# copies below the lowest colour document (bench/outline_real.py), and it reads the small colour portrait of the
# generated passport (tests/fixtures/degrade.py) at 4.6 rather than 2.3 (p90).
PERCENTILE = 95.0


def paper_white(rgb: NDArray[np.float32], short_side: int) -> NDArray[np.float32]:
    """Per channel, the local brightness of the paper (the light falling on it, with its colour), in the units of
    `rgb` (linear light, 0-1, from relative_to_paper): a grey closing (dilate, then erode) that removes print
    darker than the paper, then a blur of the same reach."""
    size = max(3, round(WHITE_KERNEL_SHARE * short_side) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    closed = cv2.morphologyEx(rgb, cv2.MORPH_CLOSE, kernel)
    white = cv2.GaussianBlur(closed, (0, 0), size / 2)
    # A floor of 1/255 of full scale: black paper (none is) would otherwise divide by zero.
    return np.maximum(np.asarray(white, dtype=np.float32), np.float32(1.0 / 255.0))


def to_linear(encoded: NDArray[np.float32]) -> NDArray[np.float32]:
    """sRGB-encoded values (0-255) to linear light (0-1): the inverse of the sRGB transfer curve (IEC 61966-2-1)."""
    x = encoded / np.float32(255.0)
    return np.asarray(np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4), dtype=np.float32)


def to_encoded(linear: NDArray[np.float32]) -> NDArray[np.float32]:
    """Linear light (1.0 = the reference white) back to the sRGB curve, on the same 0-1 scale: equal steps are
    about equally visible again, in the dark tones as in the light ones."""
    y = np.maximum(linear, 0.0)
    return np.asarray(np.where(y <= 0.0031308, 12.92 * y, 1.055 * y ** (1 / 2.4) - 0.055), dtype=np.float32)


def relative_to_paper(rgb: RGB, ignore: NDArray[np.bool_] | None = None) -> NDArray[np.float32]:
    """`rgb` smoothed (sigma SMOOTH_SIGMA), then divided per channel by its paper_white in linear light and
    encoded again: the light's colour and falloff removed, 1.0 = the paper. The division is done in linear light
    because light multiplies radiance, not the camera's encoded values: divided in sRGB values, a grey print's dark
    tones kept part of a coloured light's tint (on the real DLC-2021 grey copies under pink light, print chroma read
    up to ~1.3 points higher; bench/outline_real.py). Pixels in `ignore` are made neutral grey of their own
    brightness first, so that neither the smoothing nor the paper white spreads their colour over the document."""
    image = np.asarray(rgb, dtype=np.float32)
    if ignore is not None and ignore.any():
        image = image.copy()
        image[ignore] = image[ignore].mean(axis=1, keepdims=True)
    smooth = to_linear(np.asarray(cv2.GaussianBlur(image, (0, 0), SMOOTH_SIGMA), dtype=np.float32))
    white = paper_white(smooth, min(rgb.shape[:2]))
    return to_encoded(np.asarray(smooth / white, dtype=np.float32))


def opponent(rel: NDArray[np.float32]) -> NDArray[np.float32]:
    """The opponent colour plane (R - G, (R + G) / 2 - B) of `rel`, shape (..., 2): 0 on neutral grey."""
    r, g, b = rel[..., 0], rel[..., 1], rel[..., 2]
    return np.asarray(np.stack([r - g, 0.5 * (r + g) - b], axis=-1), dtype=np.float32)


def _residual_chroma(rel: NDArray[np.float32], keep: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Distances, in the opponent plane, of the kept pixels of `rel` (relative to paper white, shape (h, w, 3))
    from the median of the pixels of the same tile and brightness bin."""
    h, w = keep.shape
    rows = np.linspace(0, h, TILES + 1).round().astype(int)
    cols = np.linspace(0, w, TILES + 1).round().astype(int)
    found: list[NDArray[np.float32]] = []
    for y0, y1 in pairwise(rows.tolist()):
        for x0, x1 in pairwise(cols.tolist()):
            tile_keep = keep[y0:y1, x0:x1]
            pixels = rel[y0:y1, x0:x1][tile_keep]
            if len(pixels) == 0:
                continue
            colour = opponent(pixels)
            bins = np.floor(pixels.mean(axis=1) / BRIGHTNESS_BIN).astype(np.int32)
            order = np.argsort(bins, kind="stable")
            edges = np.flatnonzero(np.diff(bins[order])) + 1
            for group in np.split(order, edges):
                centre = np.median(colour[group], axis=0)
                found.append(np.hypot(*(colour[group] - centre).T).astype(np.float32))
    return np.concatenate(found) if found else np.zeros(0, np.float32)


def print_chroma(rgb: RGB, ignore: NDArray[np.bool_] | None = None) -> float:
    """Colour of the document's print with the light's colour removed, in % of the paper white; higher is
    more colourful. A greyscale copy reads ~0-4 under any light, a colour ID document 4.5-40.

    Parameters
    ----------
    rgb : (h, w, 3) uint8
        The document seen flat (perspective removed), about 256 px on its longer side, nothing of the
        background in it.
    ignore : (h, w) bool, optional
        Pixels left out (the fingers holding a document: a grey copy in a hand is grey where the copy is),
        with a ring of 3 SMOOTH_SIGMA around them (their colour smoothed into the document). They are made
        neutral grey before the paper white is taken (relative_to_paper); under a strongly coloured light a
        large left-out patch therefore tints the paper white around it (docs/calibration/quality.md, "Linear
        light": srb_passport 03).

    Returns
    -------
    chroma : float
        The 95th percentile (PERCENTILE), over the document's pixels, of their residual chroma: each pixel is
        smoothed (Gaussian, sigma SMOOTH_SIGMA px), divided per channel by the local paper white in linear light
        and encoded again (relative_to_paper: this removes the light's colour and falloff), placed in the
        opponent plane (R - G, (R + G) / 2 - B) and compared with the median of the pixels of the same
        brightness (bins of BRIGHTNESS_BIN of the paper white) in the same tile of a TILES x TILES grid. Pixels
        darker than MIN_BRIGHTNESS of the paper white or with a channel at SATURATED or above are left out. 0.0
        when no pixel is left.

    Notes
    -----
    A tint common to a tone (a warm cast in the shadows only) moves the group's median, not the distance; a
    document printed in one single colour over its whole area at one brightness would read low too, which ID
    documents (a photo, black text and a tinted security ground) never are.
    """
    rel = relative_to_paper(rgb, ignore)
    brightness = rel.mean(axis=2)
    keep = (brightness >= MIN_BRIGHTNESS) & (rgb.max(axis=2) < SATURATED)
    if ignore is not None and ignore.any():
        # The smoothing carries an ignored pixel's colour (a finger's) up to 3 sigma out: leave that ring out too.
        reach = 2 * round(3 * SMOOTH_SIGMA) + 1
        ring = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach))
        keep &= cv2.dilate(ignore.astype(np.uint8), ring) == 0
    distances = _residual_chroma(rel, keep)
    if len(distances) == 0:
        return 0.0
    return float(np.percentile(distances, PERCENTILE) * 100.0)
