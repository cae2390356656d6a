"""Measures for a handwritten signature: ink strokes in the signature area that are not printed text, and
whether they sit on a patch of different paper (a pasted image). Pure numpy / OpenCV."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from unidecode import unidecode

from workers.checks.identity.page_text import PageLine

SIGN_WORDS = re.compile(r"signature|signed|sign\b|unterschrift|signe|firma|handtekening|podpis|assinatura|underskrift")
# Ink is at least this many grey levels darker than the paper (pen on paper: 80-200 levels; paper texture and
# JPEG noise: under 20 on the generated letters and the corpus scans).
INK_CONTRAST = 60
# A recognised line with at least this confidence and 3 different letters is print (or a typed signature), not
# pen ink: the recogniser reads loops of a scribble as 'aaaaa' or 'maaa' with up to 0.89 confidence (generated
# letters, docs/calibration/identity.md), but with fewer than 3 different letters.
PRINT_CONFIDENCE = 0.8
PRINT_DISTINCT_LETTERS = 3


@dataclass(frozen=True)
class SignatureArea:
    top: int
    bottom: int
    line_height: float
    labelled: bool  # found by a 'Signature' label rather than assumed (lower part of the page)


def signature_area(lines: list[PageLine], page_height: int) -> SignatureArea:
    """Where a signature should be: the band of four text-line heights above a 'Signature' label (the pen goes
    above the signature line), or the lower half of the page when nothing is labelled."""
    heights = sorted(line.height for line in lines) or [page_height / 60]
    line_height = heights[len(heights) // 2]
    for line in lines:
        if SIGN_WORDS.search(unidecode(line.text).lower()):
            top = max(0, int(line.top - 5 * line_height))
            return SignatureArea(top, int(line.top), line_height, True)
    return SignatureArea(page_height // 2, page_height, line_height, False)


def _printed_mask(shape: tuple[int, int], lines: list[PageLine]) -> NDArray[np.bool_]:
    mask = np.zeros(shape, np.uint8)
    for line in lines:
        letters = {c.lower() for c in line.text if c.isalpha()}
        if line.score >= PRINT_CONFIDENCE and len(letters) >= PRINT_DISTINCT_LETTERS:
            cv2.fillPoly(mask, [np.asarray(line.upright_quad, np.int32)], 1)
    return mask.astype(bool)


def pen_ink(gray: NDArray[np.uint8], area: SignatureArea, lines: list[PageLine]) -> NDArray[np.bool_]:
    """Ink pixels in the area that are neither recognised print nor ruled lines (full-page-sized mask).
    `gray` is the page stood upright (`page_text.upright_page`), the frame of `area` and of the lines' tops."""
    band = gray[area.top : area.bottom]
    paper = float(np.percentile(band, 90)) if band.size else 255.0
    ink = np.zeros(gray.shape, bool)
    ink[area.top : area.bottom] = band < paper - INK_CONTRAST
    ink &= ~_printed_mask(gray.shape, lines)
    # Ruled signature lines: long, thin horizontal runs; opened out with a kernel 6 line-heights wide.
    width = max(3, int(6 * area.line_height))
    rules = cv2.morphologyEx(
        ink.astype(np.uint8), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width, 1))
    )
    return np.asarray(ink & ~rules.astype(bool), dtype=bool)


def stroke_length(ink: NDArray[np.bool_], line_height: float) -> float:
    """Total pen-stroke length (skeleton pixels of the ink) in text-line heights: 0 for a blank area, 40-65
    for a full signature on the generated letters."""
    if not ink.any():
        return 0.0
    return float(np.count_nonzero(morphological_skeleton(ink))) / max(line_height, 1.0)


def morphological_skeleton(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Lantuejoul's skeleton with a 3x3 cross: the union of what each erosion step removes beyond an opening.
    A pen stroke of any width shrinks to a line about one pixel wide, so its pixel count is its length."""
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    img = mask.astype(np.uint8)
    skeleton = np.zeros(mask.shape, bool)
    while img.any():
        eroded = np.asarray(cv2.erode(img, cross), dtype=np.uint8)
        opened = np.asarray(cv2.dilate(eroded, cross), dtype=np.uint8)
        skeleton |= (img > 0) & (opened == 0)
        img = eroded
    return skeleton


def paper_shift(gray: NDArray[np.uint8], ink: NDArray[np.bool_], area: SignatureArea) -> float:
    """Grey-level difference between the paper right around the strokes and the page's paper: near 0 for ink
    on the page itself, large when the strokes sit on a pasted image with its own background."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return 0.0
    pad = int(area.line_height)
    y0, y1 = max(0, int(ys.min()) - pad // 2), min(gray.shape[0], int(ys.max()) + pad // 2)
    x0, x1 = max(0, int(xs.min()) - pad // 2), min(gray.shape[1], int(xs.max()) + pad // 2)
    around = gray[y0:y1, x0:x1][~ink[y0:y1, x0:x1]]
    page = gray[area.top : area.bottom]
    if around.size == 0 or page.size == 0:
        return 0.0
    return abs(float(np.median(around)) - float(np.percentile(page, 90)))
