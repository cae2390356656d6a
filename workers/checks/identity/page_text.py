"""Printed text of a page (bill, statement, certificate, letter): detect lines once, read the needed ones.

The upper part of a page is read first: addressee block, issue date and issuer sit there on bills and letters
(window-envelope layout, DIN 5008 / the common A4 business-letter layout); the rest is read only when the
caller's question is not answered yet. A page lying sideways or upside down is read the way its text runs
(`page_turn.py`): "upper" and "top" are then on the page stood upright.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from workers.checks.context import DocumentContext
from workers.checks.identity import ocr
from workers.checks.identity.mrz_read import crop_line
from workers.checks.identity.page_turn import MIN_LINE_ASPECT, READING_DIRECTION, Quad, along, page_turn, to_page

# Pages are read from a copy whose long side is at most this: A4 at 1600 px keeps 9 pt print ~12 px high.
PAGE_SIDE = 1600
# Name under which a document's page lines are cached on its context (read once, shared by every check).
PAGE_LINES = "identity.page_lines"
# The share of the page height read first (DIN 5008 puts the address field and date line in the top 40 %).
FIRST_PART = 0.45


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
    def bottom(self) -> float:
        return max(y for _, y in self.upright_quad)

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _text_lines(image: NDArray[np.uint8], view: NDArray[np.uint8]) -> tuple[int, list[tuple[Quad, Quad]]]:
    """The page's turn and its text lines as (corners in `image`, corners on the page stood upright), each
    tl tr br bl as the text reads, top to bottom on the upright page."""
    scale = view.shape[1] / image.shape[1]
    boxes = [box / scale for box in ocr.detect_text_boxes(view)]
    turn = page_turn(image, boxes)
    out = []
    for box in boxes:
        quad = along(box, READING_DIRECTION[turn])
        length = float(np.linalg.norm(quad[1] - quad[0]))
        height = float(np.linalg.norm(quad[3] - quad[0]))
        if height > 0 and length >= MIN_LINE_ASPECT * height:
            out.append((quad.astype(np.float32), to_page(quad, turn, image.shape)))
    return turn, sorted(out, key=lambda q: (float(q[1][:, 1].min()), float(q[1][:, 0].min())))


def read_page(
    image: NDArray[np.uint8],
    view: NDArray[np.uint8],
    enough: Callable[[list[PageLine]], bool] = lambda lines: False,
) -> list[PageLine]:
    """The page's text lines top to bottom; stops after the top part when `enough(lines)` says so."""
    if view.ndim == 2:
        view = np.repeat(view[:, :, None], 3, axis=2)
    turn, quads = _text_lines(image, view)
    page_height = image.shape[1] if turn % 2 else image.shape[0]
    limit = FIRST_PART * page_height
    lines: list[PageLine] = []
    for quad, upright in quads:
        if float(upright[:, 1].min()) < limit:
            lines.append(_read(image, quad, upright, turn))
    if enough(lines):
        return lines
    for quad, upright in quads:
        if float(upright[:, 1].min()) >= limit:
            lines.append(_read(image, quad, upright, turn))
    return lines


def _read(image: NDArray[np.uint8], quad: Quad, upright: Quad, turn: int) -> PageLine:
    read = ocr.recognize_line(crop_line(image, quad))
    page_quad = None if turn == 0 else [[float(x), float(y)] for x, y in upright]
    return PageLine(read.text, [[float(x), float(y)] for x, y in quad], read.score, turn, page_quad)


def upright_page(image: NDArray[np.uint8], lines: list[PageLine]) -> NDArray[np.uint8]:
    """`image` stood upright as its read `lines` say (itself when the page was upright)."""
    turn = lines[0].turn if lines else 0
    return image if turn == 0 else np.ascontiguousarray(np.rot90(image, turn))


def document_page(
    doc: DocumentContext, enough: Callable[[list[PageLine]], bool] = lambda lines: False
) -> list[PageLine]:
    """The document's text lines, read once per file and shared by its reader and checks."""
    return doc.cached(PAGE_LINES, lambda: read_page(doc.capture.rgb, doc.capture.downscaled(PAGE_SIDE), enough))
