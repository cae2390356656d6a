"""Speed of the capture-quality checks relative to decoding the image, measured in one run.

For every image in ../shared/corpus and in a seeded generated set: (time of all capture-quality checks on the
image) / (time of a full-resolution Pillow decode of the same bytes, `Image.open(...).load()`), each the best
of 3 runs.
"warm": the Capture's decode is triggered before timing (the engine decodes once for all checks);
"cold": the timing includes the Capture's own decode. Prints median and 90th percentile of each ratio.
"phone12mp" rows are generated scenes enlarged to 4032 x 3024, the size of a typical phone upload.
One untimed warm-up run precedes the timings.
`--stages` prints instead where the time goes: per stage of the shared views (outline, sharpness tiles,
glare, screen spectrum...), the median milliseconds over the generated scenes, next to their median decode.
Run: python -m bench.quality [--generated N] [--phone N] [--stages]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from bench.calibrate_quality import context
from tests.fixtures.degrade import DEFECTS, scene
from tests.fixtures.documents import encode_jpeg
from workers.checks.capture import Capture
from workers.checks.locate.flat import detail_tiles, document_crop
from workers.checks.locate.outline import ANALYSIS_SIDE, Outline, document_outline
from workers.checks.locate.scaled import reduced_view
from workers.checks.manifest import Role
from workers.checks.quality import CHECKS, views

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def decode_seconds(data: bytes, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
        best = min(best, time.perf_counter() - start)
    return best


def checks_seconds(data: bytes, role: Role, *, warm: bool, repeats: int = 3) -> float:
    """Best of `repeats` runs, each on a fresh Capture (nothing cached from the run before), as the decode is
    timed: the minimum is the cost without the shared machine's scheduling noise, on both sides."""
    best = float("inf")
    for _ in range(repeats):
        ctx = context(data, role)
        start = time.perf_counter()
        if warm:
            ctx.capture.rgb  # noqa: B018 - trigger the one decode outside the timing
            start = time.perf_counter()
        for check in CHECKS:
            if role in check.roles:
                check.evaluate(ctx)
        best = min(best, time.perf_counter() - start)
    return best


def images(generated: int, phone: int) -> list[tuple[str, bytes, Role]]:
    found: list[tuple[str, bytes, Role]] = []
    if CORPUS.is_dir():
        left_out = []
        for path in sorted(CORPUS.glob("*/*")):
            if path.suffix.lower() in (".jpg", ".png"):
                data = path.read_bytes()
                if not Capture(data=data, filename=path.name).decodes:
                    # A file the engine refuses before any pixel check (the regula scans are BMPs named .jpg):
                    # no capture-quality check runs on it, so there is nothing to time.
                    left_out.append(path.name)
                    continue
                found.append((f"corpus/{path.name}", data, Role.ID_DOCUMENT))
        if left_out:
            print(f"(left out, not decoded by the engine: {', '.join(left_out)})")
    else:
        print(f"(corpus not found at {CORPUS}: generated set only)")
    for i in range(generated):
        defect = DEFECTS[i % len(DEFECTS)]
        s = scene(defect, seed=500 + i)
        role = Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT
        found.append((f"generated/{defect}-{i}", s.jpeg(), role))
    for i in range(phone):
        # The same kind of scene at a 12 MP phone camera's size (4032 x 3024), enlarged from the generator's
        # 1600 x 1200: a decode and a check cost what they would on a real upload.
        defect = DEFECTS[i % len(DEFECTS)]
        s = scene(defect, seed=700 + i)
        w, h = (3024, 4032) if s.rgb.shape[0] > s.rgb.shape[1] else (4032, 3024)
        big = np.asarray(cv2.resize(s.rgb, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.uint8)
        role = Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT
        found.append((f"phone12mp/{defect}-{i}", encode_jpeg(big, quality=90), role))
    return found


def summary(label: str, ratios: list[float]) -> str:
    if not ratios:
        return f"{label}: no images"
    return f"{label}: n={len(ratios)} median {statistics.median(ratios):.2f} p90 {float(np.percentile(ratios, 90)):.2f}"


# The shared views in the order the checks first need them; each stage's time excludes the stages before it.
STAGES: list[tuple[str, Callable[[Capture, Outline], object]]] = [
    ("flat document at 256 px", lambda c, o: document_crop(c, o, views.LIGHT_SIDE)),
    (
        "sharpness tiles (16 warps from full resolution)",
        lambda c, o: detail_tiles(c, o, views.SHARPNESS_SIDE, views.SHARPNESS_TILE, views.SHARPNESS_TILES),
    ),
    ("sharpness measure", lambda c, o: views.sharpness(c, o)),
    ("flat document at 400 px", lambda c, o: document_crop(c, o, views.GLARE_SIDE)),
    ("glare mask", lambda c, o: views.glare_mask(c, o)),
    ("screen spectrum (512 px native patch)", lambda c, o: views.screen_peak(c, o)),
    ("occlusion (skin blobs)", lambda c, o: views.occlusion(c, o)),
    ("background clutter", lambda c, o: views.clutter(c, o)),
    ("light fall-off", lambda c, o: views.falloff(c, o)),
    ("print chroma, exposure", lambda c, o: (views.print_chroma(c, o), views.bright_level(c, o))),
]


def stages(found: list[tuple[str, bytes, Role]]) -> None:
    """Median milliseconds per stage over the generated scenes (best of 3 per image)."""
    timings: dict[str, list[float]] = {}
    decodes = []
    for name, data, role in found:
        if not name.startswith("generated/"):
            continue
        decodes.append(decode_seconds(data))
        best: dict[str, float] = {}
        for _ in range(3):
            capture = context(data, role).capture
            capture.rgb  # noqa: B018 - the decode is not a stage
            start = time.perf_counter()
            reduced_view(capture, ANALYSIS_SIDE)
            outline = document_outline(capture)
            best["reduced views + outline search"] = min(
                best.get("reduced views + outline search", 1.0), time.perf_counter() - start
            )
            if outline is None:
                continue
            for label, stage in STAGES:
                start = time.perf_counter()
                stage(capture, outline)
                best[label] = min(best.get(label, 1.0), time.perf_counter() - start)
        for label, seconds in best.items():
            timings.setdefault(label, []).append(seconds)
    print(f"median full-resolution decode: {statistics.median(decodes) * 1e3:.1f} ms over {len(decodes)} scenes")
    for label, values in timings.items():
        print(f"{label:50s} {statistics.median(values) * 1e3:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=30)
    parser.add_argument("--phone", type=int, default=10, help="generated scenes enlarged to 12 MP")
    parser.add_argument("--stages", action="store_true", help="where the time goes, per shared view")
    args = parser.parse_args()
    rows = []
    found = images(args.generated, args.phone)
    if args.stages:
        checks_seconds(found[-1][1], found[-1][2], warm=True)  # OpenCV's one-off table building
        stages(found)
        return
    # One untimed run first: OpenCV builds its colour-conversion tables on first use (~100 ms, once per
    # process), a cost a long-running worker pays once, not per image.
    checks_seconds(found[-1][1], found[-1][2], warm=True)
    for name, data, role in found:
        decode = decode_seconds(data)
        warm = checks_seconds(data, role, warm=True)
        cold = checks_seconds(data, role, warm=False)
        rows.append((name, decode, warm, cold))
    print("image | decode ms | checks ms (warm) | ratio warm | ratio cold")
    for name, decode, warm, cold in rows:
        print(f"{name} | {decode * 1e3:.1f} | {warm * 1e3:.1f} | {warm / decode:.2f} | {cold / decode:.2f}")
    for subset in ("corpus/", "generated/", "phone12mp/", ""):
        chosen = [r for r in rows if r[0].startswith(subset)]
        label = subset.rstrip("/") or "all"
        print(summary(f"{label} warm (checks / decode)", [w / d for _, d, w, _ in chosen]))
        print(summary(f"{label} cold (Capture decode + checks) / decode", [c / d for _, d, _, c in chosen]))


if __name__ == "__main__":
    main()
