"""Colour that crosses the document's edge: something in front of the document, not its print.

A pen, a toy, a painted nail or a thumb held over a greyscale copy is strongly coloured where the copy is
grey, and its colour runs on past the document's edge into what lies around it. A colour document's own
coloured print (a header band, a flag at its edge) stops at the edge: just beyond it lies the table, of
another colour. So a coloured blob that touches the document's edge band is taken for something in front of
the document when the colour just outside the edge, where the blob meets it, is the same as the colour
just inside. Pure numpy/OpenCV; the limits are calibrated on the real corpus (see each constant).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.quality.chroma import opponent, relative_to_paper

RGB = NDArray[np.uint8]
Mask = NDArray[np.bool_]

# A blob grows over pixels at least this colourful (distance in the opponent plane from the document's median
# colour, as a share of the paper white) and must hold a core of STRONG_COLOUR. 6 % is above the print chroma
# (the same distance at its 95th percentile, taken against the median of its tile and brightness) of every
# greyscale copy of the calibration half on its ground-truth outline (0.6-5.4 %): a grey copy's own print
# rarely grows a blob; 15 %: a pen, a nail or a plastic toy, not a tint of the light.
MIN_COLOUR = 0.06
STRONG_COLOUR = 0.15
# Smallest blob (share of the document) and smallest strong core in it: a few stray pixels are JPEG chroma
# noise, not an object.
MIN_BLOB = 0.002
MIN_CORE = 0.001
# The band along the document's edge a blob must reach into (share of the document's shorter side), and how
# far beyond the edge its colour is read (twice that band).
EDGE_BAND = 0.03
# CIELAB distance (Delta E 1976) between the blob's core just inside the edge and the photo just outside it,
# below which the colour runs on across the edge. Calibration half (the found outlines, bench/outline_real.py
# images): the objects over the grey copies (a marker, a toy, painted nails, a pen) measure 1.0-14.2 and the
# thumbs over colour cards 6.1-17.5; the coloured print at a colour card's edge against what lies around it
# 22.7 and more (a coloured glare spot half on the table, srb_passport 03, 21.0). The limit sits in the gap.
# Print that meets a surround of its own colour (a card on a table of that colour, a composite on navy) reads
# lower and is left out as well: a colour document keeps colour enough elsewhere (lowest after it, 6.6: the
# MIDV-2020 passport photo, whose yellow print meets a yellowish table along one side; 22.0 while the sides
# were judged together, before RUN_ON_SIDE_SHARE).
SAME_COLOUR = 20.0
# Least share of a blob's pixels along the edge that one side must hold to be judged alone: a thing over a
# corner runs on past one side and may end at the other (the calibration half's marker over the Russian
# passport page, rus_internalpassport 02 cg0004, 46 % of its edge pixels on the side it runs on past, Delta E
# 12; the side where its tip ends, 54). A few pixels reaching round a corner do not decide: tinted light at
# a grey copy's edge (srb_passport 07, check half) has 3 % of its pixels on a side that matches.
RUN_ON_SIDE_SHARE = 1 / 3
# Most of the document a crossing thing may cover: beyond it, less than 60 % of the document is left to judge
# the print by, and the outline is more likely around a scene than around a document with something over it.
# The real objects over copies cover up to 7 % (calibration half) and 20 % (check half) of the document. Of the
# corpus face photos sent as a document (bench/calibrate_quality.py, whose outline takes in a face and a
# shirt), one read 76 % and was called a grey copy; two read 10 % and 24 % and are reported too dark or washed
# out (their root cause silences the colour and cover checks).
MAX_COVERED = 0.4


def _colourful_blobs(document: RGB, ignore: Mask) -> list[tuple[Mask, Mask]]:
    """(blob, its strong core) for each blob of colour (MIN_COLOUR grown around STRONG_COLOUR cores) whose
    core reaches the edge band. The blob's rim is paper tinted by the smoothing; its core is the object."""
    colour = opponent(relative_to_paper(document, ignore))
    centre = np.median(colour.reshape(-1, 2), axis=0)
    distance = np.asarray(np.hypot(*(colour - centre).transpose(2, 0, 1)), dtype=np.float32)
    grown = np.asarray((distance >= MIN_COLOUR) & ~ignore, dtype=np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    h, w = grown.shape
    band = max(2, round(EDGE_BAND * min(h, w)))
    inner = np.zeros((h, w), bool)
    inner[band : h - band, band : w - band] = True
    strong = distance >= STRONG_COLOUR
    blobs = []
    for label in range(1, count):
        if stats[label, cv2.CC_STAT_AREA] < MIN_BLOB * h * w:
            continue
        blob = labels == label
        core = blob & strong
        if (core & ~inner).any() and int(core.sum()) >= MIN_CORE * h * w:
            blobs.append((blob, core))
    return blobs


def _lab(rgb: RGB) -> NDArray[np.float32]:
    """CIELAB with L in 0-100 and a, b centred on 0 (OpenCV's 8-bit Lab rescaled)."""
    lab = np.asarray(cv2.cvtColor(cv2.GaussianBlur(rgb, (0, 0), 1.0), cv2.COLOR_RGB2LAB), dtype=np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    return lab


def _runs_on(
    core: Mask, lab: NDArray[np.float32], inside_image: Mask, margin: int, *, by_side: bool = False
) -> bool | None:
    """Whether a blob's colour (its `core`) just inside the document's edge is found just outside it, where
    it meets the edge; None when nothing beyond the edge can be seen (the photo's own edge). `by_side`: each
    side holding RUN_ON_SIDE_SHARE of the blob's edge pixels is judged alone, and one that matches is enough
    (an object over a corner); else all the edge pixels are judged together (a hand's skin, as calibrated).

    `lab` and `inside_image` are the surround (the document at [margin:-margin, margin:-margin])."""
    h, w = core.shape
    band = max(2, round(EDGE_BAND * min(h, w)))
    step = 2 * band
    ys, xs = np.nonzero(core)
    to_side = np.stack([xs, w - 1 - xs, ys, h - 1 - ys])
    near = to_side.min(axis=0) < band
    ys, xs, side = ys[near], xs[near], to_side[:, near].argmin(axis=0)
    # Straight out across the nearest side, `step` beyond the edge.
    out_x = np.select([side == 0, side == 1], [-step, w - 1 + step], xs) + margin
    out_y = np.select([side == 2, side == 3], [-step, h - 1 + step], ys) + margin
    # The surround's margin is wider than `step` (views.SURROUND_SHARE); the clip only guards the indexing.
    out_x = np.clip(out_x, 0, inside_image.shape[1] - 1)
    out_y = np.clip(out_y, 0, inside_image.shape[0] - 1)
    seen = inside_image[out_y, out_x]
    if int(seen.sum()) < 5:
        return None  # the edge is the photo's own edge: nothing beyond it to compare

    def same_colour(at: NDArray[np.bool_]) -> bool:
        just_inside = np.median(lab[ys[at] + margin, xs[at] + margin], axis=0)
        just_outside = np.median(lab[out_y[seen & at], out_x[seen & at]], axis=0)
        return float(np.linalg.norm(just_inside - just_outside)) < SAME_COLOUR

    if not by_side:
        return same_colour(np.ones(len(side), bool))
    # Side by side: a thing over a corner runs on past one side and may end at the other (a marker's tip).
    least = max(5, RUN_ON_SIDE_SHARE * len(side))
    return any(int((seen & (side == k)).sum()) >= least and same_colour(side == k) for k in np.unique(side))


def crossing_colour(surround: RGB, inside_image: Mask, margin: int, ignore: Mask) -> Mask:
    """Pixels of the document covered by coloured things that cross its edge, shape of the document (none
    when they would cover more than MAX_COVERED of it).

    `surround` is the flat document with a band of `margin` px of the photo around it (`inside_image` False
    where that band runs beyond the photo); `ignore` marks document pixels already accounted for (fingers).
    """
    document = surround[margin:-margin, margin:-margin]
    covered = np.zeros(document.shape[:2], bool)
    blobs = _colourful_blobs(document, ignore)
    if not blobs:
        return covered
    lab = _lab(surround)
    for blob, core in blobs:
        if _runs_on(core, lab, inside_image, margin, by_side=True):
            covered |= blob
    if covered.mean() > MAX_COVERED:
        covered[:] = False
    return covered


def skin_running_on(skin: Mask, surround: RGB, inside_image: Mask, margin: int) -> Mask:
    """The blobs of `skin` (skin-coloured blobs entering the document from its edge, shape of the document)
    whose colour runs on past the edge, as a hand holding the document does, and those at the photo's own
    edge, where nothing beyond can be seen. A colour document's own peach or pink print at its edge stops
    there (SAME_COLOUR, whose calibration counted the thumbs over colour cards at 6.1-17.5)."""
    kept = np.zeros(skin.shape, bool)
    count, labels = cv2.connectedComponents(skin.astype(np.uint8), connectivity=8)
    if count <= 1:
        return kept
    lab = _lab(surround)
    for label in range(1, count):
        blob = labels == label
        if _runs_on(blob, lab, inside_image, margin) is not False:
            kept |= blob
    return kept
