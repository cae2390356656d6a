"""IMAGE_BLURRY and IMAGE_GLARE on the real corpus (../shared/corpus): old measures against the new ones.

Blur, per half of the real-world split (bench/realworld_labels.tsv, half column; a pair goes with its blurred
capture's half, a synthetic capture with its source's):
1. pairs ordered: on every pair of bench/blur_pairs.tsv (the same document blurred and sharp; real pairs and
   seeded synthetic blurs of real sharp captures) the blurred capture must score lower, with the engine's
   outline and, where the MANIFEST gives one, the ground-truth quad;
2. caught / false flags at the limit: caught among the blurred captures (the real blurred frames of the pairs,
   the `blur`-labelled images, and the synthetic blurs of Gaussian sigma >= 0.25 mm or motion >= 1.0 mm:
   STRONG_SIGMA_MM, STRONG_MOTION_MM); false flags among the real images with no blur label (unsure `?blur`
   left out) that are not a blurred frame of a pair. Milder synthetic blurs are ordered, not counted.
Glare, per half: caught among the `glare`-labelled images, false flags among images with no glare label (`?glare`
left out), for IMAGE_GLARE's own measure (the washed-out frames labelled glare are IMAGE_OVEREXPOSED's too:
shown apart).
Old: the measures before stroke sharpness and specular glare (edge steepness on 16 tiles, limit
OLD_MIN_SHARPNESS; measures.glare_mask's share, views.glare_fraction, limit OLD_MAX_GLARE). New: IMAGE_BLURRY's
measure and limit (views.sharpness, thresholds.MIN_SHARPNESS) and the specular glare share
(views.specular_fraction) at thresholds.MAX_GLARE; IMAGE_GLARE itself still reads views.glare_fraction, as the
specular share did no better on the calibration half.

Run: .venv/bin/python -m bench.blur_glare_real [--jobs 2] [--table] [--dump results.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import multiprocessing
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.outline_real import ground_truth
from bench.realworld_split import HALVES, definite, read_rows
from workers.checks.capture import Capture
from workers.checks.locate.flat import detail_tiles, document_crop
from workers.checks.locate.outline import Outline, document_outline
from workers.checks.quality import measures, views
from workers.checks.quality import thresholds as t

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
PAIRS = Path(__file__).resolve().parent / "blur_pairs.tsv"
# The measures and limits before stroke sharpness and specular glare (views.py and thresholds.py until the
# switch): edge steepness on the 16 most detailed 96 px tiles of the flat document at 1000 px, and the share
# of the flat document at 400 px under measures.glare_mask's blobs.
OLD_MIN_SHARPNESS = 0.30
OLD_MAX_GLARE = 0.025
OLD_SHARPNESS_SIDE = 1000
OLD_SHARPNESS_TILE = 96
OLD_SHARPNESS_TILES = 16
# Synthetic blurs at least this strong must be caught: a Gaussian of sigma 0.25 mm spreads a 0.3 mm stroke of
# a 2.4 mm MRZ character over ~0.9 mm; a 1 mm shake doubles every stroke. Milder ones are only ordered.
STRONG_SIGMA_MM = 0.25
STRONG_MOTION_MM = 1.0
PAPER_ROLES = {"proof_of_address", "business_registration", "authorization_letter"}
SYNTHETIC = re.compile(r"^synthetic/(gaussian)_([\d.]+)mm/(.+)$|^synthetic/(motion)_([\d.]+)mm_(\d+)deg/(.+)$")

Quad = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Job:
    name: str  # a corpus file, or a synthetic name (SYNTHETIC)
    paper: bool
    quad: Quad | None


@dataclass
class Measured:
    name: str
    decoded: bool = True
    old_sharp: float = math.nan  # engine outline; NaN: no outline
    new_sharp: float = math.nan
    old_sharp_gt: float = math.nan  # ground-truth quad
    new_sharp_gt: float = math.nan
    old_glare: float = math.nan
    new_glare: float = math.nan
    old_glare_gt: float = math.nan
    new_glare_gt: float = math.nan
    seconds: float = 0.0


def _decode(name: str) -> np.ndarray | None:
    data = (CORPUS / name).read_bytes()
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if pixels is None else np.asarray(pixels, dtype=np.uint8)


def _long_side_mm(quad: np.ndarray, paper: bool) -> float:
    corners = Outline(quad, (1, 1), False, ())
    return views.long_side_mm(corners, paper)


def synthetic_image(name: str, quad: Quad | None, paper: bool) -> bytes | None:
    """The synthetic capture `name` (SYNTHETIC): its source blurred by the named amount in mm of the document
    (px from the ground-truth quad, else the engine outline of the source), JPEG quality 92. None when the
    source shows no document to scale the blur by."""
    found = SYNTHETIC.match(name)
    assert found, name
    source = found.group(3) or found.group(7)
    pixels = _decode(source)
    if pixels is None:
        return None
    corners = np.asarray(quad, np.float64) if quad else None
    if corners is None:
        outline = document_outline(Capture(data=_png(pixels), filename="source.png"))
        if outline is None:
            return None
        corners = outline.corners
    sides = (float(np.linalg.norm(corners[1] - corners[0])), float(np.linalg.norm(corners[3] - corners[0])))
    px_per_mm = max(sides) / _long_side_mm(corners, paper)
    if found.group(1):
        blurred = cv2.GaussianBlur(pixels, (0, 0), float(found.group(2)) * px_per_mm)
    else:
        length = max(1.0, float(found.group(5)) * px_per_mm)
        size = math.ceil(length) | 1
        kernel = np.zeros((size, size), np.float32)
        centre = size // 2
        angle = math.radians(float(found.group(6)))
        dx, dy = math.cos(angle) * (length - 1) / 2, math.sin(angle) * (length - 1) / 2
        cv2.line(kernel, (round(centre - dx), round(centre - dy)), (round(centre + dx), round(centre + dy)), 1.0, 1)
        blurred = cv2.filter2D(pixels, -1, kernel / kernel.sum())
    return bytes(cv2.imencode(".jpg", blurred, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes())


def _png(pixels: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".png", pixels)[1].tobytes())


def _old_sharpness(capture: Capture, outline: Outline) -> float:
    tiles = detail_tiles(capture, outline, OLD_SHARPNESS_SIDE, OLD_SHARPNESS_TILE, OLD_SHARPNESS_TILES)
    return measures.edge_steepness([measures.grey(tile) for tile in tiles])


def _old_glare(capture: Capture, outline: Outline) -> float:
    return float(measures.glare_mask(document_crop(capture, outline, views.GLARE_SIDE)).mean())


def _data(job: Job) -> bytes | None:
    if job.name.startswith("synthetic/"):
        return synthetic_image(job.name, job.quad, job.paper)
    path = CORPUS / job.name
    if path.suffix.lower() in (".tif", ".tiff"):
        pixels = _decode(job.name)
        return None if pixels is None else _png(pixels)
    return path.read_bytes()


def measure(job: Job) -> Measured:
    start = time.perf_counter()
    result = Measured(job.name)
    data = _data(job)
    if data is None:
        result.decoded = False
        return result
    capture = Capture(data=data, filename="image.png" if data[:4] == b"\x89PNG" else "image.jpg")
    if not capture.decodes:
        result.decoded = False
        return result
    outline = document_outline(capture)
    if outline is not None:
        result.old_sharp = _old_sharpness(capture, outline)
        result.new_sharp = views.sharpness(capture, outline, job.paper)
        result.old_glare = _old_glare(capture, outline)
        result.new_glare = views.specular_fraction(capture, outline)
    if job.quad is not None:
        # A Capture of its own: views are cached per Capture and outline kind, not per corner position.
        truth = Capture(data=data, filename=capture.filename)
        quad = Outline(np.asarray(job.quad, np.float64), (capture.width, capture.height), False, ())
        result.old_sharp_gt = _old_sharpness(truth, quad)
        result.new_sharp_gt = views.sharpness(truth, quad, job.paper)
        result.old_glare_gt = _old_glare(truth, quad)
        result.new_glare_gt = views.specular_fraction(truth, quad)
    result.seconds = time.perf_counter() - start
    return result


@dataclass(frozen=True)
class Pair:
    blurred: str
    sharp: str
    why: str
    kind: str  # real, synthetic, excluded


def read_pairs(path: Path = PAIRS) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Pair(r["blurred"], r["sharp"], r["why"], r["kind"]) for r in csv.DictReader(handle, delimiter="\t")]


def strong(name: str) -> bool:
    """A synthetic blur strong enough that it must be caught."""
    found = SYNTHETIC.match(name)
    assert found, name
    if found.group(1):
        return float(found.group(2)) >= STRONG_SIGMA_MM
    return float(found.group(5)) >= STRONG_MOTION_MM


def source_of(name: str) -> str:
    found = SYNTHETIC.match(name)
    return (found.group(3) or found.group(7)) if found else name


def _frac(k: int, n: int) -> str:
    return f"{k}/{n}" if n else "0/0"


def ordered(pairs: Iterable[Pair], values: dict[str, float]) -> tuple[int, int, list[str]]:
    """(ordered, judged, the misordered) over pairs whose two captures both have a value."""
    good = total = 0
    wrong = []
    for pair in pairs:
        low, high = values.get(pair.blurred, math.nan), values.get(pair.sharp, math.nan)
        if math.isnan(low) or math.isnan(high):
            continue
        total += 1
        if low < high:
            good += 1
        else:
            wrong.append(f"{pair.blurred} {low:.3g} >= {pair.sharp} {high:.3g}")
    return good, total, wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--table", action="store_true", help="print every image's values")
    parser.add_argument("--dump", type=Path, help="write every image's values as JSON")
    parser.add_argument("--load", type=Path, help="read the values from a --dump instead of measuring")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"real-image corpus not found at {CORPUS}", file=sys.stderr)
        return 1
    _, rows = read_rows()
    labels = {row["file"]: row for row in rows if (CORPUS / row["file"]).is_file()}
    truth = ground_truth()
    pairs = read_pairs()
    synthetic = sorted({p.blurred for p in pairs if p.kind == "synthetic"})
    paper = {name: row["role"] in PAPER_ROLES for name, row in labels.items()}
    jobs = [Job(name, paper[name], truth.get(name)) for name in sorted(labels)]
    jobs += [Job(name, paper[source_of(name)], truth.get(source_of(name))) for name in synthetic]
    if args.load:
        results = [Measured(**item) for item in json.loads(args.load.read_text())]
    else:
        start = time.perf_counter()
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(measure, jobs, chunksize=1)
        print(f"{len(jobs)} captures measured in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    if args.dump:
        args.dump.write_text(json.dumps([asdict(r) for r in results], indent=0))
    by_name = {r.name: r for r in results}

    def half(name: str) -> str:
        return labels[source_of(name)]["half"]

    blurred_real = {p.blurred for p in pairs if p.kind == "real"}
    must_catch = sorted(
        {n for n in labels if "blur" in definite(labels[n]["defects"])} | blurred_real | set(filter(strong, synthetic))
    )
    unsure = {n for n in labels if "?blur" in labels[n]["defects"].split(",")} - blurred_real
    sharp = sorted(n for n in labels if n not in must_catch and n not in unsure and by_name[n].decoded)
    glare_yes = sorted(n for n in labels if "glare" in definite(labels[n]["defects"]))
    glare_no = sorted(n for n in labels if "glare" not in labels[n]["defects"] and by_name[n].decoded)

    measures_of = {
        "old": ("old_sharp", "old_sharp_gt", OLD_MIN_SHARPNESS, "old_glare", OLD_MAX_GLARE),
        "new": ("new_sharp", "new_sharp_gt", t.MIN_SHARPNESS, "new_glare", t.MAX_GLARE),
    }
    for scope in (*HALVES, "all"):
        print(f"\n## {scope} half" if scope != "all" else "\n## both halves")
        in_scope = [p for p in pairs if scope == "all" or half(p.blurred) == scope]
        for which, (sharp_key, sharp_gt_key, limit, glare_key, glare_limit) in measures_of.items():
            values = {n: float(getattr(r, sharp_key)) for n, r in by_name.items()}
            values_gt = {n: float(getattr(r, sharp_gt_key)) for n, r in by_name.items()}
            print(f"\n{which} measure (blur limit {limit:g}, glare limit {glare_limit:g}):")
            for kind in ("real", "synthetic", "excluded"):
                chosen = [p for p in in_scope if p.kind == kind]
                good, total, wrong = ordered(chosen, values)
                good_gt, total_gt, _ = ordered(chosen, values_gt)
                outline_words = f"engine outline {_frac(good, total)}"
                print(f"  {kind} pairs ordered: {outline_words}, ground-truth quad {_frac(good_gt, total_gt)}")
                if kind == "real":
                    for line in wrong:
                        print(f"    misordered: {line}")
            caught = [n for n in must_catch if (scope == "all" or half(n) == scope)]
            clean = [n for n in sharp if (scope == "all" or half(n) == scope)]
            hit = [n for n in caught if not math.isnan(values[n]) and values[n] < limit]
            judged = [n for n in caught if not math.isnan(values[n])]
            real_caught = [n for n in caught if not n.startswith("synthetic/")]
            real_hit = [n for n in real_caught if n in hit]
            flagged = [n for n in clean if not math.isnan(values[n]) and values[n] < limit]
            judged_clean = [n for n in clean if not math.isnan(values[n])]
            print(
                f"  blur caught {_frac(len(hit), len(judged))} (real {_frac(len(real_hit), len(real_caught))}), "
                f"false flags {_frac(len(flagged), len(judged_clean))}"
            )
            for name in flagged:
                print(f"    false flag: {name} {values[name]:.3g}")
            for name in sorted(set(real_caught) - set(real_hit)):
                print(f"    missed: {name} {values[name]:.3g}")
            glares = {n: float(getattr(r, glare_key)) for n, r in by_name.items()}
            yes = [n for n in glare_yes if scope == "all" or half(n) == scope]
            no = [n for n in glare_no if scope == "all" or half(n) == scope]
            g_hit = [n for n in yes if glares[n] > glare_limit]
            g_false = [n for n in no if glares[n] > glare_limit]
            print(f"  glare caught {_frac(len(g_hit), len(yes))}, false flags {_frac(len(g_false), len(no))}")
            for name in yes:
                print(f"    glare-labelled: {name} {glares[name]:.3g}{' caught' if name in g_hit else ''}")
            for name in g_false:
                print(f"    false flag: {name} {glares[name]:.3g}")
        if scope != "all":
            calib_sharp = [v for n in sharp if half(n) == scope and not math.isnan(v := by_name[n].new_sharp)]
            calib_blur = [v for n in must_catch if half(n) == scope and not math.isnan(v := by_name[n].new_sharp)]
            if calib_sharp and calib_blur:
                print(
                    f"\n  new sharpness: sharp captures {min(calib_sharp):.2f}-{max(calib_sharp):.2f} "
                    f"(5th percentile {np.percentile(calib_sharp, 5):.2f}), must-catch blurred "
                    f"{min(calib_blur):.2f}-{max(calib_blur):.2f} (95th percentile {np.percentile(calib_blur, 95):.2f})"
                )
    if args.table:
        print("\n| capture | half | old sharp | new sharp | new sharp (quad) | old glare | new glare | s |")
        print("|---|---|---|---|---|---|---|---|")
        for r in results:
            print(
                f"| {r.name} | {half(r.name)} | {r.old_sharp:.3f} | {r.new_sharp:.2f} | {r.new_sharp_gt:.2f} | "
                f"{r.old_glare:.3f} | {r.new_glare:.3f} | {r.seconds:.1f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
