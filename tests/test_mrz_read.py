"""Reading MRZs off pixels with the in-wheel rapidocr models: generated pages (tilted, sideways, upside down,
photographed at an angle) and a small subset of the real corpus. Full corpus scores: bench/mrz_corpus.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from tests.fixtures.documents import Person, render_id_card, render_passport_page, td1_lines, td3_lines
from tests.fixtures.identity_docs import mrv_lines, perspective, render_mrz_page, rotate, td2_lines
from workers.checks.capture import Capture
from workers.checks.identity import ocr
from workers.checks.identity.line_geometry import crop_line, ink_crop
from workers.checks.identity.mrz_read import read_mrz
from workers.checks.identity.reader import DETECT_SIDE

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
PERSON = Person(surname="OLSEN BRANDT", given_names="KARI", document_number="X04221795")


def test_models_come_from_inside_the_rapidocr_wheel() -> None:
    wheel_files = {str(f) for f in metadata.files("rapidocr") or []}
    for name in (ocr.DET_MODEL, ocr.REC_MODEL):
        assert f"rapidocr/models/{name}" in wheel_files
        assert (ocr.model_dir() / name).is_file()
    assert "site-packages" in str(ocr.model_dir())
    assert ocr.engine() is ocr.engine()  # loaded once per process


CASES: dict[str, tuple[Callable[[], NDArray[np.uint8]], list[str]]] = {
    "td2 page": (lambda: render_mrz_page(td2_lines(PERSON), seed=1), td2_lines(PERSON)),
    "mrv-b page": (lambda: render_mrz_page(mrv_lines(PERSON, width=36), seed=2), mrv_lines(PERSON, width=36)),
    "passport tilted 12 degrees": (
        lambda: rotate(render_passport_page(PERSON, width=1100), 12),
        td3_lines(PERSON),
    ),
    "passport sideways": (lambda: rotate(render_passport_page(PERSON, width=1000), 90), td3_lines(PERSON)),
    "card upside down": (lambda: rotate(render_id_card(PERSON, width=900), 180), td1_lines(PERSON)),
    "card at an angle": (
        lambda: perspective(render_id_card(PERSON, width=1000), 0.3, seed=4),
        td1_lines(PERSON),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_generated_mrz_is_read_exactly(case: str) -> None:
    build, truth = CASES[case]
    image = build()
    reading = read_mrz(image)
    assert reading is not None
    assert list(reading.parsed.lines) == truth
    assert reading.parsed.valid
    xs = [x for x, _ in reading.polygon]
    assert 0 <= min(xs) < max(xs) <= image.shape[1] + 1


def test_the_quick_look_reads_black_ink_and_drops_coloured_print_over_it() -> None:
    # A line crop: white paper, black ink on the left, a red stamp stroke and a blue one on the right.
    image = np.full((40, 200, 3), 245, np.uint8)
    image[10:30, 20:60] = (20, 20, 20)
    image[10:30, 100:140] = (200, 30, 30)
    image[10:30, 150:190] = (40, 60, 200)
    quad = np.array([[0, 0], [200, 0], [200, 40], [0, 40]], np.float32)
    strip = ink_crop(image, quad)
    assert strip.shape == crop_line(image, quad).shape  # the same strip the recogniser is given
    along = strip.shape[1] / image.shape[1]  # the strip is warped to the recogniser's line height
    middle = strip[strip.shape[0] // 2]
    ink, red, blue, paper = (float(middle[round(x * along)].mean()) for x in (40, 120, 170, 80))
    assert ink < 40 and min(red, blue) >= 200 and paper >= 240  # the ink kept, the colours faded to paper


def test_a_page_without_mrz_reads_nothing() -> None:
    page = render_mrz_page(["UTOPIA DEPARTMENT OF MOTOR VEHICLES", "DRIVING LICENCE CLASS B"], seed=3)
    assert read_mrz(page) is None


# One image per kind of difficulty; bench/mrz_corpus.py scores all 48 (tests/test_mrz_real.py holds its floors).
CORPUS_SUBSET = [
    "passporteye/tests_passport-td2.jpg",  # TD2
    "passporteye/testdata_100_visa-usa.jpg",  # MRV-A, no filler in line 2
    "passporteye/testdata_33_id-usa.jpg",  # TD1 printed with wrong digits
    "passporteye/testdata_62_pass-aus.png",  # photo at an angle, line 1 cut short by the detector
    "docsaid_midv2020/mrzscanner_img2.jpg",  # phone photo with marks drawn over the zone
]


@pytest.mark.parametrize("name", CORPUS_SUBSET)
def test_corpus_mrz_read_exactly_with_ground_truth_check_digits(name: str) -> None:
    truth_file = CORPUS / "MRZ_GROUND_TRUTH.json"
    if not truth_file.exists():
        pytest.skip(f"real corpus not found at {CORPUS} (only present in the project workspace)")
    expected = json.loads(truth_file.read_text())[name]
    capture = Capture((CORPUS / name).read_bytes(), name)
    reading = read_mrz(capture.rgb, capture.downscaled(DETECT_SIDE))
    assert reading is not None
    assert list(reading.parsed.lines) == expected["lines"]
    assert reading.parsed.checks == expected["check_digits"]
