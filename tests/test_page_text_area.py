"""The page's text is detected inside the document's outline when the document is small in the frame.

The OCR detector sees at most ocr.DET_SIDE px: over a whole 3200 x 2400 frame a card covering a tenth of it
has captions a few pixels high, which the detector misses; inside the card's box they are four times larger."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from tests.fixtures.camera import place
from tests.fixtures.degrade import plain_background
from tests.fixtures.documents import Person, render_id_card
from workers.checks.capture import Capture
from workers.checks.identity import mrz_read, ocr, page_text, reader
from workers.checks.identity.mrz_read import read_mrz
from workers.checks.identity.page_text import DETECTED_ROWS, DETECTED_TEXT, capture_page, text_area
from workers.checks.identity.reader import MRZ_BAND, QUICK_SIDE, capture_mrz
from workers.checks.locate import document_outline

FRAME = (3200, 2400)  # width, height of a 7.7 MP phone frame
CARD = np.array([[1150, 900], [2150, 930], [2130, 1560], [1130, 1530]], np.float64)  # ~8 % of the frame


def _photo(seed: int) -> Capture:
    rng = np.random.default_rng(seed)
    card = render_id_card(Person(), seed=seed, width=1280)
    frame = place(card, plain_background(rng, *FRAME), CARD + rng.uniform(-40, 40, (1, 2)))
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return Capture(data=data.tobytes(), filename="photo.jpg")


def _texts(lines: list[page_text.PageLine]) -> str:
    return " | ".join(line.text for line in lines)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_area_is_the_card_box(seed: int) -> None:
    capture = _photo(seed)
    outline = document_outline(capture)
    area = text_area(capture)
    assert outline is not None and area is not None
    left, top, right, bottom = area
    xs, ys = outline.corners[:, 0], outline.corners[:, 1]
    assert left <= xs.min() and right >= xs.max() and top <= ys.min() and bottom >= ys.max()
    assert (right - left) * (bottom - top) < 0.2 * FRAME[0] * FRAME[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_small_card_captions_are_read_only_in_its_box(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    expiry = Person().expiry.strftime("%d.%m.%Y")
    in_box = _texts(capture_page(_photo(seed)))
    assert "Date of expiry" in in_box and expiry in in_box, in_box
    # The same photo read over the whole frame (no outline): the captions are too small for the detector.
    monkeypatch.setattr(page_text, "text_area", lambda capture: None)
    whole = _texts(capture_page(_photo(seed)))
    assert "Date of expiry" not in whole, whole


def test_a_flat_scan_is_read_whole() -> None:
    card = render_id_card(Person(), seed=0, width=1280)
    ok, data = cv2.imencode(".png", cv2.cvtColor(card, cv2.COLOR_RGB2BGR))
    assert ok
    assert text_area(Capture(data=data.tobytes(), filename="scan.png")) is None


def _counted_detections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The long side of every view the detector is run on from now on."""
    sides: list[int] = []
    detect = ocr.detect_text_boxes

    def counted(view: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
        sides.append(max(view.shape[:2]))
        return detect(view)

    monkeypatch.setattr(ocr, "detect_text_boxes", counted)
    return sides


@pytest.mark.parametrize("seed", [0, 1])
def test_the_mrz_and_page_readers_share_one_detection(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # The MRZ reader and the printed-dates reader of an ID front both read its text area: the page's detection
    # runs once whether the MRZ reader needed it (its quick look failed) or not, and the page reader reads the
    # lines a fresh detection gives.
    fresh = _texts(capture_page(_photo(seed)))
    capture = _photo(seed)
    sides = _counted_detections(monkeypatch)
    capture_mrz(capture)
    shared = _texts(capture_page(capture))
    assert len([side for side in sides if side > QUICK_SIDE]) == 1, sides
    assert shared == fresh and "Date of expiry" in shared


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_readable_mrz_is_read_from_a_small_view_and_its_own_lines(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # The quick look: one detection, on the bottom band of a view of QUICK_SIDE (the card's box is landscape, so
    # the band is as wide as the view), the zone's three lines recognised and nothing else (not the card's
    # title or its captions), and the same reading as the full read of the same photo.
    full = read_mrz(_photo(seed).rgb)
    capture = _photo(seed)
    sides = _counted_detections(monkeypatch)
    recognised: list[str] = []
    recognise = ocr.recognize_line

    def counted(line: NDArray[np.uint8]) -> ocr.TextLine:
        recognised.append((text := recognise(line)).text)
        return text

    monkeypatch.setattr(ocr, "recognize_line", counted)
    quick = capture_mrz(capture)
    assert sides == [QUICK_SIDE]
    area = text_area(capture)
    assert capture.computed(DETECTED_ROWS.at(area, QUICK_SIDE, 1.0 - MRZ_BAND, 1.0)) is not None
    assert capture.computed(DETECTED_TEXT.at(area, QUICK_SIDE)) is None
    assert len(recognised) == 3 and all("<" in text for text in recognised), recognised
    assert quick is not None and full is not None and quick.parsed.valid
    assert quick.parsed == full.parsed


def test_an_mrz_outside_the_bottom_band_is_still_read() -> None:
    # Upside down, the zone is at the top of the card's box: the band finds no MRZ, and the reading is the
    # upright photo's all the same (the whole box is looked at next).
    upright = capture_mrz(_photo(0))
    photo = _photo(0)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(np.rot90(photo.rgb, 2), cv2.COLOR_RGB2BGR))
    assert ok
    turned = Capture(data=data.tobytes(), filename="turned.jpg")
    reading = capture_mrz(turned)
    assert upright is not None and reading is not None and reading.parsed.valid
    assert reading.parsed == upright.parsed
    assert turned.computed(DETECTED_ROWS.at(text_area(turned), QUICK_SIDE, 1.0 - MRZ_BAND, 1.0)) is not None


def _large_card_front() -> Capture:
    """A card front (no MRZ) over most of a 3200 x 2400 frame: its box's view is larger than a tile."""
    rng = np.random.default_rng(4)
    card = render_id_card(Person(), seed=4, width=1280)
    card[round(0.68 * card.shape[0]) :] = card[5:10].mean(axis=(0, 1)).astype(np.uint8)  # no zone on a front
    corners = np.array([[500, 500], [2700, 540], [2680, 1900], [480, 1860]], np.float64)
    frame = place(card, plain_background(rng, *FRAME), corners)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return Capture(data=data.tobytes(), filename="front.jpg")


def _tiled_views(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shape of every view the MRZ reader searches tile by tile from now on."""
    shapes: list[tuple[int, ...]] = []
    tile = ocr.detect_tiled

    def spied(view: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
        shapes.append(view.shape[:2])
        return tile(view)

    monkeypatch.setattr(ocr, "detect_tiled", spied)
    return shapes


def test_a_found_document_is_not_searched_tile_by_tile(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiles are for a document small in a large photo that no outline found; the view of the document's own box
    # already shows it at the readers' size, and the frame is looked at again only for a zone the outline cut off
    # (next to the document, at its scale). On the old code both the box's view and the frame's were tiled.
    capture = _large_card_front()
    area = text_area(capture)
    assert area is not None and max(area[2] - area[0], area[3] - area[1]) > mrz_read.TILE_FROM * ocr.DET_SIDE
    tiled = _tiled_views(monkeypatch)
    assert capture_mrz(capture) is None
    assert tiled == []


def test_without_an_outline_the_frame_is_searched_tile_by_tile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "text_area", lambda capture: None)
    capture = _large_card_front()
    tiled = _tiled_views(monkeypatch)
    assert capture_mrz(capture) is None
    frame_view = capture.computed(DETECTED_TEXT.at(None, page_text.PAGE_SIDE))
    assert frame_view is not None and tiled == [frame_view.view.shape[:2]], tiled
