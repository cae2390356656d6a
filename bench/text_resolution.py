"""How few pixels per millimetre the readers still read a real document's MRZ at: TEXT_RESOLUTION_LOW's limit.

Every corpus image with an MRZ ground truth (MRZ_GROUND_TRUTH.json) whose document outline is found is read as
it is, then downscaled (INTER_AREA, as a phone's smaller photo size is made, and re-saved as a JPEG of quality
90) to each target resolution below its own, and its MRZ read again as the engine reads it
(reader.capture_mrz). Printed per half of bench/realworld_labels.tsv and per target: the images read exactly
(every line as the ground truth) and the images whose reading still has every check digit holding. The
images are real captures at a reduced size, not photos taken at it: a real phone photo at that size is
blurred by its optics as well, so the curve is where the recogniser itself stops reading, the least
resolution the text can have. The real low-resolution photos (the getcontrol 600x800 set) are in
bench/realworld.py's table.

Run: .venv/bin/python -m bench.text_resolution [--jobs 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
from collections import defaultdict

import cv2
import numpy as np

from bench.mrz_corpus import CORPUS, ground_truth, halves, score
from workers.checks.capture import Capture
from workers.checks.identity.reader import capture_mrz, page_around
from workers.checks.locate import document_outline
from workers.checks.locate.mrz_page import MRZ_PAGE
from workers.checks.quality.views import pixels_per_mm

# Resolutions tried (px/mm on the document's longer side): from below the least any real corpus photo has
# (1.9, the getcontrol hun IMG_2362) to above the limit generated captures were judged by (3.4).
TARGETS = (1.6, 2.0, 2.4, 2.8, 3.2, 3.6, 4.0)
JPEG_QUALITY = 90
# A frame the document fills counts where it has the document's own proportions (a scan or a crop of the card
# or page: ID-1 85.60 x 53.98 mm, ID-3 125 x 88 mm, ISO/IEC 7810), within 8 %: else it holds more than the
# document and its scale would be overstated.
DOCUMENT_ASPECTS = (85.60 / 53.98, 125 / 88)
ASPECT_SLACK = 0.08


def _document_shaped(width: int, height: int) -> bool:
    aspect = max(width, height) / max(1, min(width, height))
    return any(abs(aspect / shape - 1) <= ASPECT_SLACK for shape in DOCUMENT_ASPECTS)


Reads = dict[float, tuple[bool, bool]]


def one(item: tuple[str, dict[str, object]]) -> tuple[str, float | None, bool, Reads]:
    """Native px/mm, whether the MRZ is read exactly at it, and per target below it (exact, valid) of the MRZ
    read at that resolution."""
    cv2.setNumThreads(1)
    name, expected = item
    path = CORPUS / name
    data = path.read_bytes()
    capture = Capture(data, path.name)
    if not capture.decodes:
        return name, None, False, {}
    reading = capture_mrz(capture)
    capture.cached(MRZ_PAGE, lambda: page_around(reading))
    outline = document_outline(capture)
    if outline is None or (outline.fills_frame and not _document_shaped(capture.rgb.shape[1], capture.rgb.shape[0])):
        return name, None, False, {}  # a frame wider than the document: its scale is not the document's
    native = pixels_per_mm(outline, paper=False)
    exact_as_taken = score(name, expected, reading.parsed if reading else None).exact
    out: Reads = {}
    rgb = capture.rgb
    for target in TARGETS:
        if target >= native:
            continue
        factor = target / native
        size = (max(1, round(rgb.shape[1] * factor)), max(1, round(rgb.shape[0] * factor)))
        small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        ok, encoded = cv2.imencode(".jpg", small[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            continue
        shrunk = capture_mrz(Capture(np.asarray(encoded).tobytes(), "shrunk.jpg"))
        parsed = shrunk.parsed if shrunk else None
        s = score(name, expected, parsed)
        out[target] = (s.exact, parsed is not None and parsed.valid)
    return name, native, exact_as_taken, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    truth = ground_truth()
    if not truth:
        print(f"corpus not found at {CORPUS}: nothing to measure")
        return 0
    half_of = halves()
    items = [(name, expected) for name, expected in truth.items() if half_of.get(name) in ("calibration", "check")]
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        results = pool.map(one, items, chunksize=1)
    table: dict[str, dict[float, list[bool]]] = defaultdict(lambda: defaultdict(list))
    print("image | half | px/mm as taken | exact as taken | at " + " ".join(f"{t:.1f}" for t in TARGETS))
    for name, native, exact_as_taken, reads in results:
        if native is None:
            continue
        half = half_of[name]
        marks = " ".join(("E" if reads[t][0] else "v" if reads[t][1] else ".") if t in reads else "-" for t in TARGETS)
        print(f"{name} | {half} | {native:.2f} | {'E' if exact_as_taken else '.'} | {marks}")
        if exact_as_taken:  # what a lower resolution loses: only zones the reader reads at full size count
            for target, (exact, _) in reads.items():
                table[half][target].append(exact)
    print("\nE exact, v every check digit holding but not exact, . neither, - above the image's own resolution")
    print("Still read exactly, of the images read exactly as taken:")
    for half in ("calibration", "check"):
        cells = [f"{t:.1f} {sum(table[half][t])}/{len(table[half][t])}" for t in TARGETS]
        print(f"  {half}: " + "; ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
