"""Detection and false-flag rates of the file checks on seeded generated files.

For each defect generator in tests/fixtures/bad_files.py, the share of seeds on which the intended check
fires; for clean renders (ID card, passport page, bill, astronaut selfie; camera JPEG, EXIF-less JPEG, PNG)
the share on which any file check does not pass. A webcam-sized (1280 x 720) EXIF-less JPEG is listed apart:
it is the known false-flag case of the screenshot check.

    python bench/files_calibration.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2
import numpy as np
from skimage import data as skdata

from tests.fixtures import bad_files
from tests.fixtures.documents import (
    encode_jpeg,
    encode_png,
    render_bill,
    render_id_card,
    render_passport_page,
)
from tests.fixtures.filechecks import document_context
from workers.checks.files import CHECKS
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status

SEEDS = range(5)


def statuses(data: bytes, role: Role, filename: str) -> dict[str, Status]:
    doc = document_context(data, role, filename)
    found: dict[str, Status] = {}
    for check in CHECKS:
        if check.needs_pixels and not doc.capture.decodes:
            continue
        outcome = check.evaluate(doc)
        if isinstance(outcome, Outcome):
            found[check.code] = outcome.status
    return found


DEFECTS: list[tuple[str, str, Callable[[int], bytes]]] = [
    ("pdf", "FILE_TYPE_NOT_ACCEPTED", lambda s: bad_files.pdf_bytes()),
    ("heic", "FILE_TYPE_NOT_ACCEPTED", lambda s: bad_files.heic_like_bytes()),
    ("webp", "FILE_TYPE_NOT_ACCEPTED", bad_files.webp_bytes),
    ("truncated jpeg (60%)", "FILE_CORRUPT", bad_files.truncated_jpeg),
    ("truncated jpeg (95%)", "FILE_CORRUPT", lambda s: bad_files.truncated_jpeg(s, keep=0.95)),
    ("oversized jpeg", "FILE_TOO_LARGE", lambda s: bad_files.oversized_jpeg(seed=s)),
    ("bomb 30000^2", "FILE_DECOMPRESSION_BOMB", lambda s: bad_files.decompression_bomb_png()),
    ("bomb 8000x7000", "FILE_DECOMPRESSION_BOMB", lambda s: bad_files.decompression_bomb_png(8000, 7000)),
    ("screenshot png", "FILE_SCREENSHOT_SUSPECTED", bad_files.screenshot_png),
    ("tiny jpeg", "IMAGE_TOO_SMALL", bad_files.tiny_jpeg),
    ("empty", "FILE_MISSING", lambda s: b""),
]


def clean_files(seed: int) -> list[tuple[str, Role, bytes, str]]:
    card, page, bill = render_id_card(seed=seed), render_passport_page(seed=seed), render_bill(seed=seed)
    selfie = skdata.astronaut()  # type: ignore[no-untyped-call]
    out = []
    for name, role, rgb in (
        ("id card", Role.ID_DOCUMENT, card),
        ("passport", Role.ID_DOCUMENT, page),
        ("bill", Role.PROOF_OF_ADDRESS, bill),
        ("selfie", Role.SELFIE, selfie),
    ):
        out.append((f"{name} camera jpeg", role, encode_jpeg(rgb), "x.jpg"))
        out.append((f"{name} jpeg, no exif", role, encode_jpeg(rgb, camera=False), "x.jpg"))
        out.append((f"{name} png", role, encode_png(rgb), "x.png"))
    webcam = np.asarray(cv2.resize(card, (1280, 720), interpolation=cv2.INTER_AREA), dtype=np.uint8)
    out.append(("webcam 1280x720, no exif", Role.ID_DOCUMENT, encode_jpeg(webcam, camera=False), "x.jpg"))
    return out


def main() -> None:
    print("defect                 intended check              detected")
    for name, code, make in DEFECTS:
        found = [statuses(make(s), Role.ID_DOCUMENT, "doc.jpg").get(code) for s in SEEDS]
        hits = sum(status in {Status.FAIL, Status.REVIEW} for status in found)
        print(f"{name:22} {code:27} {hits}/{len(SEEDS)}")
    print("\nclean file              flagged (any file check not pass)")
    flagged: dict[str, list[list[str]]] = {}
    for seed in SEEDS:
        for name, role, data, filename in clean_files(seed):
            bad = [c for c, st in statuses(data, role, filename).items() if st is not Status.PASS]
            flagged.setdefault(name, []).append(bad)
    for name, runs in flagged.items():
        codes = sorted({c for run in runs for c in run})
        print(f"{name:26} {sum(bool(run) for run in runs)}/{len(runs)} {codes}")


if __name__ == "__main__":
    main()
