"""A chosen outline of no document's shape gives way to the document-shaped one around it or inside it
(outline_choose).

On the DLC-2021 passport frames the rule printed above a page's machine readable zone closed a quadrilateral on
three of the page's sides (aspect 1.75-2.1, no document's), better scored than the whole page, whose fourth
side (paper against paper, or under a marker) is weak. The page, of a passport's shape, sharing three sides
with it and carrying text, is the document (docs/calibration/realworld.md, "Outline"). On a DLC-2021 card on a
wooden table a grain line beyond the card closed a quadrilateral on three of its sides (aspect 1.99): the card
inside it, of an ID-1 card's shape, is the document.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from workers.checks.locate.geometry import Quad
from workers.checks.locate.outline_choose import _to_format, fits_a_format, may_be_document
from workers.checks.locate.outline_lines import EdgeQuad

X0, Y0, WIDTH = 80, 60, 400
HEIGHT = round(WIDTH / 1.42)  # a passport page (ISO/IEC 7810 ID-3)
RULE = Y0 + round(0.74 * HEIGHT)  # the rule above the zone


def _page() -> np.ndarray:
    """A grey view: a passport page with text lines, a rule across it and two zone lines, on a dark table."""
    rng = np.random.default_rng(0)
    gray = np.full((420, 560), 95, np.uint8)
    gray[Y0 : Y0 + HEIGHT, X0 : X0 + WIDTH] = 225
    for row in range(Y0 + 14, RULE - 20, 14):
        x = X0 + 150
        while x < X0 + WIDTH - 30:
            length = int(rng.integers(8, 40))
            gray[row : row + 5, x : min(x + length, X0 + WIDTH - 20)] = 60
            x += length + int(rng.integers(4, 12))
    gray[RULE : RULE + 3, X0 : X0 + WIDTH] = 40
    for row in (Y0 + round(0.82 * HEIGHT), Y0 + round(0.91 * HEIGHT)):
        for x in range(X0 + 12, X0 + WIDTH - 12, 9):
            gray[row : row + 7, x : x + 6] = 50
    return np.asarray(cv2.GaussianBlur(gray, (3, 3), 0.8), np.uint8)


def _quad(bottom: float) -> Quad:
    return np.array([[X0, Y0], [X0 + WIDTH, Y0], [X0 + WIDTH, bottom], [X0, bottom]], np.float64)


def _edge_quad(quad: Quad, support: float, bottom_line: int) -> EdgeQuad:
    # Lines 0, 1, 3: the page's top, right and left sides; the bottom is line 2 (the page's) or 4 (the rule).
    return EdgeQuad(quad, np.full(4, support), np.zeros(4), np.ones(4), frozenset({0, 1, 3, bottom_line}))


def _gradients(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    smooth = cv2.GaussianBlur(gray, (5, 5), 0)
    return (
        np.asarray(cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 4, np.float32),
        np.asarray(cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 4, np.float32),
    )


def _judge(gray: NDArray[np.uint8]) -> Callable[[Quad], bool]:
    """find_document's judgement of a quadrilateral, as it hands it to _to_format."""
    return lambda quad: may_be_document(gray, quad)


def test_document_shapes() -> None:
    assert fits_a_format(_quad(Y0 + HEIGHT))  # a passport page, 1.42
    assert fits_a_format(_quad(Y0 + WIDTH / 1.586))  # an ID-1 card
    assert not fits_a_format(_quad(RULE))  # the page above its zone, 1.9
    assert not fits_a_format(_quad(Y0 + WIDTH / 1.15))  # nearly square


@pytest.mark.parametrize(
    ("page_support", "expected"),
    [
        (0.85, "page"),  # 0.08 below the chosen one: a weak fourth side, the page is the document
        (0.80, "rule"),  # 0.13 below: too weak to be a side at all, the chosen one stays
    ],
)
def test_the_page_of_a_passports_shape_replaces_the_outline_closed_by_its_rule(
    page_support: float, expected: str
) -> None:
    gray = _page()
    gx, gy = _gradients(gray)
    above_rule = _edge_quad(_quad(RULE), 0.93, bottom_line=4)
    page = _edge_quad(_quad(Y0 + HEIGHT), page_support, bottom_line=2)
    chosen = _to_format(above_rule, [above_rule, page], gx, gy, _judge(gray))
    assert chosen is (page if expected == "page" else above_rule)


def test_a_document_shaped_outline_is_kept() -> None:
    gray = _page()
    gx, gy = _gradients(gray)
    page = _edge_quad(_quad(Y0 + HEIGHT), 0.93, bottom_line=2)
    wider = _edge_quad(np.array([[X0, Y0], [X0 + WIDTH, Y0], [X0 + WIDTH, 400], [X0, 400]], np.float64), 0.93, 5)
    assert _to_format(page, [page, wider], gx, gy, _judge(gray)) is page


def test_a_wider_outline_of_no_document_shape_is_not_taken() -> None:
    gray = _page()
    gx, gy = _gradients(gray)
    above_rule = _edge_quad(_quad(RULE), 0.93, bottom_line=4)
    square = _edge_quad(_quad(Y0 + WIDTH / 1.15), 0.93, bottom_line=2)  # runs on past the page: no format
    assert _to_format(above_rule, [above_rule, square], gx, gy, _judge(gray)) is above_rule


@pytest.mark.parametrize(
    ("page_support", "expected"),
    [
        (0.85, "page"),  # 0.08 below the chosen one: the page inside it is the document
        (0.80, "beyond"),  # 0.13 below: the chosen one stays
    ],
)
def test_the_page_inside_an_outline_closed_beyond_it_replaces_it(page_support: float, expected: str) -> None:
    gray = _page()
    gx, gy = _gradients(gray)
    # Closed by a line across the table below the page: page and table together are nearly square.
    beyond = _edge_quad(_quad(400), 0.93, bottom_line=5)
    page = _edge_quad(_quad(Y0 + HEIGHT), page_support, bottom_line=2)
    assert not fits_a_format(beyond.quad)
    chosen = _to_format(beyond, [beyond, page], gx, gy, _judge(gray))
    assert chosen is (page if expected == "page" else beyond)


def test_a_box_inside_an_outline_of_no_format_must_share_three_sides() -> None:
    gray = _page()
    gx, gy = _gradients(gray)
    beyond = _edge_quad(_quad(400), 0.93, bottom_line=5)
    # The page's shape, but on other lines than the outline's left and right sides: not closed by them.
    inner = EdgeQuad(_quad(Y0 + HEIGHT), np.full(4, 0.93), np.zeros(4), np.ones(4), frozenset({0, 6, 7, 2}))
    assert _to_format(beyond, [beyond, inner], gx, gy, _judge(gray)) is beyond
