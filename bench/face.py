"""Benchmark: (all selfie checks on one selfie) / (full-resolution decode of it), median over selfies.

Both are timed in the same run, on the same bytes. "All selfie checks" = every face check that looks at the
selfie (its document checks and the bundle checks comparing it with the ID), including the face detection,
encodings and feature match they share; the ID's own decode is done beforehand, its portrait detection and
features are counted. Target: <= 4. Also prints the calibration table (flags per scene) used in
docs/calibration/face.md. Run: /work/venv/bin/python bench/face.py [seeds]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.face_bundles import flagged
from tests.fixtures.documents import encode_jpeg
from tests.fixtures.selfies import Scene, applicant_card, compose_selfie, defect_scenes
from workers.checks import face
from workers.checks.capture import Capture
from workers.checks.context import BundleContext, DocumentContext
from workers.checks.engine import _outcomes
from workers.checks.face import views
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.policy import load_policy

# Phone front cameras: 8-12 MP; 3024 x 4032 is the 12 MP portrait frame of most of them.
SIZE = (3024, 4032)


def _time_one(id_bytes: bytes, selfie_bytes: bytes, *, id_side_done: bool) -> tuple[float, float]:
    start = time.perf_counter()
    Capture(selfie_bytes, "selfie.jpg").rgb  # noqa: B018 - the decode is what is timed
    decode = time.perf_counter() - start

    spec = BundleSpec(
        reference="bench",
        profile=Profile(full_name="Bench"),
        documents=[
            DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg"),
            DocumentSpec(role=Role.SELFIE, file="selfie.jpg"),
        ],
    )
    bundle = BundleContext(
        spec=spec, submit_on=__import__("datetime").date(2026, 12, 1), policy=load_policy("default")
    )
    id_doc = DocumentContext(spec=spec.documents[0], capture=Capture(id_bytes, "id.jpg"), bundle=bundle)
    selfie = DocumentContext(
        spec=spec.documents[1], capture=Capture(selfie_bytes, "selfie.jpg"), bundle=bundle
    )
    bundle.documents += [id_doc, selfie]
    id_doc.capture.rgb  # noqa: B018 - the ID is decoded before timing: it is not the selfie's cost
    if id_side_done:  # the ID's own work (portrait detection and encoding) done first, as the ID's checks do
        for portrait in views.id_portraits(id_doc.capture)[:1]:
            views.encoding(id_doc.capture, portrait)
    selfie.capture.rgb  # noqa: B018 - decoded outside the timed part: the ratio's denominator
    start = time.perf_counter()
    for check in face.DOCUMENT_CHECKS:
        if Role.SELFIE in check.roles:
            _outcomes(check.evaluate(selfie))
    for bcheck in face.BUNDLE_CHECKS:
        _outcomes(bcheck.evaluate(bundle))
    checks = time.perf_counter() - start
    return checks, decode


def main() -> None:
    seeds = [int(a) for a in sys.argv[1:]] or [0, 1, 2]
    ratios, ratios_with_id, check_times, decode_times = [], [], [], []
    table: dict[str, list[set[str]]] = {}
    for seed in seeds:
        id_bytes = encode_jpeg(applicant_card(seed=seed))
        for name, scene in defect_scenes(seed).items():
            big = Scene(**{**scene.__dict__, "width": SIZE[0], "height": SIZE[1]})
            selfie_bytes = encode_jpeg(compose_selfie(big).rgb)
            checks, decode = _time_one(id_bytes, selfie_bytes, id_side_done=True)
            with_id, decode_again = _time_one(id_bytes, selfie_bytes, id_side_done=False)
            ratios.append(checks / decode)
            ratios_with_id.append(with_id / decode_again)
            check_times.append(checks)
            decode_times.append(decode)
            from tests.face_bundles import run_face_checks

            table.setdefault(name, []).append(flagged(run_face_checks(id_bytes, selfie_bytes)))
    print(f"selfies: {len(ratios)} at {SIZE[0]}x{SIZE[1]}, seeds {seeds}")
    print(
        f"median checks {statistics.median(check_times) * 1000:.0f} ms, "
        f"median decode {statistics.median(decode_times) * 1000:.0f} ms"
    )
    print(f"selfie checks / full decode of the selfie, median: {statistics.median(ratios):.2f} (target <= 4)")
    print(
        "same, also counting the ID portrait's detection and encoding: "
        f"{statistics.median(ratios_with_id):.2f}"
    )
    print("scene: codes flagged per seed")
    for name, runs in table.items():
        print(f"  {name:17s} " + " | ".join(",".join(sorted(r)) or "-" for r in runs))


if __name__ == "__main__":
    main()
