"""Document localisation: the outline (a quadrilateral) of the ID card, passport page or A4 sheet in an image.

Found on a reduced view, first as four straight edges with clean corners around printed text
(outline_lines.py: survives a finger over a side, a newspaper under the card, a larger sheet around it), then,
when that finds nothing, as a long closed edge that a convex quadrilateral fits. The
image border is added to the edge map so that a document cut by the frame still closes (its corners on the
frame are the cut ones). A flat scan or render that fills the frame has no such border: when no quadrilateral
stands out but the image is full of printed text, the whole frame is the document.

A document found whole has its sides re-fitted on the full-resolution image (outline_refine.py), so its
corners are exact to a fraction of a full-resolution pixel, not to a view pixel.

Other checks and other domains reuse the result through `document_outline(capture)` (cached on the Capture).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Capture, Fact
from workers.checks.locate.contrast import colourfulness, stretch_table
from workers.checks.locate.geometry import CORNER_NAMES, Quad, order_corners, quad_area, quad_iou
from workers.checks.locate.mrz_page import MRZ_PAGE
from workers.checks.locate.outline_choose import find_document
from workers.checks.locate.outline_contour import (
    BORDER_TOLERANCE,
    Candidate,
    candidates,
    edge_maps,
    frame_quad,
    is_frame,
    sides_on_border,
)
from workers.checks.locate.outline_refine import refine_corners
from workers.checks.locate.scaled import reduced_view
from workers.checks.locate.text import text_line_mask

# Longer side of the view the outline is searched on, before rounding the reduction to a whole number (views
# of 430-840 px in practice: 533 px for a 1600 px photo, 576 px for a 12 MP one). A card filling a fifth of
# the frame stays ~230 px wide, its border a clean edge, at a few milliseconds per edge pass. On the
# generated cut-corner set 560 found one more cut document in 30 than 640 did (a 1600 px photo at 800 px).
ANALYSIS_SIDE = 560
# Smallest document the straight-edge search (outline_lines.py) reports: the calibration half's DLC-2021
# documents cover 7.6 % of the frame and more; below 6 % a box on a flat specimen (a hologram: 5 % on
# id_fail.png, a barcode) is as likely, and the contour search still looks there.
EDGE_MIN_AREA = 0.06
# Sides within this share of the view's longer side from the frame run along it: the calibration half's
# DLC-2021 documents have at most one side that close (lva_passport 07), the band of a flat visa render
# above its MRZ two or three.
EDGE_BORDER_MARGIN = 0.03
# A straight-edge document with a side this weakly supported (share of its length carrying the edge; the
# calibration documents' unobstructed sides measure 0.74-1.0, a side under fingers or a hand 0.33-0.67) is
# checked against the contour search, whose outline is kept when it overlaps it by SAME_DOCUMENT (IoU): the
# contour around a held card keeps the part under the fingers (docsaid_midv2020 card: the straight-edge left
# side followed the thumb).
WEAK_SIDE = 0.7
SAME_DOCUMENT = 0.8
# A side whose edge runs on past one of its corners over half the stretch looked at (outline_lines._extension,
# averaged over both ends: 0.25). The box right of the portrait of a generated card cut by the frame measures
# 0.36-0.5 (its header band's edge runs on across the portrait); real documents with a finger over a side,
# whose weak side sends them to the same test, 0.03-0.07 (DLC-2021 alb_id 02 cg0003, grc_passport 04 cg0005).
INNER_BOX_RUN_ON = 0.25
# A cut outline holds a straight-edge box when it covers 85 % of it and is a tenth larger. In the generated cut
# scenes the box right of a card's portrait is 17-20 % smaller than the cut card's outline and overlaps it by
# 90 % (the contour may run under the card's header band, the box over it): both limits leave that margin.
HOLDS_SHARE = 0.85
HOLDS_LARGER = 1.1
# A candidate this large is the document whatever lies around it (the rest of the frame is too small to be
# the rest of a flat document).
SURE_AREA = 0.5
# Share of the image in text lines above which a frame without a found border is taken as a flat document
# (fixture renders 4-12 %, corpus specimens 3-15 %, plain and cluttered empty backgrounds < 0.5 %).
MIN_TEXT_FOR_FLAT = 0.015
# The same read down the frame (a page saved sideways), where more is needed: hair, stripes and a face's
# features also run that way (the corpus's face photos, both halves, hold up to 3.7 % text lines down the
# frame and under 1.5 % across), while the pages on their side hold 12-16 % (the Australian passport
# specimen turned by 90 degrees, check half; the calibration half holds no page saved sideways).
MIN_TEXT_DOWN_FOR_FLAT = 0.06
# Text-line share around a candidate above which it is a box inside a page whatever its own density: six times
# the most a cluttered background showed (0.5 %), below the 3-15 % of rendered and specimen pages.
PAGE_TEXT_AROUND = 0.03
# A quadrilateral this large, with corners on the image border, is a flat scan cropped tight to the document
# or an inner frame of one (corpus specimen renders measure 0.84-0.96), not a document cut by the frame
# (generated cut documents show 0.2-0.5 of the frame). A close-up cut this large is therefore not reported.
FLAT_AREA = 0.7
# What makes a candidate more than a patch of table: some text lines (0.2 % of its area; generated documents
# 3-12 %), or a grey-level spread of 10+ (plain generated tables 2-5, blurred or dim documents 12+).
MIN_TEXT_INSIDE = 0.002
MIN_INTERIOR_STD = 10.0
# Colour distance (CIELAB units, between medians) from the document's edge band to the frame outside a large
# outline on the border, above which the outside is a background: the document is a close-up cut by the frame,
# not a flat scan. Flat corpus specimens (inner frames, tight crops) measure 1-15, generated close-ups cut by
# the frame on tables 106-203 (bench/calibrate_quality.py, "cut close-up"), id_fail.png's white surround 32.
MIN_BACKGROUND_DISTANCE = 25.0
# The edge outline is kept where it overlaps the page placed from the MRZ (mrz_page.py) by at least this (IoU):
# on the real corpus's calibration half the edge outlines of the TD3 captures overlap the placed page by 0.60
# and more (0.86 and more where a ground-truth quad shows the edge outline right), except the three that missed
# the page (the frame around a copy on a newspaper or under pink light, a window behind a held copy): 0.28-0.33.
SAME_PAGE = 0.5
# A frame with a TD3 passport's proportions, a page's (88 x 125 mm) or its two-page spread's (125 x 176 mm; ICAO
# Doc 9303 part 4), within this share, is a scan or a crop of the passport itself, not a photo of it lying
# somewhere: a frame the edge search took whole stays the outline there (the corpus's scan of a Russian passport
# opened at its data page, 1493 x 2118, is the spread; the phone frames are 9 x 16).
PASSPORT_PROPORTIONS = (88 / 125, 125 / 176)
SAME_PROPORTIONS = 0.05


TextMask = Callable[[], NDArray[np.bool_]]  # the view's text lines, built on first call


@dataclass(frozen=True)
class Outline:
    """Where the document is, in full-resolution pixel coordinates of the upright image."""

    corners: Quad  # (4, 2) float, ordered top-left, top-right, bottom-right, bottom-left
    image_size: tuple[int, int]  # (width, height) of the full image
    fills_frame: bool  # a flat scan/render: the frame itself is taken as the outline
    cut_corners: tuple[str, ...]  # names of corners lying on the image border (cut off by the frame)
    held: bool = False  # searched as a document held in a photo (a selfie), never as a flat scan
    rough: bool = False  # placed by a weak feature match: right place, corners too loose for geometry checks

    @property
    def tag(self) -> str:
        """Suffix for names of views derived from this outline (a selfie's held document vs a document)."""
        return ":held" if self.held else ""

    @property
    def polygon(self) -> list[list[float]]:
        return [[round(float(x), 1), round(float(y), 1)] for x, y in self.corners]

    @property
    def is_whole_frame(self) -> bool:
        """The outline is the image's own frame (a flat scan or render), not a quadrilateral found in it."""
        w, h = self.image_size
        return bool(np.array_equal(self.corners, frame_quad(w, h)))

    @property
    def area_fraction(self) -> float:
        """Share (0-1) of the frame the document covers."""
        w, h = self.image_size
        return quad_area(self.corners) / float(w * h)


def _quad_mask(quad: Quad, shape: tuple[int, int]) -> NDArray[np.uint8]:
    """1 inside `quad`, 0 elsewhere: 8-bit, for OpenCV's masked counts (several times numpy's boolean indexing)."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1)
    return mask


def _count(mask: NDArray[np.uint8] | NDArray[np.bool_], within: NDArray[np.uint8] | None = None) -> int:
    """Set pixels of `mask` (inside `within` if given)."""
    plain = mask.view(np.uint8)
    return int(cv2.countNonZero(plain if within is None else cv2.bitwise_and(plain, within)))


def _is_part_of_flat_page(cand: Candidate, text: NDArray[np.bool_]) -> bool:
    """True when printed text continues outside the candidate: it is a box inside a page (a portrait, a
    table) that fills the frame, not a document lying on a background."""
    inside = _quad_mask(cand.quad, text.shape)
    area_in = _count(inside)
    area_out = text.size - area_in
    lines_in = _count(text, inside)
    text_in = lines_in / area_in if area_in else 0.0
    text_out = (_count(text) - lines_in) / area_out if area_out else 0.0
    # A background holds at most stray text-like blobs (< 0.5 % measured on the cluttered fixture scenes);
    # a page around a box holds text at a density comparable to the box's own, or at least at several times
    # any background's (an ID card's field block holds 41 % text lines, the card around it 9 %).
    return text_out > 0.005 and (text_out > 0.3 * text_in or text_out > PAGE_TEXT_AROUND)


def _holds_document(outer: Candidate, candidates: list[Candidate], text: NDArray[np.bool_]) -> bool:
    """True when a smaller text-bearing candidate (at least 15 % of `outer`) lies inside `outer`."""
    shape = text.shape
    outside_outer = 1 - _quad_mask(outer.quad, shape)
    for inner in candidates:
        if inner.area >= outer.area or inner.area < 0.15 * outer.area:
            continue
        inner_mask = _quad_mask(inner.quad, shape)
        area = _count(inner_mask)
        if _count(inner_mask, outside_outer) <= 0.05 * area and _count(text, inner_mask) > 0.01 * area:
            return True
    return False


def _has_content(cand: Candidate, text: TextMask, gray: NDArray[np.uint8]) -> bool:
    """A document carries print: grey-level variation (a portrait, a band), or at least text lines."""
    inside = _quad_mask(cand.quad, gray.shape)
    _, spread = cv2.meanStdDev(gray, mask=inside)
    if float(spread[0, 0]) >= MIN_INTERIOR_STD:
        return True
    area = _count(inside)
    return area > 0 and _count(text(), inside) >= MIN_TEXT_INSIDE * area


def cut_corners(quad: Quad, w: int, h: int, tolerance: float = BORDER_TOLERANCE) -> tuple[str, ...]:
    """Names of the corners of `quad` lying within `tolerance` pixels of the border of a w x h image, or beyond."""
    return tuple(
        name for name, (x, y) in zip(CORNER_NAMES, quad, strict=True) if min(x, y, w - 1 - x, h - 1 - y) <= tolerance
    )


def _background_around(quad: Quad, lab: NDArray[np.uint8]) -> bool:
    """True when the frame outside `quad` differs in colour from the band just inside its edge: a table
    around a document, not the margin of the same page."""
    h, w = lab.shape[:2]
    inside = _quad_mask(quad, (h, w))
    reach = max(3, round(0.03 * max(h, w)))
    core = cv2.erode(inside, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    band, outside = (inside > core), inside == 0
    if not band.any() or not outside.any():
        return False
    difference = np.median(lab[outside], axis=0).astype(np.float64) - np.median(lab[band], axis=0)
    return float(np.linalg.norm(difference)) >= MIN_BACKGROUND_DISTANCE


def _choose(
    candidates: list[Candidate], text: TextMask, gray: NDArray[np.uint8], lab: NDArray[np.uint8], held: bool
) -> tuple[Quad, bool, tuple[str, ...]] | None:
    h, w = gray.shape
    chosen: Candidate | None = None
    for cand in candidates:
        if not _has_content(cand, text, gray):
            continue  # an empty patch of table between edges of its shading or grain
        if sides_on_border(cand.quad, w, h) and _holds_document(cand, candidates, text()):
            continue  # a region between background edges and the frame, with the document inside it
        if held or cand.area >= SURE_AREA or not _is_part_of_flat_page(cand, text()):
            chosen = cand
            break
    if chosen is None:
        return None
    cut = cut_corners(chosen.quad, w, h)
    if cut and chosen.area >= FLAT_AREA and not held:
        if not _background_around(chosen.quad, lab):
            return chosen.quad, True, ()
        return chosen.quad, False, cut  # a close-up with a table around it, cut by the frame at up to 4 corners
    if len(cut) < 4:
        return chosen.quad, False, cut
    # Four corners on the border of a quadrilateral smaller than the frame: a band between two background
    # edges, not a document.
    return None


def find_outline(rgb: NDArray[np.uint8], *, held: bool = False) -> tuple[Quad, bool, tuple[str, ...]] | None:
    """(corners, fills_frame, cut corner names) in the coordinates of `rgb`, or None if no document is seen.

    `held`: the document is held up in a photo of a person (a selfie): it is never the whole frame, and print
    around it (a T-shirt, a poster) does not make it part of a page.

    `rgb` should be a reduced view (longer side ~500-850 px): the search is not scale-free.
    """
    h, w = rgb.shape[:2]
    original_gray = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    table = stretch_table(original_gray)
    gray = original_gray
    if table is not None:
        # Stretched to the grey's 1st-99th percentile: an underexposed photo keeps its edges above the fixed
        # edge thresholds.
        rgb = np.asarray(cv2.LUT(rgb, table), dtype=np.uint8)
        gray = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)

    @cache
    def text() -> NDArray[np.bool_]:
        return text_line_mask(gray)  # built only when a decision needs it

    lab = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB), dtype=np.uint8)

    def contour_search() -> tuple[Quad, bool, tuple[str, ...]] | None:
        # The thin edge map first; the thickened one (closing gaps left by glare or low contrast) only if needed.
        for edges in edge_maps(lab):
            found = _choose(candidates(edges), text, original_gray, lab, held)
            if found is not None:
                return found
        if not held and _flat_page(gray, text):
            return frame_quad(w, h), True, ()
        return None

    if held:
        return contour_search()
    # Four straight, clean-cornered edges around printed text: the document, even where its contour does not
    # close (a finger over a side) or a larger sheet, a newspaper or a hand competes with it.
    edged = find_document(gray, EDGE_MIN_AREA)
    if edged is None:
        # No such edges in grey levels: a grey copy as light as the wood or newspaper under it still differs from
        # it in colour (contrast.CHROMA_GAIN). Only then, so that what the grey levels find stays as it was.
        edged = find_document(gray, EDGE_MIN_AREA, edges_of=colourfulness(lab))
    on_frame = 0 if edged is None else sides_on_border(edged.quad, w, h, EDGE_BORDER_MARGIN * max(w, h))
    if edged is None or on_frame >= 2:
        # Two sides along the frame: a region of a flat render or scan whose own edges are the frame (the upper
        # part of a visa above its MRZ): the page is judged by the contour search, as before.
        return contour_search()
    if cut_corners(edged.quad, w, h):
        # A corner on the frame: perhaps a document cut by it, whose inner lines (a header band, the portrait's
        # edge) and its own visible sides close a smaller box. The contour search closes the document with the
        # frame; where it finds a cut document holding this box, that is the document (generated cut scenes: 4
        # of 30 had been taken for such an inner box, bench/calibrate_quality.py).
        contour = contour_search()
        if contour is not None and contour[2] and _holds(contour[0], edged.quad):
            return contour
    if float(edged.support.min()) < WEAK_SIDE:
        # A side with a finger over it may have been taken along the finger's edge: where the closed contour
        # around the whole held card is nearly the same document, its outline keeps the covered part.
        contour = contour_search()
        if contour is not None and not contour[1] and quad_iou(contour[0], edged.quad) >= SAME_DOCUMENT:
            return contour
        # A weak side and a side whose edge runs on past a corner: a box inside a document (right of its
        # portrait, closed by the header band's edge running on across the portrait) whose own left part is cut
        # by the frame. The contour search closes that document with the frame.
        inner_box = float(edged.extension.max()) >= INNER_BOX_RUN_ON
        if inner_box and contour is not None and contour[2] and _holds(contour[0], edged.quad):
            return contour
    # A page this large with the same paper around it is a flat scan with an inner frame (as _choose does).
    flat = quad_area(edged.quad) >= FLAT_AREA * w * h and not _background_around(edged.quad, lab)
    # Corners on the frame are cut ones, as for the contour search (the straight-edge box of a document cut by
    # the frame has the frame for a side).
    return edged.quad, flat, () if flat else cut_corners(edged.quad, w, h)


def _flat_page(gray: NDArray[np.uint8], text: TextMask) -> bool:
    """Whether the view is full of printed text lines, read across it or, when too few run that way, down it:
    a page scanned or saved sideways prints its lines top to bottom (the corpus's Australian passport specimen
    turned by 90 degrees holds 1.3 % text lines across and 16 % down; upright, 16 % across)."""
    if float(text().mean()) >= MIN_TEXT_FOR_FLAT:
        return True
    return float(text_line_mask(np.ascontiguousarray(np.rot90(gray))).mean()) >= MIN_TEXT_DOWN_FOR_FLAT


def _holds(outer: Quad, inner: Quad) -> bool:
    """`outer` covers nearly all of `inner` and is clearly larger: the document around a box inside it."""
    inter, _ = cv2.intersectConvexConvex(outer.astype(np.float32), inner.astype(np.float32))
    return bool(inter >= HOLDS_SHARE * quad_area(inner) and quad_area(outer) >= HOLDS_LARGER * quad_area(inner))


# The document's outline in a capture, found once: as a document photo (from its edges, then as the document
# checks read it, placed from its MRZ where the edges missed the page), or as a card held in a selfie.
EDGE_OUTLINE: Fact[Outline | None] = Fact("locate.edge_outline", needs=("locate.reduced_view",))
DOCUMENT_OUTLINE: Fact[Outline | None] = Fact(
    "locate.document_outline", needs=("locate.edge_outline", "locate.mrz_page")
)
HELD_DOCUMENT_OUTLINE: Fact[Outline | None] = Fact("locate.held_document_outline", needs=("locate.reduced_view",))


def _found_by_edges(capture: Capture, *, held: bool) -> Outline | None:
    small, scale = reduced_view(capture, ANALYSIS_SIDE)
    found = find_outline(small, held=held)
    if found is None:
        return None
    quad, fills, cut = found
    corners = quad * scale
    if fills and is_frame(quad, small.shape[1] + 1, small.shape[0] + 1):
        corners = frame_quad(capture.width, capture.height)  # exact, free of rounding
    elif not fills and not cut and not held:
        corners = refine_corners(capture.rgb, corners, scale)
    return Outline(corners, (capture.width, capture.height), fills, cut, held)


def edge_outline(capture: Capture) -> Outline | None:
    """The document's outline in `capture` as its edges give it (full-resolution coordinates), computed once per
    Capture: what the readers look for text in, before any of them has read where the page is."""
    return capture.cached(EDGE_OUTLINE, lambda: _found_by_edges(capture, held=False))


def prefers_placed_page(edge: Outline | None, page: Quad, size: tuple[int, int]) -> bool:
    """Whether the page placed from the MRZ (`page`, mrz_page.MRZ_PAGE) is the document rather than the edge
    outline: the page lies wholly inside the frame, is not a scan filling it (FLAT_AREA), and the edge outline
    is missing, closed by the frame (cut corners), another region (overlapping the page by less than SAME_PAGE
    and not holding it: an open passport's two pages hold its data page), or the frame itself where the frame
    does not have the passport's own proportions (PASSPORT_PROPORTIONS: then it is a scan of it)."""
    width, height = size
    proportions = min(width, height) / max(width, height)
    if (
        edge is not None
        and edge.fills_frame
        and any(abs(proportions - passport) <= SAME_PROPORTIONS * passport for passport in PASSPORT_PROPORTIONS)
    ):
        return False
    if cut_corners(page, width, height) or quad_area(page) >= FLAT_AREA * width * height:
        return False  # a page running out of the frame is the edge outline's to judge (cut), a scan's the frame's
    if edge is None or edge.fills_frame:
        return True
    if quad_iou(edge.corners, page) >= SAME_PAGE:
        return False
    # Another region. One the frame closes (a corner on it: a window behind a held copy) gives way; a whole
    # quadrilateral inside the frame that holds the page is the passport opened at it (the facing page beside
    # the data page), or the page with its margin: the edges found the document.
    return bool(edge.cut_corners) or not _holds(edge.corners, page)


def document_outline(capture: Capture, *, held: bool = False) -> Outline | None:
    """The document's outline in `capture` (full-resolution coordinates), computed once per Capture: the edge
    outline, or the page placed from its MRZ where the identity reader read a TD3 zone whose page the edges
    missed (prefers_placed_page). Asked for by the checks, after the readers.

    `held=True` for a selfie: the document held up next to the face (cached as "held_document_outline").
    """
    if held:
        return capture.cached(HELD_DOCUMENT_OUTLINE, lambda: _found_by_edges(capture, held=True))

    def build() -> Outline | None:
        edge = edge_outline(capture)
        page = capture.computed(MRZ_PAGE)
        if page is None or not prefers_placed_page(edge, page, (capture.width, capture.height)):
            return edge
        return Outline(order_corners(page), (capture.width, capture.height), fills_frame=False, cut_corners=())

    return capture.cached(DOCUMENT_OUTLINE, build)
