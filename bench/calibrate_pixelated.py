"""Calibration of EDIT_PORTRAIT_PIXELATED on the real corpus: its own portraits, and the same pixelated.

For every identity document of ../shared/corpus (bench/realworld_labels.tsv, role id_document) whose portrait the
face checks find, per half of the real-world split:
1. the portrait's grid contrast as stored (mosaic.pixelation, through the check itself);
2. generated mosaics (coverage, not a rate): the same image with its portrait pixelated, 12, 20, 28 and 40
   blocks across, softened by a Gaussian blur of a sixth of a block (as a print or a scan softens it) and saved
   as JPEG (quality 85), then checked from its bytes like an upload (the portrait found again or not);
3. the images labelled manipulated whose portrait is pixelated in the corpus itself (the Smart Engines demo
   passports) are rows of (1), marked.
The limit is chosen on the calibration half only: between its highest stored portrait and its lowest mosaic.
Run: .venv/bin/python -m bench.calibrate_pixelated [--jobs 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from bench.realworld_split import HALVES, definite, read_rows
from workers.checks.authenticity.check_face import EDIT_PORTRAIT_PIXELATED, MAX_PORTRAIT_PIXELATION
from workers.checks.authenticity.views import faces
from workers.checks.capture import Capture
from workers.checks.engine import check_bundle
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.policy import load_policy
from workers.checks.threads import use_one_thread

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
BLOCKS_ACROSS = (12, 20, 28, 40)


@dataclass(frozen=True)
class Row:
    file: str
    half: str
    manipulated: bool
    stored: float | None  # grid contrast as stored (None: no portrait found)
    mosaics: tuple[float | None, ...]  # per BLOCKS_ACROSS (None: the pixelated portrait not found again)


def judge(data: bytes, name: str) -> float | None:
    """EDIT_PORTRAIT_PIXELATED's measure on one identity document's bytes, through the engine (None: not judged,
    no portrait found)."""
    spec = BundleSpec(
        reference="pixelated",
        profile=Profile(full_name="Bench Applicant"),
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file=name)],
    )
    verdict = check_bundle(
        spec,
        {name: data},
        submit_on=date(2026, 12, 2),
        policy=load_policy("default"),
        document_checks=[EDIT_PORTRAIT_PIXELATED],
        bundle_checks=[],
        readers=[],
    )
    found = next((f for f in verdict.findings if f.code == EDIT_PORTRAIT_PIXELATED.code), None)
    return float(found.measured) if found is not None and isinstance(found.measured, (int, float)) else None


def pixelated(rgb: np.ndarray, box: tuple[int, int, int, int], across: int) -> bytes:
    """`rgb` with the portrait box pixelated `across` blocks across, lightly blurred, as JPEG bytes."""
    x, y, w, h = box
    out = rgb.copy()
    face = out[y : y + h, x : x + w]
    small = cv2.resize(face, (across, max(1, round(across * h / w))), interpolation=cv2.INTER_AREA)
    out[y : y + h, x : x + w] = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    # Softened by a sixth of a block (the corpus's scanned demo passports: 12 px blocks, edges ~2 px wide); a
    # crisper mosaic is mostly not found as a face at all (ID_PORTRAIT_MISSING's finding, not this check's).
    soft = cv2.GaussianBlur(out, (0, 0), max(0.7, w / across / 6))
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(soft, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return bytes(jpeg.tobytes()) if ok else b""


def measure(row: dict[str, str]) -> Row | None:
    path = CORPUS / row["file"]
    data = path.read_bytes()
    capture = Capture(data=data, filename=path.name)
    if not capture.decodes:
        return None
    found = faces(capture, Role.ID_DOCUMENT)
    if not found:
        return None
    x, y, w, h = (round(v) for v in found[0])
    x, y = max(0, x), max(0, y)
    w, h = min(w, capture.width - x), min(h, capture.height - y)
    stored = judge(data, path.name)
    mosaics = tuple(
        judge(pixelated(capture.rgb, (x, y, w, h), n), path.with_suffix(".jpg").name) for n in BLOCKS_ACROSS
    )
    return Row(row["file"], row["half"], "manipulated" in definite(row["defects"]), stored, mosaics)


def _span(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}" if values else "-"


def report(rows: list[Row]) -> str:
    limit = MAX_PORTRAIT_PIXELATION
    lines = [
        f"# EDIT_PORTRAIT_PIXELATED on the real corpus (limit {limit}: flagged above it)",
        "",
        "| half | portraits | stored: range | stored: flagged | mosaics found | mosaics: range | mosaics: flagged |",
        "|---|---|---|---|---|---|---|",
    ]
    for half in HALVES:
        own = [r for r in rows if r.half == half and r.stored is not None]
        plain = [r.stored for r in own if r.stored is not None and not r.manipulated]
        made = [m for r in own for m in r.mosaics]
        seen = [m for m in made if m is not None]
        lines.append(
            f"| {half} | {len(plain)} | {_span(plain)} | {sum(v > limit for v in plain)} | {len(seen)}/{len(made)} "
            f"| {_span(seen)} | {sum(v > limit for v in seen)}/{len(seen)} |"
        )
    lines += ["", "| half | blocks across | mosaics found | flagged |", "|---|---|---|---|"]
    for half in HALVES:
        own = [r for r in rows if r.half == half and r.stored is not None]
        for index, across in enumerate(BLOCKS_ACROSS):
            values = [r.mosaics[index] for r in own]
            found = [v for v in values if v is not None]
            lines.append(f"| {half} | {across} | {len(found)}/{len(own)} | {sum(v > limit for v in found)} |")
    lines += ["", "Labelled manipulated (their portrait as stored):"]
    lines += [f"- {r.half} {r.file}: {r.stored}" for r in rows if r.manipulated and r.stored is not None]
    lines += ["", "Highest stored portraits (not labelled manipulated):"]
    top = sorted((r for r in rows if r.stored is not None and not r.manipulated), key=lambda r: -(r.stored or 0))
    lines += [f"- {r.half} {r.file}: {r.stored}" for r in top[:6]]
    lines += ["", "Lowest mosaics found:"]
    mosaics = [(m, n, r) for r in rows for n, m in zip(BLOCKS_ACROSS, r.mosaics, strict=True) if m is not None]
    low = sorted(mosaics, key=lambda item: (item[0], item[1]))
    lines += [f"- {r.half} {r.file}, {n} blocks across: {m}" for m, n, r in low[:6]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS.resolve()}")
    _, labels = read_rows()
    wanted = [r for r in labels if r["role"] == "id_document" and (CORPUS / r["file"]).is_file()]
    with multiprocessing.get_context("spawn").Pool(args.jobs, initializer=use_one_thread) as pool:
        rows = [r for r in pool.map(measure, wanted) if r is not None]
    print(report(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
