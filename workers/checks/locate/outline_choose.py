"""Which straight-edged quadrilateral (outline_lines.py) is the document: the best-scored one with printed
text along its long side that is not a frame printed around a box on a page; a blank sheet carrying a smaller
document gives way to it; a quadrilateral closed by a band printed across the document (a dark header) gives
way to the whole document, and so does one of no document's shape closed by a line inside the document (the
rule above a passport's MRZ) where the whole document has a document's shape, or closed by a line beyond it (a
grain line of the table) where the document inside it has.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.locate.contrast import stretched
from workers.checks.locate.geometry import Quad, aspect_ratio, rectified_size
from workers.checks.locate.outline_lines import (
    ALIGN_COS,
    GRADIENT_MIN,
    SEARCH_OFFSETS,
    EdgeQuad,
    edge_quads,
)
from workers.checks.locate.text import text_line_mask

# Width (px) the inside of a candidate is rectified to before looking for text lines: text.py's working size.
RECTIFIED_WIDTH = 640


def rectified(gray: NDArray[np.uint8], quad: Quad) -> NDArray[np.uint8]:
    """The inside of `quad` seen flat, its longer side horizontal (a document's text runs along it)."""
    width, height = rectified_size(quad)
    corners = quad.astype(np.float32)
    if height > width:
        corners = np.roll(corners, -1, axis=0)  # start at the top-right corner: the long side becomes the top
        width, height = height, width
    size = (RECTIFIED_WIDTH, max(8, round(RECTIFIED_WIDTH * height / max(width, 1.0))))
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], np.float32)
    warp = cv2.getPerspectiveTransform(corners, target)
    return np.asarray(cv2.warpPerspective(gray, warp, size, flags=cv2.INTER_LINEAR), np.uint8)


# Least score (mean side support less mean run-on) of a document: the calibration documents score 0.6-1.0
# (0.6 with a finger over one side); faces photos' best straight-edged quadrilaterals 0.3-0.77 (without text).
MIN_SCORE = 0.6
# Least share of text lines in the rectified inside, along its long side: the calibration documents hold
# 3.3-15 % (text.py's detector; 0.3-2.8 % across it; 3.3-18.6 % contrast-stretched, their ground-truth
# quadrilaterals), a portrait photo on a specimen page 0.8-1.6 %.
MIN_TEXT = 0.02
# A printed frame line, not a document's border: across the side, the grey just inside and just outside (2-6 px
# away) differ by less than this share of how much darker the line itself is than both. A document's border is
# a step between it and what lies beyond; a rule printed around a box on a page has paper on both sides.
LINE_NOT_STEP = 0.5
# Candidates examined for text (the best-scored ones): each costs a warp and a text-line pass (~3 ms).
TEXT_CANDIDATES = 8
# A sheet carrying a document: the inner candidate covers at most this share of the outer one (an ID card on
# an A4 sheet 7 %, a passport page 18 %; a portrait box covers a third of a card but holds no text), and the
# ring between them is blank paper: its share of busy pixels at most this share of the inner one's.
CARRIER_INNER_AREA = 0.6
CARRIER_BLANK = 0.25
# How much lower a candidate sharing three sides with the chosen one and enclosing it may score and still be
# the document (its fourth side weaker: a dark header band against a dark table; the generated cards lose
# 0.003-0.07).
WIDER_SCORE_LOSS = 0.1
# ... and the share of the stretch the two shared sides add that must carry their edge (a document's own side
# runs on with it; a strip of background added by an unrelated line does not).
WIDER_RUN = 0.8
# Document formats, longer over shorter side: ISO/IEC 7810 ID-1 (85.60 x 53.98 mm: ID cards, licences) and
# ID-2/ID-3 (105 x 74 and 125 x 88 mm: visas, passport pages; A4 is 1.414 too).
FORMAT_ASPECTS = (1.586, 1.420)
# How far a document seen in a photo may be from its format's aspect (perspective, a side a little off): the
# calibration half's ground-truth quadrilaterals measure -3.8 % (a passport page) to +7.7 % (the MIDV-500
# Turkish card); 8 % spans them.
FORMAT_TOLERANCE = 0.08
# How much lower a candidate of a document's shape may score than a chosen one of no document's shape that it
# encloses, sharing three sides (its fourth side weaker: a finger or a fold over it): the calibration half's
# such documents lose 0.07 (DLC-2021 rus_internalpassport 02 cg0004, srb_passport 04 cg0005). The same limit
# holds for one lying inside it (no such frame in the calibration half; the check half's est_id 04 cg0005
# loses 0.003).
FORMAT_SCORE_LOSS = 0.1
# Gradient (grey levels per pixel, Sobel / 4) above which a pixel is print (text, a portrait, a pattern), not
# paper: on the calibration frames 7-47 % of a document's inside is that busy, the blank margin of paper
# between two outlines of one card 0-4 %.
BUSY_GRADIENT = 20.0


def text_shares(gray: NDArray[np.uint8], quad: Quad) -> tuple[float, float]:
    """Shares of text lines in the rectified inside of `quad` running along its long side and across it.

    The inside is contrast-stretched first: a card printed in pale ink, held up against a bright wall (the
    getcontrol Interpol and Hong Kong permit cards, xpo IMG_2267 calibration half and chn IMG_2230 check half),
    draws strokes fainter than the text detector's black-hat threshold: they read 1.1 % and 0.3 % text lines
    as they are, under MIN_TEXT, and the card was not found at all; stretched, 9.6 % and 6.4 %."""
    flat = stretched(rectified(gray, quad))
    along = float(text_line_mask(flat).mean())
    if along < MIN_TEXT:
        return along, 0.0  # not a document either way: the second pass is not needed
    return along, float(text_line_mask(np.ascontiguousarray(np.rot90(flat))).mean())


def card_text(gray: NDArray[np.uint8], quad: Quad) -> bool:
    """Printed text inside `quad`, running along its long side as on an ID card or a passport page. A portrait
    page (a bill, a letter) prints across its long side: it is left to the contour search."""
    along, across = text_shares(gray, quad)
    return along >= MIN_TEXT and along >= across


def printed_frame(gray: NDArray[np.uint8], quad: Quad) -> bool:
    """True when at least three sides of `quad` are thin printed lines with the same paper on both sides."""
    centre = quad.mean(axis=0)
    lines = 0
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        length = float(np.linalg.norm(b - a))
        direction = (b - a) / max(length, 1e-9)
        normal = np.array([-direction[1], direction[0]])
        if float((centre - a) @ normal) < 0:
            normal = -normal  # pointing inwards
        t = np.linspace(0.1, 0.9, 24) * length
        offsets = np.arange(-6.0, 7.0)
        points = a + t[:, None, None] * direction + offsets[None, :, None] * normal
        xs, ys = points[..., 0].astype(np.float32), points[..., 1].astype(np.float32)
        grey = np.asarray(cv2.remap(gray, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), np.float64)
        profile = np.median(grey, axis=0)
        outside, inside, middle = profile[0:5].mean(), profile[8:13].mean(), profile[4:9].min()
        darker = min(inside, outside) - middle
        lines += bool(darker > 0 and abs(inside - outside) < LINE_NOT_STEP * darker)
    return lines >= 3


def may_be_document(gray: NDArray[np.uint8], quad: Quad) -> bool:
    """`quad` may be the document: text runs along it inside (card_text) and it is not a frame printed around a
    box on a page (printed_frame)."""
    return card_text(gray, quad) and not printed_frame(gray, quad)


def _mask(quad: Quad, shape: tuple[int, int]) -> NDArray[np.uint8]:
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1)
    return mask


def _ring_busy(outer: EdgeQuad, inner: EdgeQuad, busy: NDArray[np.uint8]) -> tuple[float, float, float] | None:
    """(ring busy share, inner busy share, inner area / outer area) for `inner` lying inside `outer`, the
    ring being the part of `outer` around `inner` clear of both outlines by 3 px; None if not inside."""
    shape = (busy.shape[0], busy.shape[1])
    inner_mask, outer_mask = _mask(inner.quad, shape), _mask(outer.quad, shape)
    inner_area, outer_area = int(cv2.countNonZero(inner_mask)), int(cv2.countNonZero(outer_mask))
    if inner_area == 0 or outer_area == 0:
        return None
    if cv2.countNonZero(cv2.bitwise_and(inner_mask, 1 - outer_mask)) > 0.05 * inner_area:
        return None  # not inside
    kernel = np.ones((7, 7), np.uint8)
    ring = cv2.bitwise_and(cv2.erode(outer_mask, kernel), 1 - cv2.dilate(inner_mask, kernel))
    core = cv2.erode(inner_mask, kernel)
    ring_area, core_area = cv2.countNonZero(ring), cv2.countNonZero(core)
    if ring_area == 0 or core_area == 0:
        return None
    ring_busy = cv2.countNonZero(cv2.bitwise_and(busy, ring)) / ring_area
    core_busy = cv2.countNonZero(cv2.bitwise_and(busy, core)) / core_area
    return ring_busy, core_busy, inner_area / outer_area


def _carries(outer: EdgeQuad, inner: EdgeQuad, busy: NDArray[np.uint8]) -> bool:
    """True when `outer` is a blank sheet with `inner` lying on it."""
    found = _ring_busy(outer, inner, busy)
    if found is None:
        return False
    ring_busy, core_busy, share = found
    return share <= CARRIER_INNER_AREA and ring_busy <= CARRIER_BLANK * core_busy


def _continues(
    gx: NDArray[np.float32], gy: NDArray[np.float32], a: NDArray[np.float64], b: NDArray[np.float64]
) -> float:
    """Share of the segment a-b carrying an edge across it of one polarity (as a side's support)."""
    length = float(np.linalg.norm(b - a))
    if length < 2:
        return 1.0
    direction = (b - a) / length
    normal = np.array([-direction[1], direction[0]])
    t = np.arange(0.0, length, 1.0)
    best = np.zeros(len(t), np.float32)
    for step in SEARCH_OFFSETS:
        points = a + t[:, None] * direction + step * normal
        xs, ys = points[:, 0:1].astype(np.float32), points[:, 1:2].astype(np.float32)
        sx = np.asarray(cv2.remap(gx, xs, ys, cv2.INTER_LINEAR), np.float32).ravel()
        sy = np.asarray(cv2.remap(gy, xs, ys, cv2.INTER_LINEAR), np.float32).ravel()
        across = sx * normal[0] + sy * normal[1]
        aligned = np.where(np.abs(across) >= ALIGN_COS * np.hypot(sx, sy), across, np.float32(0))
        best = np.where(np.abs(aligned) > np.abs(best), aligned, best)
    return float(max((best >= GRADIENT_MIN).mean(), (best <= -GRADIENT_MIN).mean()))


def _inside_on_three_sides(inner: EdgeQuad, outer: EdgeQuad) -> bool:
    """`inner` lies inside `outer` (95 % of it) and shares three of its sides: the two are one document's
    outline closed on its fourth side by two different lines (its own edge, and a line inside it or beyond it)."""
    area = cv2.contourArea(inner.quad.astype(np.float32))
    if len(inner.lines & outer.lines) != 3 or cv2.contourArea(outer.quad.astype(np.float32)) <= area:
        return False
    inter, _ = cv2.intersectConvexConvex(outer.quad.astype(np.float32), inner.quad.astype(np.float32))
    return bool(inter >= 0.95 * area)  # 95 %: corners fitted on the shared lines may stray a pixel outside


def _run_on(best: EdgeQuad, other: EdgeQuad, gx: NDArray[np.float32], gy: NDArray[np.float32]) -> list[float] | None:
    """Where `other` contains `best` and shares three of its sides: how much of the stretch each of the two
    shared sides adds carries their edge (`_continues`); None when `other` is not such a wider quadrilateral."""
    if not _inside_on_three_sides(best, other):
        return None
    # The two corners of `best` that are not corners of `other`, each joined to the nearest of `other`'s.
    gaps = np.linalg.norm(best.quad[:, None, :] - other.quad[None, :, :], axis=2)
    moved = np.argsort(gaps.min(axis=1))[2:]
    return [_continues(gx, gy, best.quad[i], other.quad[int(np.argmin(gaps[i]))]) for i in moved]


def _widened(best: EdgeQuad, candidates: list[EdgeQuad], gx: NDArray[np.float32], gy: NDArray[np.float32]) -> EdgeQuad:
    """The largest candidate that shares three sides with `best` and contains it, the two shared sides running
    on with edges all the way to its corners: a band printed across a document (a dark header against a dark
    table) closes a smaller quadrilateral on three of the document's sides."""
    for other in candidates:
        if other.score < best.score - WIDER_SCORE_LOSS:
            continue
        runs = _run_on(best, other, gx, gy)
        if runs is not None and min(runs) >= WIDER_RUN:
            return _widened(other, candidates, gx, gy)
    return best


def fits_a_format(quad: Quad) -> bool:
    """`quad` seen flat has the aspect of a document format (FORMAT_ASPECTS), within FORMAT_TOLERANCE: tighter
    than the contour search's shape filter (outline_contour, any aspect from a card's to a page's with room for
    steep perspective), which only tells a document from a text line or a square logo."""
    aspect = aspect_ratio(quad)
    return any(abs(aspect / standard - 1.0) <= FORMAT_TOLERANCE for standard in FORMAT_ASPECTS)


def _to_format(
    best: EdgeQuad,
    candidates: list[EdgeQuad],
    gx: NDArray[np.float32],
    gy: NDArray[np.float32],
    document: Callable[[Quad], bool],
) -> EdgeQuad:
    """`best`, or where it has no document's shape, the best-scored candidate of a document's shape with text
    inside that shares three of its sides and
    - contains it, one of the two shared sides running on with its edge: a line printed inside a passport page
      (the rule above its MRZ) closes a quadrilateral on three of the page's sides whose aspect is no format's
      (1.75-2.1 on the DLC-2021 passport frames), while the page's fourth side, paper against the table, is
      weak or under a finger (so one shared side may not run on);
    - or, failing that, lies inside it: a line beyond the document (a grain line of a wooden table) closes a
      quadrilateral on three of its sides, whose aspect is no format's either (DLC-2021 est_id 04 cg0005: the
      card 1.62, card and table 1.99, scored 0.003 higher).
    `document` is find_document's judgement of a quadrilateral (may_be_document, made once per quadrilateral)."""
    if fits_a_format(best.quad):
        return best
    shaped = [c for c in candidates if c.score >= best.score - FORMAT_SCORE_LOSS and fits_a_format(c.quad)]
    for other in shaped:
        runs = _run_on(best, other, gx, gy)
        if runs is None or max(runs) < WIDER_RUN:
            continue
        if document(other.quad):
            return other
    for other in shaped:
        if _inside_on_three_sides(other, best) and document(other.quad):
            return other
    return best


def find_document(
    gray: NDArray[np.uint8], min_area: float, edges_of: NDArray[np.uint8] | None = None
) -> EdgeQuad | None:
    """The document among the straight-edged quadrilaterals of `edges_of` (by default `gray` itself), or None;
    the printed text that makes a quadrilateral the document is looked for in `gray`.

    In another view than `gray` a quadrilateral must differ from what lies beyond it the same way on all four
    sides (lighter all round, or darker all round): a document lying on a background does, while a panel of
    colour printed inside a page is bounded by white margin on some sides and by other print on the others."""
    found = edge_quads(gray if edges_of is None else edges_of, min_area)
    if edges_of is not None:
        found = [c for c in found if abs(float(c.polarity.sum())) == len(c.polarity)]
    scored = [c for c in found if c.score >= MIN_SCORE]
    candidates = scored[:TEXT_CANDIDATES]
    judged: dict[bytes, bool] = {}

    def document(quad: Quad) -> bool:
        """Printed text inside, and not a frame printed around a box (judged once, when first needed)."""
        key = np.asarray(quad, np.float64).tobytes()
        if key not in judged:
            judged[key] = may_be_document(gray, quad)
        return judged[key]

    first = next((i for i in range(len(candidates)) if document(candidates[i].quad)), None)
    if first is None:
        return None
    smooth = cv2.GaussianBlur(gray, (5, 5), 0)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    busy = (cv2.magnitude(gx, gy) >= 4 * BUSY_GRADIENT).astype(np.uint8)
    best = first
    changed = True
    while changed:
        changed = False
        for inner, candidate in enumerate(candidates):
            if inner != best and _carries(candidates[best], candidate, busy) and document(candidate.quad):
                best, changed = inner, True
                break
    gx4, gy4 = np.asarray(gx / 4, np.float32), np.asarray(gy / 4, np.float32)
    return _to_format(_widened(candidates[best], scored, gx4, gy4), found, gx4, gy4, document)
