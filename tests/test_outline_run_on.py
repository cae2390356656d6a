"""The straight-edge outline search keeps a document whose sides line up with another edge past one corner.

A grey copy laid in the corner of a larger sheet, flush with two of its edges: the copy's top side runs on as
the sheet's top edge past one corner, its left side as the sheet's left edge past another. A line crossing a
document (a shadow's edge, a fold) runs on past both its ends; a document's own side at most past one. When
the run-on was read at the larger end, both sides counted as crossing lines and the copy was never chosen
(the DLC-2021 frames of copies on sheets and under striped sunlight, docs/calibration/realworld.md).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.fixtures.camera import place
from tests.fixtures.degrade import clean_document, photocopy
from tests.fixtures.documents import encode_jpeg
from workers.checks.capture import Capture
from workers.checks.locate import document_outline
from workers.checks.locate.geometry import quad_iou

FRAME_W, FRAME_H = 1600, 1200


def _copy_in_the_corner_of_a_sheet(seed: int) -> tuple[bytes, np.ndarray]:
    rng = np.random.default_rng(seed)
    table = np.full((FRAME_H, FRAME_W, 3), (110, 80, 55), np.uint8)  # a brown table, darker than both papers
    angle = np.radians(float(rng.uniform(-8, 8)))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    origin = np.array([float(rng.uniform(300, 380)), float(rng.uniform(230, 300))])

    def at(points: list[tuple[float, float]]) -> np.ndarray:
        return np.array([origin + turn @ np.array(p) for p in points])

    # A white A4 sheet (portrait, 800 px wide) and, flush with its top-left corner, a grey copy of a passport
    # page 600 px wide (its paper greyer than the sheet, both lighter than the table): the page's top and left
    # sides continue as the sheet's edges, with the same polarity.
    sheet = at([(0, 0), (800, 0), (800, 1131), (0, 1131)])
    page_w, page_h = 600.0, 600.0 / 1.42
    page = at([(0, 0), (page_w, 0), (page_w, page_h), (0, page_h)])
    white = np.full((1131, 800, 3), 238, np.uint8)
    frame = place(white, table, sheet)
    copy = photocopy(clean_document("passport", seed % 4), rng)
    frame = place(np.asarray(np.clip(copy.astype(np.int16) - 40, 0, 255), np.uint8), frame, page)
    frame = np.asarray(cv2.GaussianBlur(frame, (3, 3), 0.8), np.uint8)
    return encode_jpeg(frame, quality=90), page


@pytest.mark.parametrize("seed", range(5))
def test_a_copy_flush_with_the_corner_of_a_sheet_is_outlined_not_the_sheet(seed: int) -> None:
    data, page = _copy_in_the_corner_of_a_sheet(seed)
    outline = document_outline(Capture(data=data, filename="copy.jpg"))
    assert outline is not None
    assert quad_iou(outline.corners, page) >= 0.9, outline
