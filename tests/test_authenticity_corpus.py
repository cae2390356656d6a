"""Authenticity checks on the real corpus (../shared/corpus): SIDTD forgeries against their bona fide
twins."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from tests.fixtures.edits import Sample, check_sample
from workers.checks.model import Finding, Status

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
SIDTD = CORPUS / "sidtd"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not SIDTD.is_dir(), reason=f"real corpus not found at {SIDTD} (a user checkout has none)"),
]


@cache
def manifest_regions() -> dict[str, tuple[int, int, int, int]]:
    """Edited areas of the fakes, from MANIFEST.tsv ("manipulated region ~ x192-608,y256-832")."""
    regions: dict[str, tuple[int, int, int, int]] = {}
    with (SIDTD / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            m = re.search(r"x(\d+)-(\d+),\s*y(\d+)-(\d+)", row["ground_truth"])
            if m:
                x0, x1, y0, y1 = (int(v) for v in m.groups())
                regions[row["file"]] = (x0, y0, x1, y1)
    return regions


@cache
def findings(name: str) -> list[Finding]:
    return check_sample(Sample("corpus", "card", 0, (SIDTD / name).read_bytes()))


def overlaps(finding: Finding, box: tuple[int, int, int, int]) -> bool:
    assert finding.region is not None
    xs = [p[0] for p in finding.region.polygon]
    ys = [p[1] for p in finding.region.polygon]
    return min(xs) < box[2] and box[0] < max(xs) and min(ys) < box[3] and box[1] < max(ys)


@pytest.mark.parametrize("name", ["fake_alb00.jpg", "fake_alb01.jpg"])
def test_face_swaps_are_flagged_over_the_swapped_portrait(name: str) -> None:
    box = manifest_regions()[name]
    flagged = [f for f in findings(name) if f.status is Status.REVIEW and f.region is not None]
    assert any(f.code == "EDIT_GHOST_PORTRAIT_MISMATCH" and overlaps(f, box) for f in flagged)


def test_inpainted_name_field_is_flagged_where_it_was_retyped() -> None:
    box = manifest_regions()["fake_ir_alb00.jpg"]
    finding = next(f for f in findings("fake_ir_alb00.jpg") if f.code == "EDIT_LOCAL_ANOMALY")
    assert finding.status is Status.REVIEW and overlaps(finding, box)


@pytest.mark.parametrize("name", ["alb00.jpg", "alb01.jpg", "aze00.jpg", "aze01.jpg"])
def test_bona_fide_cards_pass_the_pixel_forgery_checks(name: str) -> None:
    local = {
        "EDIT_GHOST_PORTRAIT_MISMATCH",
        "EDIT_PORTRAIT_PASTED",
        "EDIT_PORTRAIT_PIXELATED",
        "EDIT_LOCAL_ANOMALY",
        "EDIT_COPY_MOVE",
    }
    assert [f.code for f in findings(name) if f.code in local and f.status is not Status.PASS] == []


def test_illustrator_renders_are_named_by_their_xmp() -> None:
    # The Azerbaijani templates were exported from Adobe Illustrator (XMP CreatorTool): that is an editor.
    tag = next(f for f in findings("aze00.jpg") if f.code == "EDIT_SOFTWARE_TAG")
    assert tag.status is Status.FAIL and tag.measured == "Adobe Illustrator"


def test_every_corpus_image_is_checked_without_errors() -> None:
    for path in sorted(CORPUS.glob("*/*")):
        if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
            errors = [f for f in check_sample(Sample("corpus", "x", 0, path.read_bytes())) if f.code == "CHECK_ERROR"]
            assert errors == [], path.name
