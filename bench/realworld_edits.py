"""Authenticity checks on real captures edited by bench/real_edits.py: do the verdicts hold on real photos?

The edited images are COMPOSITES MADE BY THIS PROJECT FROM REAL PARTS (genuine corpus captures, real faces from
the corpus's faces_* folders, DejaVu type), not forgeries found in the wild. Per edit type and label half
(calibration | check) it prints how many edited captures a pixel-evidence check flags (status review or fail),
and how many untouched originals it flags, both as stored and passed through the same phone JPEG pipeline as
the edits (so that a re-save alone cannot separate them). Codes that fire on any re-save (metadata, double
compression) are counted apart: they cannot tell an edit from a re-save. Then the SIDTD forged twins.

Run: .venv/bin/python bench/realworld_edits.py [seed_offset]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.holders import SIDTD_PROFILES  # noqa: E402
from bench.real_edits import CORPUS, EDIT_TYPES, HOLDERS, Made, make_all, sources  # noqa: E402
from workers.checks.authenticity import CHECKS  # noqa: E402
from workers.checks.engine import check_bundle  # noqa: E402
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role  # noqa: E402
from workers.checks.model import Status  # noqa: E402
from workers.checks.policy import load_policy  # noqa: E402

# Evidence in the pixels: what can tell an edited capture from a re-saved one.
PIXEL_CODES = (
    "EDIT_LOCAL_ANOMALY",
    "EDIT_COPY_MOVE",
    "EDIT_PORTRAIT_PASTED",
    "EDIT_GHOST_PORTRAIT_MISMATCH",
    "EDIT_PORTRAIT_PIXELATED",
    "EDIT_FIELD_TYPEFACE",
)
# Fire on any re-save by an app (no camera EXIF, an editor's encoder, a second compression): reported, not
# counted as detection, since the untouched originals through the same pipeline carry them too.
RESAVE_CODES = (
    "JPEG_RESAVED_BY_EDITOR",
    "EDIT_SOFTWARE_TAG",
    "EDIT_CAMERA_FIELDS_STRIPPED",
    "JPEG_DOUBLE_COMPRESSED",
)


@dataclass(frozen=True)
class Result:
    made: Made
    flags: dict[str, str]  # code -> measured value, for every finding with status review or fail
    measured: dict[str, str]  # code -> measured value, for every pixel code that judged

    @property
    def pixel_flags(self) -> list[str]:
        return [c for c in PIXEL_CODES if c in self.flags]

    @property
    def resave_flags(self) -> list[str]:
        return [c for c in RESAVE_CODES if c in self.flags]


def evaluate(made: Made) -> Result:
    """Every authenticity check (incl. EDIT_FIELD_TYPEFACE with the page OCR) through the engine."""
    name = made.source.path.name
    holder = " ".join(reversed(HOLDERS.get(made.source.holder, ("Anna", "Eriksson"))))
    # The SIDTD renders' holders' own name and date of birth (bench/holders.py), as bench/realworld.py checks
    # them: EDIT_FIELD_TYPEFACE finds the applicant's printed fields by the profile.
    known = SIDTD_PROFILES.get(name) if made.source.file.startswith("sidtd/") else None
    spec = BundleSpec(
        reference="REAL-EDIT",
        profile=Profile(full_name=holder) if known is None else Profile(full_name=known[0], date_of_birth=known[1]),
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file=name)],
    )
    verdict = check_bundle(
        spec,
        {name: made.data},
        submit_on=date(2026, 12, 1),
        policy=load_policy("default"),
        document_checks=CHECKS,
        bundle_checks=[],
        readers=[],
    )
    flags = {f.code: f"{f.measured}" for f in verdict.findings if f.status in (Status.REVIEW, Status.FAIL)}
    measured = {f.code: f"{f.measured}" for f in verdict.findings if f.code in PIXEL_CODES}
    return Result(made, flags, measured)


def run(seed_offset: int = 0, files: list[str] | None = None) -> list[Result]:
    """Every source (or the named ones), seeded by its index plus `seed_offset`, every upload evaluated."""
    results: list[Result] = []
    for index, source in enumerate(sources()):
        if files is None or source.file in files:
            results.extend(evaluate(made) for made in make_all(source, index + seed_offset))
    return results


def rate(results: list[Result], edit: str, half: str) -> tuple[int, int]:
    """(flagged by a pixel code, total) for one edit type ("original" and "resaved" too) and half."""
    group = [r for r in results if r.made.edit == edit and r.made.source.half == half]
    return sum(bool(r.pixel_flags) for r in group), len(group)


def report(results: list[Result]) -> None:
    print(
        "Edited captures are composites made by this project from real parts (genuine corpus photos and renders,\n"
        "real corpus faces, DejaVu type), saved through a phone-like JPEG pipeline; not forgeries from the wild.\n"
    )
    print(f"{'upload':16s} {'half':12s} {'pixel flag':>10s}  " + " ".join(f"{c[5:17]:>12s}" for c in PIXEL_CODES))
    for edit in ("original", "resaved", *EDIT_TYPES):
        for half in ("calibration", "check"):
            group = [r for r in results if r.made.edit == edit and r.made.source.half == half]
            if not group:
                continue
            hit, total = rate(results, edit, half)
            per_code = " ".join(f"{sum(c in r.flags for r in group):>12d}" for c in PIXEL_CODES)
            print(f"{edit:16s} {half:12s} {hit:>4d}/{total:<3d} {hit / total:4.0%} " + per_code)
    print("\nre-save codes (fire on any re-save, so not counted as detection): share of uploads flagged")
    for edit in ("original", "resaved", *EDIT_TYPES):
        group = [r for r in results if r.made.edit == edit]
        counts: dict[str, int] = defaultdict(int)
        for r in group:
            for code in r.resave_flags:
                counts[code] += 1
        print(f"  {edit:16s} " + ", ".join(f"{c} {counts[c]}/{len(group)}" for c in RESAVE_CODES))
    print("\nper upload: pixel codes flagged, measured values of the pixel checks that judged")
    for r in results:
        said = ", ".join(f"{c[5:]}={v}" for c, v in r.measured.items())
        flagged = "+".join(c[5:] for c in r.pixel_flags) or "-"
        print(f"  {r.made.source.file[-28:]:28s} {r.made.edit:16s} {flagged:24s} {said}  {r.made.note[:60]}")


def sidtd_twins() -> None:
    """The SIDTD forged twins and their bona fide originals, as stored (no pipeline)."""
    print("\nSIDTD as stored: forged twins should be flagged, bona fide originals not")
    for path in sorted((CORPUS / "sidtd").glob("*.jpg")):
        source = next(
            s
            for s in sources()
            if s.path.name == path.name.replace("fake_ir_2_", "").replace("fake_ir_", "").replace("fake_", "")
        )
        result = evaluate(Made(source, "original", path.read_bytes()))
        kind = "FORGED" if path.name.startswith("fake_") else "bona fide"
        print(f"  {path.name:22s} {kind:9s} pixel flags: {', '.join(result.pixel_flags) or 'none'}")


def main() -> None:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}: nothing to run")
        return
    report(run(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
    sidtd_twins()


if __name__ == "__main__":
    main()
