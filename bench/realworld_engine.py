"""The real-world benchmark's engine side: labels, the engine run on each image, and what counts as ready.

Shared by bench/realworld.py (the report), bench/realworld_composites.py, bench/outline_real.py,
bench/bundle_cost.py and tests/test_realworld_genuine.py. What the categories, the ready rate and the labels
mean: bench/realworld.py and docs/calibration/realworld.md.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from bench.holders import SIDTD_PROFILES
from bench.realworld_split import CATEGORIES, HALVES, definite, read_rows
from workers.checks.authenticity import CHECKS as AUTHENTICITY_CHECKS
from workers.checks.capture import Capture
from workers.checks.engine import check_bundle
from workers.checks.files import CHECKS as FILE_CHECKS
from workers.checks.locate import document_outline
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import CHECK_ERROR, BundleVerdict, Finding, Status, overall
from workers.checks.policy import load_policy
from workers.checks.quality import CHECKS as QUALITY_CHECKS
from workers.checks.registry import DOCUMENT_CHECKS, READERS

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
        "EDIT_PORTRAIT_PIXELATED",
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


def manifest_doc_quads() -> dict[str, Quad]:
    """The MANIFESTs' ground-truth document quads (`doc_quad ... = [[x, y], ...]`) per `folder/file`."""
    quads: dict[str, Quad] = {}
    for manifest in CORPUS.glob("*/MANIFEST.tsv"):
        _, rows = read_rows(manifest)
        for row in rows:
            found = re.search(r"doc_quad[^=]*= (\[\[.*?\]\])", row.get("ground_truth") or "")
            if found:
                quads[f"{manifest.parent.name}/{row['file']}"] = _quad(found.group(1)) or ()
    return quads


def manifest_quads() -> dict[str, Quad]:
    """Ground-truth document quads: the MANIFESTs' (manifest_doc_quads) and SIDTD JSON document corners."""
    quads = manifest_doc_quads()
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


def profile_of(file: str) -> Profile:
    """The applicant's profile for a corpus image: its holder's name and date of birth where the corpus's ground
    truth names them (bench/holders.py: the SIDTD renders and their fakes), as an applicant sends their own
    document with their own profile; else PROFILE. The checks that find the applicant's printed fields by them
    (EDIT_FIELD_TYPEFACE) can only look with it."""
    folder, _, name = file.partition("/")
    holder = SIDTD_PROFILES.get(name) if folder == "sidtd" else None
    return PROFILE if holder is None else Profile(full_name=holder[0], date_of_birth=holder[1])


def run_one(label: Label, root: Path = CORPUS) -> Result:
    """The engine on one image (`root` / its file), as the worker runs a one-document bundle."""
    path = root / label.file
    data = path.read_bytes()
    spec = BundleSpec(
        reference="realworld",
        profile=profile_of(label.file),
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


def is_ready(label: Label, result: Result, codes: frozenset[str] = READY_CODES, *, resaves_aside: bool = False) -> bool:
    """No fail or review finding (nor a crashed check) among `codes` on a capture; `resaves_aside`: the corpus
    author's re-save findings (RESAVE_CODES) not counted on the folders they re-saved (KNOWN_RESAVES)."""
    judged = codes - RESAVE_CODES if resaves_aside and label.file.startswith(KNOWN_RESAVES) else codes
    return not result.says(judged) and not set(result.crashed) & judged


def must_not_get(pairs: list[tuple[Label, Result]], category: str) -> list[Result]:
    """The results of `pairs` that must not get `category`'s codes: not labelled with it, not even unsure.
    Photocopy false flags only over genuine colour captures: a greyscale IR channel or a black-and-white render
    is neither a copy nor an original colour card."""
    return [
        r for lab, r in pairs if category not in lab.defects | lab.unsure and (category != "photocopy" or lab.genuine)
    ]


def category_counts(pairs: list[tuple[Label, Result]], category: str) -> tuple[int, int, int, int]:
    """(caught, labelled, false flags, images that must not get it) of one defect category over `pairs`: an
    image is caught when one of its fail or review findings has a code of CATEGORY_CODES[category]."""
    codes = CATEGORY_CODES[category]
    labelled = [r for lab, r in pairs if category in lab.defects]
    clean = must_not_get(pairs, category)
    caught = sum(r.says(codes) for r in labelled)
    return caught, len(labelled), sum(r.says(codes) for r in clean), len(clean)
