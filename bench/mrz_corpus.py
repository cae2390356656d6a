"""Score the MRZ reader on every ../shared/corpus/**/MRZ_GROUND_TRUTH.json (48 images, every MRZ format).

Per image: whether all MRZ lines were read exactly, which check digits the reader calls invalid although the
ground truth says they hold as printed (a false MRZ_CHECK_DIGIT_INVALID), which it calls valid although they
fail as printed (a missed one), the verdict _check_digits would give, and the lines that differ. Totals are
given per half of bench/realworld_labels.tsv (calibration / check, split by source).
Run: .venv/bin/python bench/mrz_corpus.py [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

from workers.checks.capture import Capture  # noqa: E402
from workers.checks.identity import ocr  # noqa: E402
from workers.checks.identity.mrz_layout import MrzFormat  # noqa: E402
from workers.checks.identity.mrz_parse import MRZ_ALPHABET, ParsedMrz, parse_mrz  # noqa: E402
from workers.checks.identity.mrz_read import MrzReading, read_mrz, zone_read  # noqa: E402
from workers.checks.identity.reader import DETECT_SIDE, capture_mrz  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "corpus"
LABELS = ROOT / "bench" / "realworld_labels.tsv"
# Ground-truth MRZs that do not follow ICAO 9303 (the corpus MANIFEST.tsv notes say why); characters outside
# the MRZ alphabet (Spanish N-tilde) are detected from the text itself.
NOT_ICAO = {
    "mrz_detection_imagejs/id1.jpg": "French pre-2021 national ID layout (2x36 but not TD2; read as FRA-ID)",
    "mrz_detection_imagejs/id_fail.png": "malformed: cut off, expiry digit missing, fields shifted",
}


def conformant(name: str, lines: list[str]) -> bool:
    return name not in NOT_ICAO and all(set(line) <= MRZ_ALPHABET for line in lines)


def ground_truth(corpus: Path = CORPUS) -> dict[str, dict[str, object]]:
    """Every MRZ_GROUND_TRUTH.json under the corpus merged (keys are folder/file)."""
    truth: dict[str, dict[str, object]] = {}
    for path in sorted(corpus.glob("**/MRZ_GROUND_TRUTH.json")):
        truth.update(json.loads(path.read_text()))
    return truth


def halves(labels: Path = LABELS) -> dict[str, str]:
    with labels.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row["half"] for row in csv.DictReader(handle, delimiter="\t")}


@dataclass(frozen=True)
class Score:
    exact: bool
    conformant: bool
    read: bool
    false_fails: list[str]  # valid as printed, reported invalid
    missed: list[str]  # invalid as printed, reported valid
    verdict: str  # what MRZ_CHECK_DIGIT_INVALID would say: pass / fail / review / none


def verdict(parsed: ParsedMrz | None) -> str:
    if parsed is None or not zone_read(parsed):
        return "none"
    if parsed.valid:
        return "pass"
    return "review" if set(parsed.invalid_checks) <= parsed.uncertain else "fail"


def score(name: str, expected: dict[str, object], parsed: ParsedMrz | None) -> Score:
    lines = list(expected["lines"])  # type: ignore[call-overload]
    truth_checks: dict[str, bool] = dict(expected["check_digits"])  # type: ignore[call-overload]
    national = parse_mrz(lines)
    if national is not None and national.format is MrzFormat.FRA_ID:
        # The ground truth judged this zone's digits as a TD2's; the French card's own fields say otherwise.
        truth_checks = national.checks
    got = parsed.checks if parsed is not None else {}
    return Score(
        exact=parsed is not None and list(parsed.lines) == lines,
        conformant=conformant(name, lines),
        read=parsed is not None,
        false_fails=[k for k, ok in got.items() if not ok and truth_checks.get(k, False)],
        missed=[k for k, ok in got.items() if ok and truth_checks.get(k) is False],
        verdict=verdict(parsed),
    )


def timed_reading(path: Path) -> tuple[MrzReading | None, float]:
    """The MRZ as the engine reads it (reader.capture_mrz: inside the document's box first, then the whole
    frame), and the seconds it took after decoding (the document's outline included). Files the service
    refuses as a type are read over their OpenCV pixels (pixels) by read_mrz."""
    capture = Capture(path.read_bytes(), path.name)
    if capture.decodes:
        _ = capture.rgb
        start = time.perf_counter()
        return capture_mrz(capture), time.perf_counter() - start
    rgb, view = pixels(path)
    start = time.perf_counter()
    return read_mrz(rgb, view), time.perf_counter() - start


def pixels(path: Path) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """Full-resolution RGB and the detector's view, as the reader gets them. Files the service refuses as a
    type (the Regula BMP triple named .jpg: FILE_TYPE_NOT_ACCEPTED) are decoded by OpenCV instead: their
    pixels are still a fair test of the reader."""
    capture = Capture(path.read_bytes(), path.name)
    if capture.decodes:
        return capture.rgb, capture.downscaled(DETECT_SIDE)
    bgr = cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"{path} decodes neither for the service nor for OpenCV")
    rgb = np.ascontiguousarray(np.asarray(bgr, dtype=np.uint8)[:, :, ::-1])
    scale = min(1.0, DETECT_SIDE / max(rgb.shape[:2]))
    size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
    return rgb, np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="score only images whose name contains this")
    args = parser.parse_args()
    truth = ground_truth()
    if not truth:
        print(f"corpus not found at {CORPUS}: nothing to score")
        return 0
    half_of = halves()
    ocr.engine()  # load once, outside the timings
    scores: dict[str, list[Score]] = defaultdict(list)
    seconds: list[float] = []
    for name, expected in truth.items():
        if args.only not in name:
            continue
        reading, took = timed_reading(CORPUS / name)
        seconds.append(took)
        parsed = reading.parsed if reading else None
        s = score(name, expected, parsed)
        half = half_of.get(name, "unsplit")
        scores[half].append(s)
        flag = "" if s.conformant else f"  (not ICAO: {NOT_ICAO.get(name, 'characters outside A-Z0-9<')})"
        status = "EXACT" if s.exact else ("miss " if s.read else "NONE ")
        fails = ",".join(s.false_fails) or "-"
        print(f"{status} {half[:5]:5} {s.verdict:6} false_fail={fails:9} {seconds[-1]:5.2f}s {name}{flag}")
        if s.missed:
            print(f"      reported valid but invalid as printed: {','.join(s.missed)}")
        if parsed is not None and not s.exact:
            for want, have in zip(expected["lines"], parsed.lines, strict=False):  # type: ignore[call-overload]
                if want != have:
                    print(f"      want {want}\n      got  {have}")
    print()
    for half in sorted(scores):
        rows = scores[half]
        conf = [s for s in rows if s.conformant]
        exact_all = sum(s.exact for s in rows)
        exact_conf = sum(s.exact for s in conf)
        false_fail_images = sum(bool(s.false_fails) and s.verdict == "fail" for s in rows)
        reviews = sum(s.verdict == "review" for s in rows)
        print(
            f"{half:11} exact {exact_all}/{len(rows)} all, {exact_conf}/{len(conf)} ICAO-conformant; "
            f"false check-digit fails {false_fail_images}; reviews {reviews}; "
            f"images with a wrongly invalid digit {sum(bool(s.false_fails) for s in rows)}; "
            f"missed invalid digits {sum(bool(s.missed) for s in rows)}"
        )
    everything = [s for rows in scores.values() for s in rows]
    print(f"{'total':11} exact {sum(s.exact for s in everything)}/{len(everything)}")
    print(f"median seconds per image: {statistics.median(seconds):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
