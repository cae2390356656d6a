"""How many pixels OCR needs: read rates of the MRZ (ID card, passport) and a bill's date by image size.

Calibrates IMAGE_TOO_SMALL (workers/checks/files/resolution.py). Renders seeded documents filling the
frame, shrinks them to a given short side (area averaging), degrades them like a phone photo re-sent
through a chat app (0.7 px blur, noise, JPEG 75), runs RapidOCR, and counts a document as read when every
MRZ line comes back with at most one wrong character (letter O and digit 0 count as one: a field-aware
step tells them apart later), or, for the bill, when its statement date is read.

    python bench/files_ocr_size.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein
from rapidocr import RapidOCR

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.documents import (
    Person,
    render_bill,
    render_id_card,
    render_passport_page,
    td1_lines,
    td3_lines,
)

SEEDS = (0, 1, 2)
MRZ_SHORT_SIDES = (150, 200, 250, 300, 400, 600)
BILL_SHORT_SIDES = (300, 400, 500, 700, 1000)
JPEG_QUALITY = 75  # what chat apps and web uploaders re-encode to


def shrink(rgb: NDArray[np.uint8], short_side: int, seed: int = 0) -> NDArray[np.uint8]:
    """Downsize to `short_side`, then degrade like a phone photo: slight defocus, sensor noise, JPEG."""
    scale = short_side / min(rgb.shape[:2])
    size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (0, 0), 0.7)
    noise = np.random.default_rng(seed).normal(0, 3, blurred.shape)
    noisy = np.clip(blurred + noise, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    assert ok
    return np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), dtype=np.uint8)


def texts(engine: RapidOCR, rgb: NDArray[np.uint8]) -> list[str]:
    result = engine(rgb)
    found = getattr(result, "txts", None) or ()
    return [str(t).replace(" ", "") for t in found]


def mrz_read(found: list[str], lines: list[str]) -> bool:
    def norm(s: str) -> str:
        return s.upper().replace("O", "0")

    def errors(line: str) -> int:
        return min((Levenshtein.distance(norm(t), norm(line)) for t in found), default=99)

    return all(errors(line) <= 1 for line in lines)


def main() -> None:
    engine = RapidOCR()
    people = [Person(document_number=f"L89890{seed}C3") for seed in SEEDS]
    print("document      short_side  read/total  seconds_per_image")
    kinds = (("TD1 ID card", render_id_card, td1_lines), ("TD3 passport", render_passport_page, td3_lines))
    for name, render, mrz in kinds:
        full = [render(p, seed=s) for p, s in zip(people, SEEDS, strict=True)]
        for side in MRZ_SHORT_SIDES:
            start = time.perf_counter()
            pairs = zip(full, people, strict=True)
            read = sum(mrz_read(texts(engine, shrink(img, side)), mrz(p)) for img, p in pairs)
            per = (time.perf_counter() - start) / len(SEEDS)
            print(f"{name:13} {side:10d}  {read:4d}/{len(SEEDS)}  {per:8.2f}")
    bills = [render_bill(p, seed=s) for p, s in zip(people, SEEDS, strict=True)]
    for side in BILL_SHORT_SIDES:
        start = time.perf_counter()
        read = sum(any("5October2026" in t for t in texts(engine, shrink(img, side))) for img in bills)
        per = (time.perf_counter() - start) / len(SEEDS)
        print(f"{'A4 bill date':13} {side:10d}  {read:4d}/{len(SEEDS)}  {per:8.2f}")


if __name__ == "__main__":
    main()
