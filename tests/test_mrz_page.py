"""A passport page placed from its MRZ where the edge search missed it (locate/mrz_page.py,
outline.prefers_placed_page).

Geometry on made-up zones (no corpus needed), then the engine on the real frames whose page the edges missed:
the verdict's outline must be the page (IoU >= 0.9 against the ground truth) where the edge outline alone is
not, and a scan of a passport opened at its data page keeps its frame.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workers.checks.capture import Capture
from workers.checks.locate.geometry import quad_iou
from workers.checks.locate.mrz_page import PAGE_AROUND_ZONE, page_from_zone
from workers.checks.locate.outline import SAME_PAGE, Outline, edge_outline, prefers_placed_page

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

# A zone 1000 px long and 100 px high, upright, its top-left corner at (500, 1500) of a 2000 x 2400 frame.
ZONE = np.array([[500.0, 1500.0], [1500.0, 1500.0], [1500.0, 1600.0], [500.0, 1600.0]])
FRAME = (2000, 2400)


def _outline(corners: np.ndarray, *, fills_frame: bool = False) -> Outline:
    return Outline(np.asarray(corners, np.float64), FRAME, fills_frame=fills_frame, cut_corners=())


def test_the_page_lies_above_an_upright_zone_and_below_a_turned_one() -> None:
    page = page_from_zone(ZONE)
    assert np.allclose(page, ZONE[0] + 1000.0 * PAGE_AROUND_ZONE)
    assert page[:, 1].min() < ZONE[:, 1].min()  # the page's top is above its zone
    # The photo turned 180 degrees: the zone read in reading direction starts at its bottom-right corner.
    turned = page_from_zone(ZONE[[2, 3, 0, 1]])
    assert turned[:, 1].max() > ZONE[:, 1].max()  # the page now lies below its zone in the image
    assert quad_iou(turned, page) < 0.5
    # Turned a quarter: the page stands beside its zone, as large as before.
    quarter = page_from_zone(np.array([[1000.0, 500.0], [1000.0, 1500.0], [900.0, 1500.0], [900.0, 500.0]]))
    assert quarter[:, 0].max() > 1500.0  # its 'down' points left, so the page lies to the right
    assert np.isclose(np.ptp(quarter[:, 1]), np.ptp(page[:, 0]))


def test_the_page_replaces_a_missed_outline_only() -> None:
    page = page_from_zone(ZONE)
    frame = np.array([[0, 0], [FRAME[0] - 1, 0], [FRAME[0] - 1, FRAME[1] - 1], [0, FRAME[1] - 1]], np.float64)
    assert prefers_placed_page(None, page, FRAME)
    assert prefers_placed_page(_outline(frame, fills_frame=True), page, FRAME)
    assert prefers_placed_page(_outline(frame / 4), page, FRAME)  # a box elsewhere in the frame
    # The passport photographed open: its two pages, the data page below the facing one, overlap the data page by
    # about a half and hold it: the edges found the document, which stays the outline.
    facing = page - np.array([0.0, 1.1 * np.ptp(page[:, 1])])  # the facing page and the gap at the fold
    booklet = np.array([facing[0], facing[1], page[2], page[3]])
    assert quad_iou(booklet, page) < SAME_PAGE  # by overlap alone it would give way
    assert not prefers_placed_page(_outline(booklet), page, FRAME)
    # The same quadrilateral closed by the frame (a corner on it: a window behind a held copy) gives way.
    cut = Outline(booklet, FRAME, fills_frame=False, cut_corners=("top-left",))
    assert prefers_placed_page(cut, page, FRAME)
    assert not prefers_placed_page(_outline(page * 1.01), page, FRAME)  # the edges found the page: kept
    beyond = page + np.array([-600.0, 0.0])  # the page runs out of the frame: cut, the edges judge it
    assert not prefers_placed_page(None, beyond, FRAME)
    scan = (int(np.ptp(page[:, 0]) / 0.95), int(np.ptp(page[:, 1]) / 0.95))  # a page filling a frame of its size
    assert not prefers_placed_page(None, page - page.min(axis=0), scan)
    # A frame with the proportions of the passport's two-page spread is a scan of it: its frame stays.
    spread = (1493, 2118)
    small = page_from_zone(ZONE * 0.7)
    whole = np.array([[0, 0], [spread[0] - 1, 0], [spread[0] - 1, spread[1] - 1], [0, spread[1] - 1]], np.float64)
    assert not prefers_placed_page(Outline(whole, spread, fills_frame=True, cut_corners=()), small, spread)


MISSED = {  # file -> half: frames whose edge outline missed the page (docs/calibration/realworld.md)
    "dlc2021_graycopies_calib/lva_passport__01.cg0002__000137.jpg": "calibration",
    "dlc2021_graycopies_calib/lva_passport__06.cg0001__000009.jpg": "calibration",
    "dlc2021_graycopies_calib/grc_passport__04.cg0003__000109.jpg": "calibration",
    "dlc2021_graycopies_calib/lva_passport__02.cg0002__000010.jpg": "check",
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to measure")
@pytest.mark.parametrize("file", sorted(MISSED))
def test_the_engine_places_a_page_its_edges_missed(file: str) -> None:
    from bench.realworld_engine import iou, load_labels, run_one

    label = next(label for label in load_labels() if label.file == file)
    assert label.quad is not None and label.half == MISSED[file]
    edge = edge_outline(Capture((CORPUS / file).read_bytes(), Path(file).name))
    assert edge is not None and iou(tuple(map(tuple, edge.corners.tolist())), label.quad) < 0.5
    result = run_one(label)
    assert not result.crashed
    assert result.outline is not None and iou(result.outline, label.quad) >= 0.9


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to measure")
def test_a_scan_of_the_open_passport_keeps_its_frame() -> None:
    from bench.realworld_engine import load_labels, run_one

    file = "smartengines_idreader_demo/passport_rf_2.jpg"
    label = next(label for label in load_labels() if label.file == file)
    result = run_one(label)
    assert not result.crashed and ("DOC_PHOTOCOPY", "fail") not in result.flagged
    capture = Capture((CORPUS / file).read_bytes(), "passport_rf_2.jpg")
    from workers.checks.identity.reader import capture_mrz, page_around

    page = page_around(capture_mrz(capture))
    assert page is not None  # the zone is read and a page placed, yet the frame stays the outline
    assert not prefers_placed_page(edge_outline(capture), page, (capture.width, capture.height))
