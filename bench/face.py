"""Benchmark and calibration sweep for the face checks (docs/calibration/face.md).

`python bench/face.py [seeds]`: (all selfie checks on one selfie) / (full-resolution decode of that selfie),
both timed in this run, median over the generated 12 MP selfies of every defect scene; target <= 4.
"All selfie checks" = the face document checks on the selfie plus the bundle checks comparing it with the ID,
with the face detection, encodings and feature match they share. The ID's decode and its own portrait
detection and encoding (work the ID document's checks do anyway) are done before timing; a second figure
counts them too.
Also prints which codes each scene raised.

`python bench/face.py --calibrate [seeds]`: the measured value behind every threshold, per scene and seed
(1536 x 2048 selfies, the size the tests use), and the face-encoding distances on the corpus.
`python bench/face.py --rates [seeds]`: detection and false-flag rates per code over the same scenes.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.documents import encode_jpeg
from tests.fixtures.selfie_checks import flagged, run_face_checks
from tests.fixtures.selfie_expected import ALSO_ALLOWED, ANY_OF, EXPECTED
from tests.fixtures.selfies import (
    applicant_card,
    compose_selfie,
    defect_scenes,
    id_photo_as_selfie,
)
from workers.checks import face
from workers.checks.capture import Capture
from workers.checks.context import BundleContext, DocumentContext
from workers.checks.face import applicant, measures, views
from workers.checks.face.detect import encoding_distance
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import Outcome
from workers.checks.policy import load_policy
from workers.checks.spectrum import periodic_peak

# Phone front cameras: 8-12 MP; 3024 x 4032 is the 12 MP portrait frame of most of them.
SIZE = (3024, 4032)
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def _bundle(id_bytes: bytes, selfie_bytes: bytes) -> tuple[BundleContext, DocumentContext, DocumentContext]:
    spec = BundleSpec(
        reference="bench",
        profile=Profile(full_name="Bench"),
        documents=[
            DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg"),
            DocumentSpec(role=Role.SELFIE, file="selfie.jpg"),
        ],
    )
    bundle = BundleContext(spec=spec, submit_on=date(2026, 12, 1), policy=load_policy("default"))
    id_doc = DocumentContext(spec=spec.documents[0], capture=Capture(id_bytes, "id.jpg"), bundle=bundle)
    selfie = DocumentContext(spec=spec.documents[1], capture=Capture(selfie_bytes, "selfie.jpg"), bundle=bundle)
    bundle.documents += [id_doc, selfie]
    return bundle, id_doc, selfie


def _run_selfie_checks(bundle: BundleContext, selfie: DocumentContext) -> int:
    count = 0
    for check in face.DOCUMENT_CHECKS:
        if Role.SELFIE in check.roles:
            result = check.evaluate(selfie)
            count += 1 if isinstance(result, Outcome) else len(list(result or []))
    for bcheck in face.BUNDLE_CHECKS:
        result = bcheck.evaluate(bundle)
        count += 1 if isinstance(result, Outcome) else len(list(result or []))
    return count


def _time_one(id_bytes: bytes, selfie_bytes: bytes, *, id_side_done: bool) -> tuple[float, float]:
    start = time.perf_counter()
    Capture(selfie_bytes, "selfie.jpg").rgb  # noqa: B018 - the decode is what is timed
    decode = time.perf_counter() - start
    bundle, id_doc, selfie = _bundle(id_bytes, selfie_bytes)
    id_doc.capture.rgb  # noqa: B018 - the ID's decode is not the selfie's cost
    selfie.capture.rgb  # noqa: B018 - the denominator, timed above on its own Capture
    if id_side_done:
        for portrait in views.id_portraits(id_doc.capture)[:1]:
            views.encoding(id_doc.capture, portrait)
    start = time.perf_counter()
    _run_selfie_checks(bundle, selfie)
    return time.perf_counter() - start, decode


def benchmark(seeds: list[int]) -> None:
    ratios, ratios_with_id, check_times, decode_times = [], [], [], []
    table: dict[str, list[set[str]]] = {}
    for seed in seeds:
        id_bytes = encode_jpeg(applicant_card(seed=seed))
        for name, scene in defect_scenes(seed).items():
            selfie_bytes = encode_jpeg(compose_selfie(replace(scene, width=SIZE[0], height=SIZE[1])).rgb)
            checks, decode = _time_one(id_bytes, selfie_bytes, id_side_done=True)
            with_id, decode_again = _time_one(id_bytes, selfie_bytes, id_side_done=False)
            ratios.append(checks / decode)
            ratios_with_id.append(with_id / decode_again)
            check_times.append(checks)
            decode_times.append(decode)
            table.setdefault(name, []).append(flagged(run_face_checks(id_bytes, selfie_bytes)))
    print(f"selfies: {len(ratios)} at {SIZE[0]}x{SIZE[1]}, seeds {seeds}")
    print(
        f"median: checks {statistics.median(check_times) * 1000:.0f} ms, decode "
        f"{statistics.median(decode_times) * 1000:.0f} ms"
    )
    print(f"selfie checks / full decode of the selfie, median: {statistics.median(ratios):.2f} (target 4)")
    print(f"same, also counting the ID portrait's detection and encoding: {statistics.median(ratios_with_id):.2f}")
    print("codes raised per scene (one column per seed):")
    for name, runs in table.items():
        print(f"  {name:17s} " + " | ".join(",".join(sorted(r)) or "-" for r in runs))


def _scene_values(id_bytes: bytes, selfie_bytes: bytes) -> dict[str, float]:
    bundle, id_doc, selfie = _bundle(id_bytes, selfie_bytes)
    values: dict[str, float] = {}
    held = applicant.held_document(bundle)
    if held is not None:
        values |= {"inliers": held.inliers, "contra": held.contradiction, "frame": held.frame_fraction}
    scene = applicant.scene(selfie)
    values["others"] = max([f.score for f in scene.others], default=float("nan"))
    values["max_other_score"] = max(
        [
            f.score
            for f in views.selfie_faces(selfie.capture)
            if f is not scene.applicant and f not in scene.in_document
        ],
        default=float("nan"),
    )
    found = applicant.applicant_chip(selfie)
    if found is None:
        return values
    live, chip = found
    view = views.selfie_gray(selfie.capture, 400)
    k = view.shape[1] / selfie.capture.width
    x0, y0, x1, y1 = (max(0, round(v)) for v in live.box)
    portrait = views.id_portraits(id_doc.capture)[0]
    return values | {
        "width": live.width / selfie.capture.width,
        "sharp": measures.face_sharpness(chip),
        "bright": measures.face_brightness(chip),
        "backlit": measures.backlight_ratio(chip, view, np.asarray(live.box) * k),
        "side": measures.side_light_ratio(chip),
        "eye_dark": measures.eye_darkness(chip),
        "eye_contrast": measures.eye_contrast(chip),
        "chin_skin": measures.lower_face_skin(chip),
        "headwear": measures.headwear_fraction(chip),
        "periodic": periodic_peak(selfie.capture.gray[y0:y1, x0:x1]),
        "distance": encoding_distance(views.encoding(selfie.capture, live), views.encoding(id_doc.capture, portrait)),
    }


def calibrate(seeds: list[int]) -> None:
    rows: dict[str, list[dict[str, float]]] = {}
    for seed in seeds:
        id_bytes = encode_jpeg(applicant_card(seed=seed))
        scenes = {name: compose_selfie(scene) for name, scene in defect_scenes(seed).items()}
        scenes["id_photo"] = id_photo_as_selfie(seed)
        for name, selfie in scenes.items():
            rows.setdefault(name, []).append(_scene_values(id_bytes, encode_jpeg(selfie.rgb)))
    keys = sorted({k for runs in rows.values() for run in runs for k in run})
    print(f"min..max over seeds {seeds} (1536 x 2048):")
    for name, runs in rows.items():
        cells = []
        for key in keys:
            vals = [run[key] for run in runs if key in run and not np.isnan(run[key])]
            if vals:
                cells.append(f"{key}={min(vals):.3g}..{max(vals):.3g}")
        print(f"  {name}: " + " ".join(cells))
    if CORPUS.is_dir():
        _corpus()


def rates(seeds: list[int]) -> None:
    """Detection and false-flag rate per code over every fixture scene and seed.

    tests/fixtures/selfies.py says which codes each scene must raise, may raise as a side effect, or must not.
    """
    raised: dict[str, list[set[str]]] = {}
    for seed in seeds:
        id_bytes = encode_jpeg(applicant_card(seed=seed))
        scenes = {name: compose_selfie(scene) for name, scene in defect_scenes(seed).items()}
        scenes["id_photo"] = id_photo_as_selfie(seed)
        for name, selfie in scenes.items():
            raised.setdefault(name, []).append(flagged(run_face_checks(id_bytes, encode_jpeg(selfie.rgb))))
    codes = sorted({c.code for c in face.DOCUMENT_CHECKS} | {c.code for c in face.BUNDLE_CHECKS})
    print(f"rates over seeds {seeds} (1536 x 2048): detected / defective, false flags / clean")
    for code in codes:
        hit = due = false = clean = 0
        for name, runs in raised.items():
            for got in runs:
                if code in EXPECTED.get(name, set()):
                    due += 1
                    hit += code in got
                elif code not in ALSO_ALLOWED.get(name, set()) | ANY_OF.get(name, set()):
                    clean += 1
                    false += code in got
        print(f"  {code:26s} {hit}/{due}  {false}/{clean}")
    for name, allowed in ANY_OF.items():
        print(
            f"  {name}: one of {sorted(allowed)} in {sum(bool(g & allowed) for g in raised[name])}/"
            f"{len(raised[name])}; raised: {[sorted(g) for g in raised[name]]}"
        )


def _corpus() -> None:
    encodings = {}
    print("corpus ID portraits (best score, or none):")
    for path in sorted([*CORPUS.glob("*/*.jpg"), *CORPUS.glob("*/*.png")]):
        capture = Capture(path.read_bytes(), path.name)
        portraits = views.id_portraits(capture)
        name = f"{path.parent.name}/{path.name}"
        print(f"  {name}: " + (f"{portraits[0].score:.2f}" if portraits else "none"))
        if portraits:
            encodings[name] = views.encoding(capture, portraits[0])
    print("corpus portrait pairs closer than 0.6:")
    for a, b in itertools.combinations(sorted(encodings), 2):
        distance = encoding_distance(encodings[a], encodings[b])
        if distance < 0.6:
            print(f"  {distance:.3f} {a} {b}")


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--calibrate":
        calibrate([int(a) for a in args[1:]] or [0, 1, 2, 3, 4])
    elif args and args[0] == "--rates":
        rates([int(a) for a in args[1:]] or [0, 1, 2, 3, 4])
    else:
        benchmark([int(a) for a in args] or [0, 1, 2])


if __name__ == "__main__":
    main()
