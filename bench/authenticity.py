"""Speed of the authenticity checks: (all of them on one image) / (full-resolution Pillow decode of it).

Both are timed in the same run on the same image; the median ratio over the real corpus and a generated set
is printed (target <= 1.5), with the median per group. Face boxes are not counted: the authenticity checks
read them from the face checks' detection (workers/checks/face/views.py), which runs on every ID document and
selfie anyway, so they are built before the clock starts, like the decode. So are the identity checks'
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
from workers.checks.context import BundleContext, DocumentContext  # noqa: E402
from workers.checks.face.views import id_portraits, selfie_faces  # noqa: E402
from workers.checks.identity.page_text import document_page  # noqa: E402
from workers.checks.identity.reader import read_id_document  # noqa: E402
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


def checks_seconds(data: bytes, name: str, role: Role) -> float:
    """All authenticity checks on a Capture whose decode has already happened (it is not counted)."""
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
    capture = Capture(data=data, filename=name)
    if not capture.decodes:
        return float("nan")
    doc = DocumentContext(spec=spec, capture=capture, bundle=bundle)
    if role is Role.ID_DOCUMENT:
        id_portraits(capture)  # the face checks' work, shared
        # The identity checks' readings, shared too: the MRZ reader's fields, and where no MRZ was read the
        # printed page lines, which the printed-name check reads on every such document anyway.
        doc.read_fields.update(read_id_document(doc))
        if "surname" not in doc.read_fields:
            document_page(doc)
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
    checks_seconds(images[0][1], "warmup.jpg", Role.ID_DOCUMENT)  # loads the cascade and data files once
    ratios = []
    groups: dict[str, list[float]] = {}
    for name, data, role in images:
        dec = decode_seconds(data)
        chk = checks_seconds(data, name, role)
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
