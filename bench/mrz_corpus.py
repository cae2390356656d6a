"""Score the MRZ reader on ../shared/corpus/MRZ_GROUND_TRUTH.json (24 images, every MRZ format).

Prints, per image, whether all MRZ lines were read exactly and whether the reported check-digit validity
matches the ground truth's `check_digits`, then the totals over ICAO-conformant images.
Run: /work/venv/bin/python bench/mrz_corpus.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers.checks.capture import Capture  # noqa: E402
from workers.checks.identity import ocr  # noqa: E402
from workers.checks.identity.mrz_parse import MRZ_ALPHABET  # noqa: E402
from workers.checks.identity.mrz_read import read_mrz  # noqa: E402
from workers.checks.identity.reader import DETECT_SIDE  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "corpus"
# Ground-truth MRZs that do not follow ICAO 9303 (the corpus MANIFEST.tsv notes say why); characters outside
# the MRZ alphabet (Spanish N-tilde) are detected from the text itself.
NOT_ICAO = {
    "mrz_detection_imagejs/id1.jpg": "French pre-2021 national ID layout (2x36 but not TD2)",
    "mrz_detection_imagejs/id_fail.png": "malformed: cut off, expiry digit missing, fields shifted",
}


def conformant(name: str, lines: list[str]) -> bool:
    return name not in NOT_ICAO and all(set(line) <= MRZ_ALPHABET for line in lines)


def main() -> int:
    truth_file = CORPUS / "MRZ_GROUND_TRUTH.json"
    if not truth_file.exists():
        print(f"corpus not found at {CORPUS}: nothing to score")
        return 0
    truth = json.loads(truth_file.read_text())
    ocr.engine()  # load once, outside the timings
    exact = conformant_total = read_total = checks_agree = 0
    seconds: list[float] = []
    for name, expected in truth.items():
        capture = Capture((CORPUS / name).read_bytes(), name)
        rgb = capture.rgb
        start = time.perf_counter()
        reading = read_mrz(rgb, capture.downscaled(DETECT_SIDE))
        seconds.append(time.perf_counter() - start)
        is_conformant = conformant(name, expected["lines"])
        conformant_total += is_conformant
        got = list(reading.parsed.lines) if reading else None
        is_exact = got == expected["lines"]
        exact += is_exact and is_conformant
        agree = None
        if reading is not None:
            read_total += 1
            agree = reading.parsed.checks == expected["check_digits"]
            checks_agree += agree
        flag = "" if is_conformant else f"  (not ICAO: {NOT_ICAO.get(name, 'characters outside A-Z0-9<')})"
        print(f"{'EXACT' if is_exact else 'miss ':5} checks={agree!s:5} {seconds[-1]:5.2f}s {name}{flag}")
    print()
    print(f"exact reads, ICAO-conformant images: {exact}/{conformant_total} = {exact / conformant_total:.1%}")
    print(f"check-digit validity matching ground truth: {checks_agree}/{read_total} images read")
    print(f"median seconds per image: {statistics.median(seconds):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
