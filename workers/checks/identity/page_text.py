"""Printed text of a page (bill, statement, certificate, letter): detect lines once, read the needed ones.

The upper part of a page is read first: addressee block, issue date and issuer sit there on bills and letters
(window-envelope layout, DIN 5008 / the common A4 business-letter layout); the rest is read only when the
caller's question is not answered yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from workers.checks.context import DocumentContext
from workers.checks.identity import ocr
from workers.checks.identity.mrz_read import crop_line

# Pages are read from a copy whose long side is at most this: A4 at 1600 px keeps 9 pt print ~12 px high.
PAGE_SIDE = 1600
# Text lines at least this many times longer than high are worth reading (drops single glyphs, logos, ticks).
MIN_LINE_ASPECT = 1.5
# Name under which a document's page lines are cached on its context (read once, shared by every check).
PAGE_LINES = "identity.page_lines"
# The share of the page height read first (DIN 5008 puts the address field and date line in the top 40 %).
FIRST_PART = 0.45


@dataclass(frozen=True)
class PageLine:
    text: str
    quad: list[list[float]]  # full-resolution pixel corners, tl tr br bl
    score: float = 1.0  # the recogniser's confidence, 0-1

    @property
    def top(self) -> float:
        return min(y for _, y in self.quad)

    @property
    def bottom(self) -> float:
        return max(y for _, y in self.quad)

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _oriented_quads(image: NDArray[np.uint8], view: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
    scale = view.shape[1] / image.shape[1]
    out = []
    for box in ocr.detect_text_boxes(view):
        quad = box / scale
        length = float(np.linalg.norm(quad[1] - quad[0]))
        height = float(np.linalg.norm(quad[3] - quad[0]))
        if height > 0 and length >= MIN_LINE_ASPECT * height:
            out.append(quad.astype(np.float32))
    return sorted(out, key=lambda q: (float(q[:, 1].min()), float(q[:, 0].min())))


def read_page(
    image: NDArray[np.uint8],
    view: NDArray[np.uint8],
    enough: Callable[[list[PageLine]], bool] = lambda lines: False,
) -> list[PageLine]:
    """The page's text lines top to bottom; stops after the top part when `enough(lines)` says so."""
    if view.ndim == 2:
        view = np.repeat(view[:, :, None], 3, axis=2)
    quads = _oriented_quads(image, view)
    limit = FIRST_PART * image.shape[0]
    lines: list[PageLine] = []
    rest = [q for q in quads if float(q[:, 1].min()) >= limit]
    for quad in [q for q in quads if float(q[:, 1].min()) < limit]:
        lines.append(_read(image, quad))
    if enough(lines):
        return lines
    for quad in rest:
        lines.append(_read(image, quad))
    return lines


def _read(image: NDArray[np.uint8], quad: NDArray[np.float32]) -> PageLine:
    read = ocr.recognize_line(crop_line(image, quad))
    return PageLine(read.text, [[float(x), float(y)] for x, y in quad], read.score)


def document_page(
    doc: DocumentContext, enough: Callable[[list[PageLine]], bool] = lambda lines: False
) -> list[PageLine]:
    """The document's text lines, read once per file and shared by its reader and checks."""
    return doc.cached(PAGE_LINES, lambda: read_page(doc.capture.rgb, doc.capture.downscaled(PAGE_SIDE), enough))
