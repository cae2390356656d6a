"""Speed of the authenticity checks: (all of them on one image) / (full-resolution Pillow decode of it).

Both are timed in the same run on the same image, each the best of 3 (a fresh Capture each time); the median
ratio over the real corpus and a generated set is printed (target <= 1.5), with the median per group. Face
boxes are not counted: the authenticity checks read them from the face checks' detection
(workers/checks/face/views.py), which runs on every ID document and selfie anyway, so they are built before the
clock starts, like the decode. So is an ID document's outline (the capture-quality checks find it on every
document; EDIT_LOCAL_ANOMALY and EDIT_PORTRAIT_PASTED judge the blocks inside it). So are the identity checks'
readings of an ID document (its MRZ fields; without an MRZ, its printed lines), which EDIT_FIELD_TYPEFACE reads.
Run:
/work/venv/bin/python bench/authenticity.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.edits import generated_set  # noqa: E402
from workers.checks.authenticity import CHECKS  # noqa: E402
from workers.checks.capture import Capture  # noqa: E402
from workers.checks.context import BundleContext, DocumentContext, FieldValue  # noqa: E402
from workers.checks.face.views import id_portraits, selfie_faces  # noqa: E402
from workers.checks.identity.page_text import PAGE_LINES, PageLine, document_page  # noqa: E402
from workers.checks.identity.reader import read_id_document  # noqa: E402
from workers.checks.locate.outline import document_outline  # noqa: E402
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role  # noqa: E402
from workers.checks.policy import load_policy  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "corpus"


def decode_seconds(data: bytes) -> float:
    """One full-resolution Pillow decode to RGB, as Capture does it."""
    start = time.perf_counter()
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        img.convert("RGB")
    return time.perf_counter() - start


REPEATS = 3
Readings = tuple[dict[str, FieldValue], list[PageLine] | None]


def _context(data: bytes, name: str, role: Role) -> DocumentContext:
    spec = DocumentSpec(role=role, file=name)
    bundle = BundleContext(
        spec=BundleSpec(
            reference="BENCH",
            profile=Profile(full_name="Anna Maria Eriksson", date_of_birth="1974-08-12"),
            documents=[spec],
        ),
        submit_on=date(2026, 12, 1),
        policy=load_policy("default"),
    )
    return DocumentContext(spec=spec, capture=Capture(data=data, filename=name), bundle=bundle)


def identity_readings(data: bytes, name: str, role: Role) -> Readings:
    """What the identity checks read on an ID document and EDIT_FIELD_TYPEFACE reuses: the MRZ reader's fields
    and, where no MRZ was read, the printed page lines (the printed-name check reads them on such documents).
    Read in a pass of their own before any timing: OCR's large allocations just before a timed run made the
    checks' first allocations page-fault again (median 1.58-1.73 instead of ~1.47)."""
    if role is not Role.ID_DOCUMENT:
        return {}, None
    doc = _context(data, name, role)
    if not doc.capture.decodes:
        return {}, None
    fields = read_id_document(doc)
    return fields, None if "surname" in fields else document_page(doc)


def checks_seconds(data: bytes, name: str, role: Role, readings: Readings) -> float:
    """All authenticity checks on a Capture whose decode has already happened (it is not counted)."""
    doc = _context(data, name, role)
    capture = doc.capture
    if not capture.decodes:
        return float("nan")
    fields, lines = readings
    doc.read_fields.update(fields)
    if lines is not None:
        doc.cached(PAGE_LINES, lambda: lines)
    if role is Role.ID_DOCUMENT:
        id_portraits(capture)  # the face checks' work, shared
        document_outline(capture)  # the capture-quality checks' outline, shared (EDIT_LOCAL_ANOMALY reads it)
    elif role is Role.SELFIE:
        selfie_faces(capture)
    start = time.perf_counter()
    for check in CHECKS:
        if role in check.roles:
            check.evaluate(doc)
    return time.perf_counter() - start


def main() -> None:
    images: list[tuple[str, bytes, Role]] = []
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*/*")):
            if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
                images.append((f"{path.parent.name}/{path.name}", path.read_bytes(), Role.ID_DOCUMENT))
    else:
        print(f"corpus not found at {CORPUS}: generated set only")
    for sample in generated_set(range(3)):
        images.append((f"gen/{sample.edit}/{sample.kind}/{sample.seed}", sample.data, Role(sample.role)))
    readings = [identity_readings(data, name, role) for name, data, role in images]
    checks_seconds(images[0][1], "warmup.jpg", Role.ID_DOCUMENT, readings[0])  # loads cascade and data files
    ratios = []
    groups: dict[str, list[float]] = {}
    for (name, data, role), reading in zip(images, readings, strict=True):
        # Each side the best of REPEATS runs (a fresh Capture each time, nothing cached from the run before):
        # the minimum is the cost without the shared machine's scheduling noise, as in bench/quality.py.
        dec = min(decode_seconds(data) for _ in range(REPEATS))
        chk = min(checks_seconds(data, name, role, reading) for _ in range(REPEATS))
        if chk != chk:  # NaN: does not decode
            continue
        ratios.append(chk / dec)
        groups.setdefault(name.split("/")[0], []).append(chk / dec)
        print(f"{name:48s} decode {dec * 1000:7.1f} ms  checks {chk * 1000:7.1f} ms  ratio {chk / dec:5.2f}")
    for group, values in groups.items():
        print(f"median ratio {group:24s} {statistics.median(values):5.2f} over {len(values)} images")
    print(
        f"\nmedian ratio (checks / decode) over {len(ratios)} images: {statistics.median(ratios):.2f}  (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
