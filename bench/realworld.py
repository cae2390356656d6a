"""Real-world benchmark: the whole check engine on every real document image of ../shared/corpus.

Measures, for the calibration half, the check half and all images (split by group: bench/realworld_split.py):
1. per defect category: caught / total (images labelled with it that got a fail or review finding of one of the
   category's codes, CATEGORY_CODES) and false flags / images that must not get it (images not labelled with it
   that got such a finding; photocopy false flags are counted over the genuine colour captures only);
2. the ready rate of genuine captures: images labelled genuine=1 with no fail or review finding among the file,
   capture-quality and authenticity checks (the codes of those packages' CHECKS lists). Genuine means "should be
   ready on those checks": an expired card can be genuine, expiry is not among them. Printed as is and again
   with the file-provenance findings set aside on the folders the corpus author re-saved (KNOWN_RESAVES);
3. the IoU of the document outline against every ground-truth quadrilateral (MANIFEST doc_quad columns; SIDTD
   JSON document corners where present);
4. a per-image table.
Labels: bench/realworld_labels.tsv, read from the MANIFESTs and by eye. `?category` marks an unsure label: such an
image is counted neither as caught nor as a false flag for that category.
Each image is one bundle with one ID document (type from the label, no declared fields, a fixed profile), checked
on 2026-12-02 under the default policy. No issuing country: the labels carry none, and without declared data only
DOCUMENT_TYPE_NOT_ACCEPTED (in no category) would read it. Without the applicant's name, date of birth or
document number EDIT_FIELD_TYPEFACE has no personal field to judge (bench/calibrate_typeface.py runs it with
the holders' profiles).
Section 2 also gives the ready rate of the colour composites (bench/realworld_composites.py), apart.
Run: .venv/bin/python -m bench.realworld [--half calibration|check|all] [--jobs 2] [--limit N] [--no-composites]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import multiprocessing
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from bench.realworld_split import CATEGORIES, HALVES, definite, read_rows
from workers.checks.authenticity import CHECKS as AUTHENTICITY_CHECKS
from workers.checks.capture import Capture
from workers.checks.engine import CHECK_ERROR, check_bundle
from workers.checks.files import CHECKS as FILE_CHECKS
from workers.checks.locate import document_outline
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Finding, Status, overall
from workers.checks.policy import load_policy
from workers.checks.quality import CHECKS as QUALITY_CHECKS
from workers.checks.registry import ALL_CHECKS, DOCUMENT_CHECKS, READERS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
SUBMIT_ON = date(2026, 12, 2)
# A name no corpus document carries: the profile must not line up with any one image's print.
PROFILE = Profile(full_name="Bench Applicant")

# Defect category -> the codes whose fail or review finding means the engine caught it (docs/checks.md).
CATEGORY_CODES: dict[str, tuple[str, ...]] = {
    "photocopy": ("DOC_PHOTOCOPY",),
    "screen": ("DOC_SCREEN_PHOTO", "FILE_SCREENSHOT_SUSPECTED", "SCREEN_CAPTURE_UI"),
    "cut-off": ("DOC_CORNERS_CUT",),
    "blur": ("IMAGE_BLURRY",),
    # Frames labelled glare include washed-out ones (the MANIFESTs' "OVEREXPOSED/GLARE"): either code says so.
    "glare": ("IMAGE_GLARE", "IMAGE_OVEREXPOSED"),
    "dark": ("IMAGE_TOO_DARK",),
    "occlusion": ("DOC_OBSTRUCTED",),
    "expired": ("DOCUMENT_EXPIRED", "DOCUMENT_EXPIRES_SOON"),
    "check digit": ("MRZ_CHECK_DIGIT_INVALID",),
    # Every EDIT_* code, the metadata ones too (an editor's traces); the printed false flags are split by code.
    "manipulated": (
        "EDIT_SOFTWARE_TAG",
        "EDIT_DATES_INCONSISTENT",
        "EDIT_THUMBNAIL_MISMATCH",
        "EDIT_CAMERA_FIELDS_STRIPPED",
        "EDIT_LOCAL_ANOMALY",
        "EDIT_COPY_MOVE",
        "EDIT_PORTRAIT_PASTED",
        "EDIT_GHOST_PORTRAIT_MISMATCH",
        "EDIT_FIELD_TYPEFACE",
    ),
    "not a document": ("DOC_NOT_FOUND",),
}
READY_MODULES = {
    "file": frozenset(c.code for c in FILE_CHECKS),
    "capture quality": frozenset(c.code for c in QUALITY_CHECKS),
    "authenticity": frozenset(c.code for c in AUTHENTICITY_CHECKS),
}
READY_CODES = frozenset().union(*READY_MODULES.values())
# Folders whose files the corpus README says were downscaled and re-saved with Photoshop by the corpus author
# (not by an applicant): the file-provenance findings about that re-save are true of the file, and the fix they
# ask for (send the camera's original file) is right, but they say nothing of the photo. The ready rate is
# printed as is and once more with these codes set aside on these folders, so the capture and pixel checks'
# own rate shows.
KNOWN_RESAVES = ("getcontrol_kyc_specimens/", "getcontrol_kyc_tensorflow/")
RESAVE_CODES = frozenset(
    {"JPEG_RESAVED_BY_EDITOR", "JPEG_DOUBLE_COMPRESSED", "EDIT_SOFTWARE_TAG", "EDIT_CAMERA_FIELDS_STRIPPED"}
)
# Bundle checks (roles missing, names) always speak on a one-document bundle: the table leaves them out.
DOCUMENT_CODES = frozenset(c.code for c in DOCUMENT_CHECKS) | {r.name for r in READERS}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
SOURCES = {"verdict": "verdict documents[i].outline", "document_outline": "workers.checks.locate.document_outline"}
Quad = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Label:
    file: str
    half: str
    doc_type: str
    genuine: bool
    defects: frozenset[str]
    unsure: frozenset[str]
    quad: Quad | None

    def shown(self) -> str:
        words = (["genuine"] if self.genuine else []) + sorted(self.defects) + [f"?{u}" for u in sorted(self.unsure)]
        return ", ".join(words) or "-"


@dataclass(frozen=True)
class Result:
    file: str
    verdict: str  # over the document's own findings
    flagged: tuple[tuple[str, str], ...]  # (code, status) of each fail / review finding
    crashed: tuple[str, ...]  # codes of the checks that raised (CHECK_ERROR findings)
    outline: Quad | None
    outline_from: str  # a SOURCES key, "not decoded", or "" (no ground-truth quad to score)
    seconds: float

    def says(self, codes: tuple[str, ...] | frozenset[str]) -> bool:
        return any(code in codes for code, _ in self.flagged)


def _quad(text: str) -> Quad | None:
    if not text:
        return None
    return tuple((float(x), float(y)) for x, y in json.loads(text))


def manifest_quads() -> dict[str, Quad]:
    """Ground-truth document quads: MANIFEST `doc_quad ... = [[x, y], ...]`; SIDTD JSON document corners."""
    quads: dict[str, Quad] = {}
    for manifest in CORPUS.glob("*/MANIFEST.tsv"):
        _, rows = read_rows(manifest)
        for row in rows:
            found = re.search(r"doc_quad[^=]*= (\[\[.*?\]\])", row.get("ground_truth") or "")
            if found:
                quads[f"{manifest.parent.name}/{row['file']}"] = _quad(found.group(1)) or ()
    for annotation in (CORPUS / "sidtd").glob("*_*_*.json"):
        # alb_0_id.json annotates alb00.jpg. Its entries are fields ({"value", "quad"}: photo, face, name...);
        # a whole-document entry is used if one is ever added (none in the current files).
        entry = next((v for k, v in json.loads(annotation.read_text()).items() if k in ("document", "doc_quad")), None)
        points = entry.get("quad") if isinstance(entry, dict) else entry
        kind, number = annotation.name.split("_")[:2]
        if points:
            quads[f"sidtd/{kind}{int(number):02d}.jpg"] = _quad(json.dumps(points)) or ()
    return quads


def load_labels() -> list[Label]:
    _, rows = read_rows()
    truth = manifest_quads()
    labels: list[Label] = []
    halves_of: dict[str, set[str]] = {}
    for row in rows:
        tokens = {t.strip() for t in row["defects"].split(",") if t.strip()}
        unknown = {t.lstrip("?") for t in tokens} - set(CATEGORIES)
        if unknown:
            sys.exit(f"{row['file']}: unknown defect categories {sorted(unknown)} in the labels")
        halves_of.setdefault(row["group"], set()).add(row["half"])
        quad = truth.get(row["file"])
        if _quad(row["quad"]) != quad:
            print(f"warning: {row['file']}: TSV quad differs from the MANIFEST one (used)", file=sys.stderr)
        unsure = frozenset(t[1:] for t in tokens if t.startswith("?"))
        defects = frozenset(definite(row["defects"]))
        labels.append(Label(row["file"], row["half"], row["doc_type"], row["genuine"] == "1", defects, unsure, quad))
    split_groups = sorted(g for g, h in halves_of.items() if len(h) > 1 or not h <= set(HALVES))
    if split_groups:
        sys.exit(f"groups on both halves or without a half: {split_groups} (run bench.realworld_split --write)")
    on_disk = {
        f"{p.parent.name}/{p.name}"
        for p in CORPUS.glob("*/*")
        if p.suffix.lower() in IMAGE_SUFFIXES and not p.parent.name.startswith("faces_")
    }
    for missing in sorted(on_disk - {label.file for label in labels}):
        print(f"warning: {missing} has no label: not run", file=sys.stderr)
    return [label for label in labels if label.file in on_disk]


def _points(raw: object) -> Quad | None:
    """An outline given as a list of points or as an object with `polygon` / `corners`."""
    for attr in ("polygon", "corners"):
        if hasattr(raw, attr):
            raw = getattr(raw, attr)
            break
    if raw is None:
        return None
    points = np.asarray(raw, dtype=np.float64).reshape(-1, 2)
    return tuple((float(x), float(y)) for x, y in points) if len(points) >= 3 else None


def _outline(verdict: BundleVerdict, data: bytes, name: str) -> tuple[Quad | None, str]:
    capture = Capture(data=data, filename=name)
    if not capture.decodes:
        return None, "not decoded"  # the engine refuses the file (the TIFF): no outline is ever sought
    summary = verdict.documents[0] if verdict.documents else None
    if summary is not None and hasattr(summary, "outline"):
        return _points(summary.outline), "verdict"
    # Verdicts without an outline field yet: the quality checks' own, on a fresh Capture (one more decode).
    found = document_outline(capture)
    return (None if found is None else _points(found.corners)), "document_outline"


def _code_of(finding: Finding) -> str:
    return str(finding.measured) if finding.code == CHECK_ERROR else finding.code


def run_one(label: Label, root: Path = CORPUS) -> Result:
    """The engine on one image (`root` / its file), as the worker runs a one-document bundle."""
    path = root / label.file
    data = path.read_bytes()
    spec = BundleSpec(
        reference="realworld",
        profile=PROFILE,
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file=path.name, type=label.doc_type)],
    )
    start = time.perf_counter()
    verdict = check_bundle(spec, {path.name: data}, submit_on=SUBMIT_ON, policy=load_policy("default"))
    seconds = time.perf_counter() - start
    own = [f for f in verdict.findings if _code_of(f) in DOCUMENT_CODES]
    bad = [f for f in own if f.status is not Status.PASS]
    outline, outline_from = _outline(verdict, data, path.name) if label.quad else (None, "")
    return Result(
        file=label.file,
        verdict=str(overall(own)[0]),
        flagged=tuple((f.code, str(f.status)) for f in bad if f.code != CHECK_ERROR),
        crashed=tuple(_code_of(f) for f in bad if f.code == CHECK_ERROR),
        outline=outline,
        outline_from=outline_from,
        seconds=seconds,
    )


def _init_worker() -> None:
    # Two processes on two cores: OpenCV's own thread pool would only oversubscribe them.
    cv2.setNumThreads(1)


def run_all(labels: list[Label], jobs: int, root: Path = CORPUS) -> dict[str, Result]:
    results: dict[str, Result] = {}
    start = time.perf_counter()
    # spawn, not fork: each worker loads its own OCR and face models instead of inheriting half-built state.
    with multiprocessing.get_context("spawn").Pool(max(1, jobs), initializer=_init_worker) as pool:
        for result in pool.imap_unordered(partial(run_one, root=root), labels, chunksize=1):
            results[result.file] = result
            print(
                f"[{len(results):3d}/{len(labels)}] {time.perf_counter() - start:6.0f}s {result.seconds:5.1f}s "
                f"{result.verdict:12} {result.file}",
                file=sys.stderr,
                flush=True,
            )
    return results


def iou(a: Quad, b: Quad, side: int = 1024) -> float:
    """Intersection over union of two polygons, rasterised (their convex hulls) on a side x side canvas."""
    both = np.asarray(a + b, dtype=np.float64)
    low = both.min(axis=0)
    scale = (side - 1) / max(float((both.max(axis=0) - low).max()), 1e-9)
    masks = []
    for poly in (a, b):
        mask = np.zeros((side, side), np.uint8)
        hull = cv2.convexHull(np.round((np.asarray(poly) - low) * scale).astype(np.int32))
        cv2.fillPoly(mask, [hull], 1)
        masks.append(mask.astype(bool))
    union = int(np.logical_or(*masks).sum())
    return int(np.logical_and(*masks).sum()) / union if union else 0.0


Pairs = list[tuple[Label, Result]]


def _frac(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.0%})" if n else "0/0"


def defects_section(scopes: list[tuple[str, Pairs]]) -> str:
    head = "| category | " + " | ".join(f"{name}: caught | {name}: false flags" for name, _ in scopes) + " |"
    lines, notes = [head, "|---" * (1 + 2 * len(scopes)) + "|"], [""]
    for category in CATEGORIES:
        codes = CATEGORY_CODES[category]
        cells, by_code = [], Counter[str]()
        for _, pairs in scopes:
            labelled = [r for lab, r in pairs if category in lab.defects]
            # Photocopy false flags only over genuine colour captures: a greyscale IR channel or a black-and-white
            # render is neither a copy nor an original colour card.
            clean = [
                r
                for lab, r in pairs
                if category not in lab.defects | lab.unsure and (category != "photocopy" or lab.genuine)
            ]
            caught = sum(r.says(codes) for r in labelled)
            cells.append(f"{_frac(caught, len(labelled))} | {_frac(sum(r.says(codes) for r in clean), len(clean))}")
            by_code = Counter(code for r in clean for code, _ in r.flagged if code in codes)  # the last scope's
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
        flags = ", ".join(f"{code} {n}" for code, n in by_code.most_common()) or "none"
        notes.append(f"- {category}: {', '.join(codes)}. False flags ({scopes[-1][0]}) by code: {flags}")
    return "\n".join(lines + notes)


def is_ready(label: Label, result: Result, codes: frozenset[str] = READY_CODES, *, resaves_aside: bool = False) -> bool:
    """No fail or review finding (nor a crashed check) among `codes` on a capture; `resaves_aside`: the corpus
    author's re-save findings (RESAVE_CODES) not counted on the folders they re-saved (KNOWN_RESAVES)."""
    judged = codes - RESAVE_CODES if resaves_aside and label.file.startswith(KNOWN_RESAVES) else codes
    return not result.says(judged) and not set(result.crashed) & judged


def ready_section(scopes: list[tuple[str, Pairs]]) -> str:
    lines = ["| genuine captures | " + " | ".join(name for name, _ in scopes) + " |", "|---" * (1 + len(scopes)) + "|"]
    resaved = "ready, the corpus author's Photoshop re-save set aside (KNOWN_RESAVES)"
    rows = [
        ("ready (file, capture quality, authenticity)", READY_CODES),
        (resaved, READY_CODES),
        *READY_MODULES.items(),
    ]
    for title, codes in rows:
        cells = []
        for _, pairs in scopes:
            genuine = [(lab, r) for lab, r in pairs if lab.genuine]
            ok = sum(is_ready(lab, r, codes, resaves_aside=title == resaved) for lab, r in genuine)
            cells.append(_frac(ok, len(genuine)))
        label = title if codes is READY_CODES else f"no finding from the {title} checks"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    blocking = Counter(
        code for lab, r in scopes[-1][1] if lab.genuine for code in {c for c, _ in r.flagged} | set(r.crashed)
    )
    ready_blockers = ", ".join(f"{code} {n}" for code, n in blocking.most_common() if code in READY_CODES)
    lines.append(f"\nCodes keeping genuine captures from ready ({scopes[-1][0]}; images): {ready_blockers or 'none'}")
    return "\n".join(lines)


def iou_section(scopes: list[tuple[str, Pairs]], source: str) -> str:
    lines = ["| outline IoU | " + " | ".join(name for name, _ in scopes) + " |", "|---" * (1 + len(scopes)) + "|"]
    stats = []
    for _, pairs in scopes:
        scored = [(lab, r) for lab, r in pairs if lab.quad and r.outline_from != "not decoded"]
        values = [iou(lab.quad, r.outline) if lab.quad and r.outline else 0.0 for lab, r in scored]
        stats.append((values, sum(r.outline is None for _, r in scored)))
    lines.append("| quads (count) | " + " | ".join(str(len(v)) for v, _ in stats) + " |")
    lines.append("| median | " + " | ".join(f"{statistics.median(v):.3f}" if v else "-" for v, _ in stats) + " |")
    lines.append("| IoU >= 0.9 | " + " | ".join(_frac(sum(x >= 0.9 for x in v), len(v)) for v, _ in stats) + " |")
    lines.append("| no outline (IoU 0) | " + " | ".join(str(n) for _, n in stats) + " |")
    undecoded = [lab.file for lab, r in scopes[-1][1] if r.outline_from == "not decoded"]
    lines.append(f"\nOutline source: {source}. Left out, not decoded by the engine: {', '.join(undecoded) or 'none'}.")
    return "\n".join(lines)


def table_section(pairs: Pairs) -> str:
    lines = ["| file | half | labels | doc verdict | non-pass codes | IoU |", "|---|---|---|---|---|---|"]
    for lab, r in sorted(pairs, key=lambda p: p[0].file):
        codes = [f"{code}:{status[0]}" for code, status in r.flagged] + [f"CHECK_ERROR({c})" for c in r.crashed]
        score = f"{iou(lab.quad, r.outline):.3f}" if lab.quad and r.outline else ""
        score = score or {"not decoded": "not decoded", "": ""}.get(r.outline_from, "no outline")
        lines.append(f"| {lab.file} | {lab.half} | {lab.shown()} | {r.verdict} | {' '.join(codes) or '-'} | {score} |")
    return "\n".join(lines)


def faces_section(half: str) -> str | None:
    """The faces benchmark's text, when bench/realworld_faces.py (written separately) offers report(half)."""
    if importlib.util.find_spec("bench.realworld_faces") is None:
        return None
    report = getattr(importlib.import_module("bench.realworld_faces"), "report", None)
    return str(report(half)) if callable(report) else None


def main() -> int:
    parser = argparse.ArgumentParser(description="Real-world benchmark of the check engine on ../shared/corpus.")
    parser.add_argument("--half", choices=(*HALVES, "all"), default="all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="an evenly spaced sample of N images (quick look)")
    parser.add_argument("--no-composites", action="store_true", help="skip the colour composites' ready rate")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS.resolve()}: bench.realworld needs ../shared/corpus next to the repo")
    missing = {code for codes in CATEGORY_CODES.values() for code in codes} - {c.code for c in ALL_CHECKS}
    if missing:
        sys.exit(f"CATEGORY_CODES names codes the registry does not have: {sorted(missing)}")
    labels = [lab for lab in load_labels() if args.half in ("all", lab.half)]
    if args.limit:
        labels = labels[:: max(1, len(labels) // args.limit)][: args.limit]
    start = time.perf_counter()
    results = run_all(labels, args.jobs)
    pairs = [(lab, results[lab.file]) for lab in labels]
    halves = HALVES if args.half == "all" else (args.half,)
    scopes = [(half, [p for p in pairs if p[0].half == half]) for half in halves]
    scopes += [("all", pairs)] if args.half == "all" else []
    sources = Counter(r.outline_from for _, r in pairs if r.outline_from in SOURCES)
    source = ", ".join(f"{SOURCES[k]} ({n} images)" for k, n in sources.items()) or "no ground-truth quad was run"
    print(f"# Real-world benchmark: {len(pairs)} document images, submitted {SUBMIT_ON}, policy default\n")
    print("## 1. Defects: caught / labelled, false flags / images that must not get it\n")
    print(defects_section(scopes))
    print("\n## 2. Ready rate of genuine captures\n")
    print(ready_section(scopes))
    if not args.no_composites:
        from bench.realworld_composites import composites_section  # imports bench.realworld: not at the top

        print("\n### Colour composites: genuine specimens under real frames' light (not photos)\n")
        print(composites_section(args.jobs, args.half))
    print("\n## 3. Document outline IoU against ground-truth quads\n")
    print(iou_section(scopes, source))
    print("\n## 4. Per image\n")
    print(table_section(pairs))
    crashed = [f"{r.file}: {', '.join(r.crashed)}" for _, r in pairs if r.crashed]
    print("\nChecks that raised (CHECK_ERROR): " + ("; ".join(crashed) if crashed else "none"))
    faces = faces_section(args.half)
    if faces:
        print("\n" + faces)
    print(f"\n({time.perf_counter() - start:.0f} s with {args.jobs} processes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
