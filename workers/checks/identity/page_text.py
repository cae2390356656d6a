"""Printed text of a page (bill, statement, certificate, letter): detect lines once, read the needed ones.

The upper part of a page is read first: addressee block, issue date and issuer sit there on bills and letters
(window-envelope layout, DIN 5008 / the common A4 business-letter layout); the rest is read only when the
caller's question is not answered yet. A page lying sideways or upside down is read the way its text runs
(`page_turn.py`): "upper" and "top" are then on the page stood upright.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Capture, Fact, shrunk
from workers.checks.context import DocumentContext
from workers.checks.identity import ocr
from workers.checks.identity.line_geometry import crop_line
from workers.checks.identity.page_turn import MIN_LINE_ASPECT, READING_DIRECTION, Quad, along, page_turn, to_page
from workers.checks.locate.outline import edge_outline
from workers.checks.locate.scaled import level_for

# Text lines are detected on a copy of the document's text area whose long side is at most this: A4 at 1600 px
# keeps 9 pt print ~12 px high, and rapidocr's detector (ocr.DET_SIDE, 960 px) gets a sharper source for its own
# resize. One size for every reader of a capture (the MRZ reader, the page readers), so they share one detection.
PAGE_SIDE = 1600
# The share of the page height read first (DIN 5008 puts the address field and date line in the top 40 %).
FIRST_PART = 0.45
# Text is detected inside the document's outline (its bounding box, widened by this share of its size on each
# side: an outline a few pixels inside the card still keeps the edge text) when the box covers at most
# MAX_AREA_SHARE of the frame. The detector sees at most ocr.DET_SIDE px: on a 3840 x 2160 phone frame where the
# card covers a quarter, its 2-3 mm captions shrink to ~5 px over the whole frame and ~20 px over the card's
# box. bench/printed_dates.py, real corpus: expiry read 23/75 | 25/69 over the frame, 33/78 | 27/69 in the box.
# Above MAX_AREA_SHARE the box is the frame, near enough, and the frame is read as it always was.
AREA_MARGIN = 0.05
MAX_AREA_SHARE = 0.6
# A reader that may stop within the top part (a bill's: poa.page_lines) first detects lines on the top part
# alone, at the scale the detector gives the whole page: detection is most of a page's cost (0.65 s of the
# standard bill's 0.75 s on one core, docs/speed.md) and grows with the pixels it sees. The part detected
# reaches a little below FIRST_PART, so that a line starting just above it is whole.
TOP_DETECTED = FIRST_PART + 0.05

Box = tuple[int, int, int, int]  # left, top, right, bottom in full-resolution pixels


@dataclass(frozen=True)
class DetectedText:
    """The text-line boxes the detector found in one area of a capture, and the view it ran on."""

    area: Box  # what the view shows, in full-resolution pixels
    view: NDArray[np.uint8]  # that area shrunk to at most PAGE_SIDE, RGB
    boxes: list[NDArray[np.float32]]  # 4x2 quads in full-resolution pixels


# The facts this module owns: the text lines detected in an area of a capture at a size (at(area, side)), the
# area's shrunk view, the detection of a band of its rows (a page's top part, a card's MRZ band), and a
# document's page lines (read once, shared by every check).
DETECTED_TEXT: Fact[DetectedText] = Fact("identity.detected_text", needs=("identity.area_view",))
AREA_VIEW: Fact[tuple[Box, NDArray[np.uint8]]] = Fact("identity.area_view", needs=("capture.halved",))
DETECTED_ROWS: Fact[DetectedText] = Fact("identity.detected_rows", needs=("identity.area_view",))
PAGE_LINES: Fact[list[PageLine]] = Fact(
    "identity.page_lines", needs=("identity.detected_rows", "identity.detected_text", "locate.edge_outline")
)


def detected_text(capture: Capture, area: Box | None, side: int = PAGE_SIDE) -> DetectedText:
    """Text lines detected in `area` of the capture (None: the whole frame) shrunk to at most `side` px, once per
    capture, area and side: the MRZ reader and the printed-dates reader of an ID front both read its text area,
    and a detection costs 0.2-0.4 s on one core at PAGE_SIDE (docs/speed.md), more than any other single step of
    reading a card (the MRZ reader's first look uses a smaller side, reader.QUICK_SIDE)."""

    def detect() -> DetectedText:
        shown, view = _area_view(capture, area, side)
        return DetectedText(shown, view, ocr.in_image(ocr.detect_text_boxes(view), view.shape[1], shown))

    return capture.cached(DETECTED_TEXT.at(area, side), detect)


def _area_view(capture: Capture, area: Box | None, side: int) -> tuple[Box, NDArray[np.uint8]]:
    """`area` of the capture (None: the whole frame) and its copy shrunk to at most `side` px, RGB, made once per
    capture (a page whose top part is detected first and then whole uses it twice). At PAGE_SIDE and above the
    area is shrunk from the Capture's pyramid level just above `side` (exact 2 x 2 means, which the quality views
    have made already): an area resize straight from the full image reads every pixel on OpenCV's slow
    fractional path (42 ms for the standard bill, 2480 x 3507 to 1600 px, one core). The shown area is then the
    pyramid level's pixels, up to 2 ** level - 1 full-resolution pixels short at its edges. The MRZ reader's small
    quick-look views keep the direct area resize: from the pyramid, one of the corpus's 48 zones lost its first
    character there (bench/mrz_corpus.py, docsaid mrzscanner_img2)."""

    def build() -> tuple[Box, NDArray[np.uint8]]:
        left, top, right, bottom = area or (0, 0, capture.width, capture.height)
        level = level_for(max(right - left, bottom - top), side) if side >= PAGE_SIDE else 0
        source, step = capture.halved(level), 2**level
        x0, y0 = left // step, top // step
        x1, y1 = min(right // step, source.shape[1]), min(bottom // step, source.shape[0])
        shown: Box = (x0 * step, y0 * step, x1 * step, y1 * step)
        view = shrunk(source[y0:y1, x0:x1], side)
        if view.ndim == 2:
            view = np.repeat(view[:, :, None], 3, axis=2)
        return shown, view

    return capture.cached(AREA_VIEW.at(area, side), build)


def detected_top(capture: Capture, area: Box | None, side: int = PAGE_SIDE) -> DetectedText:
    """Text lines detected in the top TOP_DETECTED of `area` alone (detected_rows)."""
    return detected_rows(capture, area, side, 0.0, TOP_DETECTED)


def detected_rows(capture: Capture, area: Box | None, side: int, start: float, stop: float) -> DetectedText:
    """Text lines detected in the rows from `start` to `stop` (shares of the height) of `area` alone, at the
    scale a detection of the whole area at `side` runs at (the detector shrinks its input to ocr.DET_SIDE; the
    part is shrunk here by the same ratio, so it sees the same pixels per line at a part of the cost)."""

    def detect() -> DetectedText:
        (left, top, right, bottom), view = _area_view(capture, area, side)
        ratio = min(1.0, ocr.DET_SIDE / max(view.shape[:2]))
        height = view.shape[0]
        first = round(start * height)
        last = max(first + 1, round(stop * height))  # at least one row, however thin the band
        part = view[first:last]
        size = (max(1, round(part.shape[1] * ratio)), max(1, round(part.shape[0] * ratio)))
        part = np.asarray(cv2.resize(part, size, interpolation=cv2.INTER_LINEAR), np.uint8)
        to_full = (bottom - top) / view.shape[0]
        shown: Box = (left, top + round(first * to_full), right, top + round(last * to_full))
        return DetectedText(shown, part, ocr.in_image(ocr.detect_text_boxes(part), part.shape[1], shown))

    return capture.cached(DETECTED_ROWS.at(area, side, start, stop), detect)


@dataclass(frozen=True)
class PageLine:
    text: str
    quad: list[list[float]]  # full-resolution pixel corners in the image, tl tr br bl as the text reads
    score: float = 1.0  # the recogniser's confidence, 0-1
    turn: int = 0  # counter-clockwise quarter turns (np.rot90) that stand the line's page upright
    page_quad: list[list[float]] | None = None  # the corners on the page stood upright (None: turn is 0)

    @property
    def upright_quad(self) -> list[list[float]]:
        """The corners in the pixels of the page stood upright (`np.rot90(image, turn)`)."""
        return self.quad if self.page_quad is None else self.page_quad

    @property
    def top(self) -> float:
        return min(y for _, y in self.upright_quad)

    @property
    def left(self) -> float:
        return min(x for x, _ in self.upright_quad)

    @property
    def bottom(self) -> float:
        return max(y for _, y in self.upright_quad)

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _text_lines(image: NDArray[np.uint8], boxes: list[NDArray[np.float32]]) -> tuple[int, list[tuple[Quad, Quad]]]:
    """The page's turn and its text lines as (corners in `image`, corners on the page stood upright), each
    tl tr br bl as the text reads, top to bottom on the upright page, from the detector's `boxes` (image px)."""
    turn = page_turn(image, boxes)
    out = []
    for box in boxes:
        quad = along(box, READING_DIRECTION[turn])
        length = float(np.linalg.norm(quad[1] - quad[0]))
        height = float(np.linalg.norm(quad[3] - quad[0]))
        if height > 0 and length >= MIN_LINE_ASPECT * height:
            out.append((quad.astype(np.float32), to_page(quad, turn, image.shape)))
    return turn, sorted(out, key=lambda q: (float(q[1][:, 1].min()), float(q[1][:, 0].min())))


Stop = Callable[[list[PageLine]], bool]  # a caller's "every answer I look for is read" on the lines so far


def _first_part_limit(area: Box, turn: int, shape: tuple[int, ...]) -> float:
    """Where the top part of `area` ends, as a y on the page stood upright (`turn`)."""
    left, top, right, bottom = area
    corners = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32)
    upright_ys = to_page(corners, turn, shape)[:, 1]
    return float(upright_ys.min()) + FIRST_PART * float(upright_ys.max() - upright_ys.min())


def read_page(
    image: NDArray[np.uint8],
    view: NDArray[np.uint8],
    enough: Stop | None = None,
    area: Box | None = None,
    boxes: list[NDArray[np.float32]] | None = None,
    *,
    settled: Stop | None = None,
    first: list[PageLine] | None = None,
) -> list[PageLine]:
    """The page's text lines top to bottom; stops after the top part when `enough(lines)` says so, and within
    it as soon as `settled(lines)` does (checked after each line: every answer the caller looks for is read).
    `view` is `area` of `image` (default: all of it), shrunk; lines are detected on it (unless `boxes`, the
    lines already detected there, in image pixels, are given) and read at full resolution. `first`: the top
    part's lines, already read from a detection of that part alone (_top_part), on an upright page."""
    if view.ndim == 2:
        view = np.repeat(view[:, :, None], 3, axis=2)
    area = area or (0, 0, image.shape[1], image.shape[0])
    if boxes is None:
        boxes = ocr.in_image(ocr.detect_text_boxes(view), view.shape[1], area)
    turn, quads = _text_lines(image, boxes)
    limit = _first_part_limit(area, turn, image.shape)
    if first is not None and turn == 0:
        lines = list(first)
    else:
        lines, answered = _read_top(image, quads, limit, turn, enough, settled)
        if answered:
            return lines
    for quad, upright in quads:
        if float(upright[:, 1].min()) >= limit:
            lines.append(_read(image, quad, upright, turn))
    return lines


def _top_part(
    capture: Capture, area: Box | None, enough: Stop | None, settled: Stop | None
) -> tuple[list[PageLine], bool] | None:
    """The top part's lines read from a detection of that part alone (detected_top), and whether the caller
    has its answers; None when that part shows a page turned (its top is not the image's top)."""
    text = detected_top(capture, area)
    turn, quads = _text_lines(capture.rgb, text.boxes)
    if turn != 0:
        return None
    whole = area or (0, 0, capture.width, capture.height)
    return _read_top(capture.rgb, quads, _first_part_limit(whole, 0, capture.rgb.shape), 0, enough, settled)


def _read_top(
    image: NDArray[np.uint8],
    quads: list[tuple[Quad, Quad]],
    limit: float,
    turn: int,
    enough: Stop | None,
    settled: Stop | None,
) -> tuple[list[PageLine], bool]:
    """The lines starting above `limit` on the upright page, read in order until `settled` says every answer is
    read, and whether the caller has its answers (`settled` on the way, or `enough` at the end)."""
    lines: list[PageLine] = []
    for quad, upright in quads:
        if float(upright[:, 1].min()) < limit:
            lines.append(_read(image, quad, upright, turn))
            if settled is not None and settled(lines):
                return lines, True
    return lines, enough is not None and enough(lines)


def _read(image: NDArray[np.uint8], quad: Quad, upright: Quad, turn: int) -> PageLine:
    read = ocr.recognize_line(crop_line(image, quad))
    page_quad = None if turn == 0 else [[float(x), float(y)] for x, y in upright]
    return PageLine(read.text, [[float(x), float(y)] for x, y in quad], read.score, turn, page_quad)


def upright_page(image: NDArray[np.uint8], lines: list[PageLine]) -> NDArray[np.uint8]:
    """`image` stood upright as its read `lines` say (itself when the page was upright)."""
    turn = lines[0].turn if lines else 0
    return image if turn == 0 else np.ascontiguousarray(np.rot90(image, turn))


def page_rows(lines: list[PageLine]) -> list[str]:
    """The page's text as printed rows: lines side by side on the upright page joined left to right with a
    space. A form printed in two columns ('Issued on:' | '12 March 2026') is detected as two lines; joined, the
    label and its value are one row again. Lines are on one row when they overlap vertically by at least half
    the lower one's height."""
    rows: list[list[PageLine]] = []
    for line in sorted(lines, key=lambda item: item.top):
        row = rows[-1] if rows else None
        if row is not None and min(r.bottom for r in row) - line.top >= 0.5 * min(line.height, row[-1].height):
            row.append(line)
        else:
            rows.append([line])
    return [" ".join(line.text for line in sorted(row, key=lambda item: item.left)) for row in rows]


def document_page(doc: DocumentContext, enough: Stop | None = None, *, settled: Stop | None = None) -> list[PageLine]:
    """The document's text lines, read once per file and shared by its reader and checks (read_page says what
    `enough` and `settled` stop)."""
    return doc.cached(PAGE_LINES, lambda: capture_page(doc.capture, enough, settled=settled))


def capture_page(capture: Capture, enough: Stop | None = None, *, settled: Stop | None = None) -> list[PageLine]:
    """The text lines of the document in `capture`: detected inside its text_area (or the whole frame), read at
    full resolution. A caller that may stop within the top part (`enough`, `settled`) has that part detected
    and read first; the rest of the page is detected only when its answers are not there."""
    area = text_area(capture)
    first = None
    if enough is not None or settled is not None:
        top = _top_part(capture, area, enough, settled)
        if top is not None and top[1]:
            return top[0]
        first = None if top is None else top[0]
    text = detected_text(capture, area)
    return read_page(capture.rgb, text.view, enough, text.area, text.boxes, settled=settled, first=first)


def text_area(capture: Capture) -> Box | None:
    """Where the document's text is looked for: the bounding box of its outline widened by AREA_MARGIN, or None
    (the whole frame) when no outline is found, the document fills the frame or the box covers more than
    MAX_AREA_SHARE of it."""
    outline = edge_outline(capture)
    if outline is None or outline.fills_frame:
        return None
    width, height = outline.image_size
    xs = [x for x, _ in outline.corners]
    ys = [y for _, y in outline.corners]
    margin_x = AREA_MARGIN * (max(xs) - min(xs))
    margin_y = AREA_MARGIN * (max(ys) - min(ys))
    left, right = max(0, int(min(xs) - margin_x)), min(width, int(np.ceil(max(xs) + margin_x)))
    top, bottom = max(0, int(min(ys) - margin_y)), min(height, int(np.ceil(max(ys) + margin_y)))
    if right - left < 2 or bottom - top < 2 or (right - left) * (bottom - top) > MAX_AREA_SHARE * width * height:
        return None
    return left, top, right, bottom
