"""The selfie face checks and the face match on real photos of public figures (docs/calibration/face.md).

Images: ../shared/corpus/faces_*/ (MANIFEST.tsv per folder) and FACE_PAIRS.tsv; nothing is copied here.
Labels: bench/realworld_faces_labels.tsv, derived from the MANIFESTs by `derive_labels` (rewrite it with
`--write-labels`). Each image is run as a selfie alone through the engine's face checks (tests/fixtures/
selfie_checks.run_face_checks, no ID: the bundle checks have nothing to compare); each pair goes through
SELFIE_FACE_MISMATCH, the project's face match (`pair_result`).

Split by person: persons who share a photo (couple.jpg, two_people.jpg) or a pair in FACE_PAIRS.tsv form one
group, so every photo of a person and every pair sits in one half and no pair is "cross". The groups are
assigned by trying every assignment and keeping the one whose halves hold each label most evenly (ties: the
first in the order of the groups' sorted names), so the split is deterministic. Thresholds were chosen on the
calibration half only; the check half is the held-out figure.

Run: .venv/bin/python -m bench.realworld_faces [--write-labels]
"""

from __future__ import annotations

import csv
import itertools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.face import _bundle
from tests.fixtures.selfie_checks import flagged, run_face_checks
from workers.checks import face
from workers.checks.face.applicant import HELD_DOCUMENT
from workers.checks.model import Outcome, Status

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
LABELS = Path(__file__).resolve().parent / "realworld_faces_labels.tsv"
HALVES = ("calibration", "check")
CODES = {
    "no_face": "SELFIE_NO_FACE",
    "extra_faces": "SELFIE_EXTRA_FACES",
    "small": "SELFIE_FACE_TOO_SMALL",
    "blurry": "SELFIE_FACE_BLURRY",
    "dark": "SELFIE_FACE_TOO_DARK",
    "backlit": "SELFIE_FACE_BACKLIT",
    "sunglasses": "SELFIE_SUNGLASSES",
    "hat": "SELFIE_HAT",
    "mask": "SELFIE_FACE_MASK",
}
# Checks with no label of their own: only their false flags are counted (every image with a face is eligible).
UNLABELLED = ("SELFIE_FACE_UNEVEN_LIGHT", "SELFIE_RECAPTURED")
# Said instead of a rate where the corpus holds no real example (corpus README: none found under a usable licence).
NO_EXAMPLE = {
    "mask": "no real photo of a face in a mask in the corpus: no catch rate (fixtures only)",
    "backlit": "no truly backlit real face in the corpus: no catch rate (fixtures only)",
    "small": "no real face under 12 % of the shorter side (the check's limit) in the corpus: no catch rate",
    "dark": "no real face that is surely too dark (Edward_Greenspan is borderline, so unsure): no catch rate",
}
# Person of the photos whose MANIFEST row names no single "person:" (several people, or nobody).
PERSONS = {"couple.jpg": "Angelina Jolie+Brad Pitt", "two_people.jpg": "Barack Obama+Joe Biden"}
# Judgements the MANIFEST text leaves open: "?label" is unsure and counts neither as caught nor as a false flag.
UNSURE = {
    "Edward_Greenspan_0001.jpg": ("?dark,?extra_faces", "MANIFEST: borderline too dark; small background faces"),
    "Laura_Bush_0008.jpg": ("?extra_faces", "MANIFEST: a cut-off profile at the left edge"),
    "obama2.jpg": ("?extra_faces", "MANIFEST: a second face cut off at the right edge, under half visible"),
    "obama_partial_face.jpg": ("?no_face", "MANIFEST: the face is cut by the image border"),
    "img11_reflection.jpg": ("?blurry", "MANIFEST: soft from upscaling (Laplacian 34 vs 137 for img11)"),
    "alex-lacamoire.png": ("?dark", "MANIFEST: dim video frame"),
}
FACE_MIN_WIDTH_RATIO = 0.12  # the limit of SELFIE_FACE_TOO_SMALL, applied to the MANIFEST's Haar box
LFW_NOTE = "LFW 250x250: SELFIE_FACE_TOO_SMALL measures face width / shorter side (not pixels), ~45 % here: not small"


@dataclass(frozen=True)
class Label:
    file: str  # folder/name under the corpus
    person: str  # "+"-joined when several people, "-" for none
    half: str
    n_faces: int
    defects: frozenset[str]  # definite labels and "?unsure" ones
    notes: str

    def has(self, defect: str) -> bool:
        return defect in self.defects

    def unsure(self, defect: str) -> bool:
        return f"?{defect}" in self.defects


def _manifest_rows() -> Iterable[tuple[str, dict[str, str]]]:
    for folder in sorted(CORPUS.glob("faces_*")):
        with (folder / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield f"{folder.name}/{row['file']}", row


def _defects(name: str, truth: str, verdict: str, n_faces: int) -> set[str]:
    """Labels from the MANIFEST's wording: its defects are written in capitals (SUNGLASSES, HAT, BLUR...)."""
    found = {"no_face"} if n_faces == 0 else {"extra_faces"} if n_faces >= 2 else set()
    words = {"sunglasses": "SUNGLASSES", "hat": "HAT", "mask": "MASK", "blurry": "BLUR", "backlit": "BACKLIT"}
    found |= {label for label, word in words.items() if word in truth or word in verdict}
    if "TOO DARK" in verdict and "must NOT" not in verdict:
        found.add("dark")
    box, size = re.search(r"w=(\d+) h=\d+", truth), re.search(r"image (\d+)x(\d+)", truth)
    if box and size and int(box[1]) / min(int(size[1]), int(size[2])) < FACE_MIN_WIDTH_RATIO:
        found.add("small")
    unsure = UNSURE.get(name, ("", ""))[0].split(",")
    return (found - {u[1:] for u in unsure if u}) | {u for u in unsure if u}


def derive_labels() -> list[dict[str, str]]:
    rows = []
    for file, row in _manifest_rows():
        name, truth = file.split("/")[1], row["ground_truth"]
        faces = re.search(r"faces: (\d+)", truth)
        n_faces = int(faces[1]) if faces else 1
        person = re.search(r"person: ([^;]+);", truth)
        who = PERSONS.get(name, person[1].strip() if person else "-")
        notes = [row["expected_verdict_or_notes"], UNSURE.get(name, ("", ""))[1]]
        if "image 250x250" in truth:
            notes.append(LFW_NOTE)
        defects = _defects(name, truth, row["expected_verdict_or_notes"], n_faces)
        rows.append(
            {
                "file": file,
                "person": who,
                "half": "",
                "n_faces": str(n_faces),
                "defects": ",".join(sorted(defects)),
                "notes": "; ".join(n for n in notes if n).replace("\t", " "),
            }
        )
    for row, half in zip(rows, _split([(r["file"], r["person"]) for r in rows], read_pairs()), strict=True):
        row["half"] = half
    return rows


def read_pairs() -> list[tuple[str, str, bool, str]]:
    with (CORPUS / "FACE_PAIRS.tsv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["a"], r["b"], r["same_person"] == "yes", r["note"]) for r in reader]


def _split(images: list[tuple[str, str]], pairs: list[tuple[str, str, bool, str]]) -> list[str]:
    """The half of each image: groups of persons joined by shared photos and pairs, assigned as evenly as can be."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    person_of = {file: who if who != "-" else file for file, who in images}
    for file, who in person_of.items():
        for one in who.split("+"):
            parent[root(one)] = root(file)
    for a, b, _, _ in pairs:
        parent[root(a)] = root(b)
    groups = sorted({root(f) for f in person_of}, key=lambda g: sorted(f for f in person_of if root(f) == g))
    group_of = {f: groups.index(root(f)) for f in person_of}
    # What each half should hold evenly: images, each defect, clean images, same- and different-person pairs.
    tallies: list[dict[str, int]] = [{} for _ in groups]
    for file, _ in images:
        defects = _labels_for_split(file)
        for key in ["images", *(defects or ["clean"])]:
            tallies[group_of[file]][key] = tallies[group_of[file]].get(key, 0) + 1
    for a, _, same, _ in pairs:
        key = "same_pair" if same else "different_pair"
        tallies[group_of[a]][key] = tallies[group_of[a]].get(key, 0) + 1
    keys = sorted({k for t in tallies for k in t})

    def cost(sides: tuple[int, ...]) -> float:
        total = 0.0
        for key in keys:
            halves = [sum(t.get(key, 0) for t, s in zip(tallies, sides, strict=True) if s == h) for h in (0, 1)]
            holders = sum(t.get(key, 0) > 0 for t in tallies)
            share = (halves[0] - halves[1]) / sum(halves)
            # A label held by 2+ groups but missing from one half would leave that half unable to show it.
            total += share * share + (10.0 if holders >= 2 and 0 in halves else 0.0)
        return total

    best = min(((0, *rest) for rest in itertools.product((0, 1), repeat=len(groups) - 1)), key=cost)
    return [HALVES[best[group_of[file]]] for file, _ in images]


@cache
def _manifest_defects() -> dict[str, list[str]]:
    out = {}
    for file, row in _manifest_rows():
        faces = re.search(r"faces: (\d+)", row["ground_truth"])
        name, n = file.split("/")[1], int(faces[1]) if faces else 1
        defects = _defects(name, row["ground_truth"], row["expected_verdict_or_notes"], n)
        out[file] = sorted(d for d in defects if not d.startswith("?"))
    return out


def _labels_for_split(file: str) -> list[str]:
    return _manifest_defects()[file]


def write_labels(path: Path = LABELS) -> None:
    rows = derive_labels()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_labels(path: Path = LABELS) -> list[Label]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Label(
                file=r["file"],
                person=r["person"],
                half=r["half"],
                n_faces=int(r["n_faces"]),
                defects=frozenset(d for d in r["defects"].split(",") if d),
                notes=r["notes"],
            )
            for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


@cache
def selfie_codes(file: str) -> frozenset[str]:
    """The face codes flagged (review or fail) on this image sent alone as the selfie."""
    return frozenset(flagged(run_face_checks(None, (CORPUS / file).read_bytes())))


@dataclass(frozen=True)
class PairResult:
    a: str
    b: str
    same: bool
    note: str
    status: Status | None  # SELFIE_FACE_MISMATCH's verdict; None when it gave none
    distance: float | None


@cache
def pair_result(a: str, b: str, same: bool, note: str) -> PairResult:
    """SELFIE_FACE_MISMATCH itself on (ID = a, selfie = b); a photo with several faces is made the selfie (an ID
    has one portrait, and the selfie's applicant is its largest face: Angelina Jolie's in couple.jpg).

    No held ID is looked for: these are two photos, not a card held up in a selfie, and where they share a source
    (img11 and its mirror image, obama and its crop) the card match found one inside the other and took the face
    for the held card's portrait, leaving no applicant to compare."""
    id_file, selfie_file = (b, a) if _n_faces(a) > 1 else (a, b)
    bundle, _, _ = _bundle((CORPUS / id_file).read_bytes(), (CORPUS / selfie_file).read_bytes())
    bundle.cached(HELD_DOCUMENT, lambda: None)
    result = next(c for c in face.BUNDLE_CHECKS if c.code == "SELFIE_FACE_MISMATCH").evaluate(bundle)
    if not isinstance(result, Outcome):
        return PairResult(a, b, same, note, None, None)
    distance = float(result.measured) if isinstance(result.measured, int | float) else None
    return PairResult(a, b, same, note, result.status, distance)


def _n_faces(file: str) -> int:
    return next(lab.n_faces for lab in read_labels() if lab.file == file)


@dataclass(frozen=True)
class Rate:
    caught: int
    total: int
    false: int
    eligible: int


def rates(half: str) -> dict[str, Rate]:
    """Per labelled check: defects caught / labelled, and false flags / images without that label (an
    unsure "?label" counts in neither). Checks without labels: false flags / images with a face."""
    labels = [lab for lab in read_labels() if half in ("all", lab.half)]
    out = {}
    for defect, code in CODES.items():
        hit = due = false = clean = 0
        for lab in labels:
            if lab.unsure(defect) or (defect != "no_face" and lab.has("no_face")):
                continue  # a face check has nothing to judge on a photo without a face
            if lab.has(defect):
                due, hit = due + 1, hit + (code in selfie_codes(lab.file))
            else:
                clean, false = clean + 1, false + (code in selfie_codes(lab.file))
        out[defect] = Rate(hit, due, false, clean)
    for code in UNLABELLED:
        with_face = [lab for lab in labels if not lab.has("no_face")]
        out[code] = Rate(0, 0, sum(code in selfie_codes(lab.file) for lab in with_face), len(with_face))
    return out


def pair_results(half: str) -> list[PairResult]:
    halves = {lab.file: lab.half for lab in read_labels()}
    return [pair_result(*p) for p in read_pairs() if half == "all" or halves[p[0]] == half]


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({n / d:.0%})" if d else f"{n}/0"


def report(half: str) -> str:
    """Rates per check and pair results for `half` ('calibration', 'check' or 'all'), then a per-image table."""
    if half not in (*HALVES, "all"):
        raise ValueError(f"half must be calibration, check or all, not {half!r}")
    lines = [f"== {half} half ==" if half != "all" else "== all images =="]
    lines.append("check: caught / labelled   false flags / eligible   (targets: >= 90 % caught, <= 5 % false)")
    for key, rate in rates(half).items():
        name = CODES.get(key, key)
        caught = _pct(rate.caught, rate.total) if rate.total else "-"
        note = f"   [{NO_EXAMPLE[key]}]" if key in NO_EXAMPLE and not rate.total else ""
        lines.append(f"  {name:26s} caught {caught:12s} false {_pct(rate.false, rate.eligible)}{note}")
    pairs = pair_results(half)
    same = [p for p in pairs if p.same]
    other = [p for p in pairs if not p.same]
    passed = sum(p.status is Status.PASS for p in same)
    n_caught = sum(p.status in (Status.REVIEW, Status.FAIL) for p in other)
    lines.append(
        f"face match: same person passed {_pct(passed, len(same))}; different people caught (review or fail) "
        f"{_pct(n_caught, len(other))}, failed outright {sum(p.status is Status.FAIL for p in other)}; "
        f"no verdict {sum(p.status is None for p in pairs)}"
    )
    defective = {lab.file for lab in read_labels() if any(not d.startswith("?") for d in lab.defects)}
    bare = [p for p in same if p.a not in defective and p.b not in defective]
    lines.append(
        f"  same person, neither photo with a labelled defect (a selfie with one fails its own check first): "
        f"passed {_pct(sum(p.status is Status.PASS for p in bare), len(bare))}"
    )
    for p in pairs:
        got = p.status.value if p.status else "none"
        dist = f"{p.distance:.3f}" if p.distance is not None else "  -  "
        lines.append(f"  {'same' if p.same else 'diff'} {got:6s} {dist} {p.a} ~ {p.b} ({p.note})")
    lines.append("per image: half | labels | face codes flagged (! = a labelled defect missed, + = a false flag)")
    for lab in read_labels():
        if half not in ("all", lab.half):
            continue
        codes = selfie_codes(lab.file)
        marks = [f"!{CODES[d]}" for d in CODES if lab.has(d) and CODES[d] not in codes]
        expected = {CODES[d.lstrip("?")] for d in lab.defects}
        marks += [c if c in expected else f"+{c}" for c in sorted(codes)]
        labels = ",".join(sorted(lab.defects)) or "clean"
        lines.append(f"  {lab.file:44s} {lab.half:11s} {labels:24s} {' '.join(marks) or '-'}")
    return "\n".join(lines)


def main() -> None:
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: nothing to run (the real photos live only on the project's machine)")
        return
    if sys.argv[1:] == ["--write-labels"]:
        write_labels()
        print(f"wrote {LABELS}")
        return
    for half in ("all", *HALVES):
        print(report(half), end="\n\n")


if __name__ == "__main__":
    main()
