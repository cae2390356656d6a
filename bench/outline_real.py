"""Document outline and DOC_PHOTOCOPY on the real corpus (../shared/corpus), per half of the real-world split.

For the calibration half, the check half and all images (bench/realworld_labels.tsv, half column):
1. the outline's IoU against every ground-truth quadrilateral (MANIFEST doc_quad: the 80 DLC-2021 greyscale
   copies and the MIDV-500 frame): median, share >= 0.9, count, outlines not found;
2. DOC_PHOTOCOPY (the rule's own measure, views.print_chroma, and limit) caught on the greyscale copies
   (defect "photocopy"), false flags on the genuine colour captures (GENUINE_COLOUR below) and on the other
   colour ID documents of the corpus (flat specimens, scans, renders: every other image of a colour document
   not labelled photocopy; greyscale files, an IR channel or a black-and-white render, are neither);
3. DOC_OBSTRUCTED (its measure, views.occlusion, and limit) caught on the images labelled "occlusion" and false
   flags on the others measured here (an unsure "?occlusion" counts for neither);
4. a per-image table (IoU where there is a ground truth, print chroma, covered share, flagged or not).
Only the MRZ reading, the outline and these two measures are run (not the whole engine, whose root causes may
silence them): the MRZ is read first, as the engine's identity reader reads it before any check asks for the
outline, so that a TD3 page the edges missed is placed from its zone (locate/mrz_page.py). About two minutes
for 166 images in two processes.
Run: .venv/bin/python -m bench.outline_real [--half calibration|check|all] [--jobs 2] [--no-table]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.realworld_engine import iou, manifest_doc_quads
from bench.realworld_split import HALVES, definite, read_rows
from workers.checks.capture import Capture
from workers.checks.identity.reader import capture_mrz, page_around
from workers.checks.locate.mrz_page import MRZ_PAGE
from workers.checks.locate.outline import document_outline, edge_outline
from workers.checks.quality import thresholds as t
from workers.checks.quality import views

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
# Colour captures and colour renders of original documents: DOC_PHOTOCOPY must pass every one. The photos of
# printed colour specimens (getcontrol, MIDV-500, MIDV-2020) and the SIDTD bona fide renders (not their fakes).
GENUINE_COLOUR_SOURCES = (
    "getcontrol_kyc_specimens",
    "getcontrol_kyc_tensorflow",
    "midv500_fcakyon",
    "docsaid_midv2020",
)
GENUINE_COLOUR_FILES = ("sidtd/alb00.jpg", "sidtd/alb01.jpg", "sidtd/aze00.jpg", "sidtd/aze01.jpg")

Quad = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Item:
    file: str
    half: str
    grey_copy: bool  # labelled photocopy
    colour: bool  # a genuine colour capture or render
    quad: Quad | None  # ground truth
    other_colour: bool = False  # another colour ID document (flat specimen, scan, render)
    occluded: bool | None = None  # labelled "occlusion" (None: unsure)


@dataclass(frozen=True)
class Measured:
    file: str
    outline: Quad | None
    chroma: float  # views.print_chroma, % of paper white
    flagged: bool  # DOC_PHOTOCOPY fails
    covered: float  # views.occlusion, share of the document
    covers: bool  # DOC_OBSTRUCTED fails
    seconds: float
    outline_seconds: float  # the outline alone, on the decoded image (its reduced views included)


def ground_truth() -> dict[str, Quad]:
    """MANIFEST `doc_quad (...) = [[x, y], ...]` per `folder/file`."""
    return manifest_doc_quads()


def greyscale_file(path: Path) -> bool:
    """The image holds no colour at all (every pixel's channels within 5 levels of their mean, 99th percentile):
    an IR channel or a black-and-white render, neither a copy nor a colour original. Undecodable: True."""
    pixels = cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        return True
    small = cv2.resize(pixels, (256, max(1, round(256 * pixels.shape[0] / pixels.shape[1])))).astype(np.float32)
    return bool(np.percentile(np.abs(small - small.mean(axis=2, keepdims=True)).max(axis=2), 99) <= 5)


def load_items(others: bool = True) -> list[Item]:
    """The images that have a ground-truth quad, are greyscale copies or are genuine colour captures; with
    `others`, also the other ID documents of the corpus that are in colour (Item.other_colour)."""
    _, rows = read_rows()
    truth = ground_truth()
    items = []
    for row in rows:
        name = row["file"]
        grey = "photocopy" in definite(row["defects"])
        colour = name.split("/")[0] in GENUINE_COLOUR_SOURCES or name in GENUINE_COLOUR_FILES
        occluded = "occlusion" in definite(row["defects"]) or (None if "?occlusion" in row["defects"] else False)
        if not (CORPUS / name).is_file():
            continue
        if grey or colour or name in truth:
            items.append(Item(name, row["half"], grey, colour, truth.get(name), occluded=occluded))
        elif others and row["role"] == "id_document" and not greyscale_file(CORPUS / name):
            items.append(Item(name, row["half"], False, False, None, other_colour=True, occluded=occluded))
    return items


def _readable(path: Path) -> bytes:
    """The file's bytes; a TIFF (the MIDV-500 frame, refused by the file checks) re-encoded as PNG, same pixels."""
    data = path.read_bytes()
    if path.suffix.lower() not in (".tif", ".tiff"):
        return data
    pixels = np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), dtype=np.uint8)
    return bytes(cv2.imencode(".png", pixels)[1].tobytes())


def measure(item: Item) -> Measured:
    """The outline and DOC_PHOTOCOPY's measure, as the check computes them (one Capture per image)."""
    start = time.perf_counter()
    capture = Capture(data=_readable(CORPUS / item.file), filename=Path(item.file).with_suffix(".png").name)
    outline = None  # a file the engine refuses (a BMP named .jpg) gets no quality check: nothing to flag
    outline_seconds = 0.0
    if capture.decodes:
        _ = capture.rgb  # decoded before the outline is timed
        located = time.perf_counter()
        edge_outline(capture)
        outline_seconds = time.perf_counter() - located
        # As the engine's identity reader does before the checks ask for the outline (reader.mrz_reading).
        capture.cached(MRZ_PAGE, lambda: page_around(capture_mrz(capture)))
        outline = document_outline(capture)
    # No outline: the checks do not speak (DOC_NOT_FOUND does), so nothing is flagged.
    value = float("nan") if outline is None else views.print_chroma(capture, outline)
    covered = float("nan") if outline is None or outline.rough else views.occlusion(capture, outline)
    corners = None if outline is None else tuple((float(x), float(y)) for x, y in outline.corners)
    flagged = outline is not None and value < t.MIN_PRINT_CHROMA
    covers = covered > t.MAX_OCCLUSION  # False for NaN: not judged
    seconds = time.perf_counter() - start
    return Measured(item.file, corners, value, flagged, covered, covers, seconds, outline_seconds)


def score(item: Item, result: Measured) -> float | None:
    """IoU against the ground truth (0 when no outline was found), None without a ground truth."""
    if item.quad is None:
        return None
    return iou(item.quad, result.outline) if result.outline else 0.0


def _init_worker() -> None:
    cv2.setNumThreads(1)  # one process per core: OpenCV's own pool would only oversubscribe them


def run(items: list[Item], jobs: int = 1, progress: bool = False) -> dict[str, Measured]:
    done: Iterable[Measured]
    pool = None
    if jobs <= 1:
        done = map(measure, items)
    else:
        pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=_init_worker)
        done = pool.imap_unordered(measure, items, chunksize=2)
    results = {}
    for result in done:
        results[result.file] = result
        if progress:
            print(f"[{len(results):3d}/{len(items)}] {result.seconds:5.2f}s {result.file}", file=sys.stderr)
    if pool is not None:
        pool.close()
        pool.join()
    return results


@dataclass(frozen=True)
class Figures:
    quads: int
    median_iou: float
    share_iou_90: float
    no_outline: int
    copies: int
    copies_caught: int
    colour: int
    colour_flagged: int
    other_colour: int
    other_colour_flagged: int
    occluded: int
    occluded_caught: int
    unoccluded: int
    unoccluded_flagged: int


def figures(items: list[Item], results: dict[str, Measured]) -> Figures:
    ious = [s for item in items if (s := score(item, results[item.file])) is not None]
    copies = [results[i.file] for i in items if i.grey_copy]
    colour = [results[i.file] for i in items if i.colour]
    other = [results[i.file] for i in items if i.other_colour]
    return Figures(
        quads=len(ious),
        median_iou=statistics.median(ious) if ious else float("nan"),
        share_iou_90=sum(x >= 0.9 for x in ious) / len(ious) if ious else float("nan"),
        no_outline=sum(results[i.file].outline is None for i in items if i.quad is not None),
        copies=len(copies),
        copies_caught=sum(r.flagged for r in copies),
        colour=len(colour),
        colour_flagged=sum(r.flagged for r in colour),
        other_colour=len(other),
        other_colour_flagged=sum(r.flagged for r in other),
        occluded=sum(i.occluded is True for i in items),
        occluded_caught=sum(results[i.file].covers for i in items if i.occluded is True),
        unoccluded=sum(i.occluded is False for i in items),
        unoccluded_flagged=sum(results[i.file].covers for i in items if i.occluded is False),
    )


def _frac(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.0%})" if n else "0/0"


def summary(scopes: list[tuple[str, Figures]]) -> str:
    lines = ["| measure | " + " | ".join(name for name, _ in scopes) + " |", "|---" * (1 + len(scopes)) + "|"]
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        ("outline IoU: ground-truth quads", lambda f: str(f.quads)),
        ("outline IoU: median", lambda f: f"{f.median_iou:.3f}"),
        ("outline IoU >= 0.9", lambda f: f"{round(f.share_iou_90 * f.quads)}/{f.quads} ({f.share_iou_90:.0%})"),
        ("no outline found", lambda f: str(f.no_outline)),
        ("DOC_PHOTOCOPY caught on greyscale copies", lambda f: _frac(f.copies_caught, f.copies)),
        ("DOC_PHOTOCOPY false flags on genuine colour", lambda f: _frac(f.colour_flagged, f.colour)),
        ("DOC_PHOTOCOPY false flags on other colour IDs", lambda f: _frac(f.other_colour_flagged, f.other_colour)),
        ("DOC_OBSTRUCTED caught on occluded documents", lambda f: _frac(f.occluded_caught, f.occluded)),
        ("DOC_OBSTRUCTED false flags on the others", lambda f: _frac(f.unoccluded_flagged, f.unoccluded)),
    ]
    for title, cell in rows:
        lines.append(f"| {title} | " + " | ".join(cell(f) for _, f in scopes) + " |")
    return "\n".join(lines)


def table(items: list[Item], results: dict[str, Measured]) -> str:
    lines = [
        "| file | half | kind | IoU | print chroma (%) | DOC_PHOTOCOPY | covered (%) | DOC_OBSTRUCTED |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for item in sorted(items, key=lambda i: i.file):
        r = results[item.file]
        s = score(item, r)
        kind = (
            "grey copy"
            if item.grey_copy
            else ("colour" if item.colour else ("other colour" if item.other_colour else "-"))
        )
        shown = "" if s is None else (f"{s:.3f}" if r.outline else "0 (none)")
        occluded = {True: ", occluded", None: ", ?occluded", False: ""}[item.occluded]
        lines.append(
            f"| {item.file} | {item.half} | {kind}{occluded} | {shown} | {r.chroma:.2f} | "
            f"{'fail' if r.flagged else '-'} | {r.covered * 100:.2f} | {'fail' if r.covers else '-'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Outline IoU, DOC_PHOTOCOPY and DOC_OBSTRUCTED on the real corpus.")
    parser.add_argument("--half", choices=(*HALVES, "all"), default="all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-table", action="store_true", help="leave out the per-image table")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS.resolve()}: bench.outline_real needs ../shared/corpus")
    items = [i for i in load_items() if args.half in ("all", i.half)]
    start = time.perf_counter()
    results = run(items, args.jobs, progress=True)
    halves = HALVES if args.half == "all" else (args.half,)
    scopes = [(half, figures([i for i in items if i.half == half], results)) for half in halves]
    if args.half == "all":
        scopes.append(("all", figures(items, results)))
    print(
        f"# Outline, DOC_PHOTOCOPY and DOC_OBSTRUCTED on {len(items)} real images (limits {t.MIN_PRINT_CHROMA:g} % "
        f"of paper white, {t.MAX_OCCLUSION * 100:g} % covered)\n"
    )
    print(summary(scopes))
    if not args.no_table:
        print("\n" + table(items, results))
    took = sorted(r.outline_seconds for r in results.values())
    print(
        f"\n({time.perf_counter() - start:.0f} s with {args.jobs} processes; the outline alone: median "
        f"{statistics.median(took) * 1000:.0f} ms, slowest {took[-1] * 1000:.0f} ms per image)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
