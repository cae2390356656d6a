"""Which way up a page reads. A page scanned or saved sideways or upside down carries no orientation tag (a
scanner fed the wrong way, a PDF page exported turned), so it reaches the checks turned; read as it comes,
its text lines are dropped (sideways) or read as garbage (upside down), and a bill in the applicant's name
fails the name check.

The text lines tell the turn: their boxes run along the lines, across the page when it is upright or upside
down and down it when it lies sideways; the line direction classifier that ships with the OCR models tells
upright from turned 180 degrees on the longest lines.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from workers.checks.identity import ocr
from workers.checks.identity.line_geometry import crop_line

# A box at least this many times longer than high is a text line (drops single glyphs, logos, ticks).
MIN_LINE_ASPECT = 1.5
# Fewer text lines than this: nothing to judge the page by, it is read as it comes.
MIN_LINES = 3
# Lines shown to the direction classifier, longest first: each costs ~1.5 ms, and on print the classifier
# answers with 0.99-1.00 confidence (generated bills in all four turns, tests/test_identity_page_turn.py);
# eight keep a stray logo or a table rule from deciding alone.
CLASSIFIED_LINES = 8

# The direction (image pixels, y down) the text runs in when the page needs `turn` counter-clockwise
# quarter turns (numpy's rot90) to stand upright: a page lying turned clockwise reads downwards.
READING_DIRECTION = {0: (1.0, 0.0), 1: (0.0, 1.0), 2: (-1.0, 0.0), 3: (0.0, -1.0)}

Quad = NDArray[np.float32]


def along(quad: Quad, direction: tuple[float, float]) -> Quad:
    """`quad` (corners in order round it) started at the corner whose next edge runs most nearly along
    `direction`: for the text's reading direction, its corners become top-left, top-right, bottom-right,
    bottom-left as the text reads."""
    d = np.asarray(direction, np.float32)
    first = max(range(4), key=lambda r: float(np.dot(quad[(r + 1) % 4] - quad[r], d)))
    return np.roll(quad, -first, axis=0)


def _long_edge(quad: Quad) -> tuple[NDArray[np.float32], float]:
    """The box's longer edge and its length over the shorter edge's."""
    a, b = quad[1] - quad[0], quad[2] - quad[1]
    la, lb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return (a, la / max(lb, 1e-6)) if la >= lb else (b, lb / max(la, 1e-6))


def _runs_down(quad: Quad) -> bool:
    edge, _ = _long_edge(quad)
    return abs(float(edge[1])) > abs(float(edge[0]))


def page_turn(image: NDArray[np.uint8], boxes: list[Quad]) -> int:
    """Quarter turns (counter-clockwise, as `np.rot90`) that stand the page in `image` upright: 0 for an
    upright page, 2 for one upside down, 1 or 3 for one lying on its side. `boxes` are the detector's text
    boxes in `image` pixels."""
    lines = [q for q in boxes if _long_edge(q)[1] >= MIN_LINE_ASPECT]
    if len(lines) < MIN_LINES:
        return 0
    down = [q for q in lines if _runs_down(q)]
    sideways = len(down) > len(lines) - len(down)
    turn = 1 if sideways else 0
    voters = down if sideways else [q for q in lines if not _runs_down(q)]
    voters = sorted(voters, key=lambda q: -float(np.linalg.norm(_long_edge(q)[0])))[:CLASSIFIED_LINES]
    upside_down = 0.0
    upright = 0.0
    for quad in voters:
        flipped, confidence = ocr.reads_upside_down(crop_line(image, along(quad, READING_DIRECTION[turn])))
        if flipped:
            upside_down += confidence
        else:
            upright += confidence
    return turn + 2 if upside_down > upright else turn


def to_page(quad: Quad, turn: int, shape: tuple[int, ...]) -> Quad:
    """`quad`'s corners (pixels of an image of `shape`) on the same image turned `turn` counter-clockwise
    quarter turns (`np.rot90(image, turn)`)."""
    height, width = shape[:2]
    points = quad.astype(np.float32)
    for _ in range(turn % 4):
        # One counter-clockwise quarter turn: the right edge becomes the top, (x, y) -> (y, width - x).
        points = np.stack([points[:, 1], width - points[:, 0]], axis=1)
        height, width = width, height
    return points
