"""EDIT_FIELD_TYPEFACE: the slant measure on rendered type, the check on generated retyped fields and on the
SIDTD card whose given name was retyped in italics."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.fixtures.documents import font
from tests.fixtures.edits import check_sample, clean
from tests.fixtures.engine_runs import run_engine
from tests.fixtures.retyped import retyped_name
from workers.checks.authenticity.check_typeface import EDIT_FIELD_TYPEFACE
from workers.checks.authenticity.slant import text_slant
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import Finding, Status

SIDTD = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "sidtd"
# The given name "Adnan" of fake_ir_2_alb00 (MANIFEST.tsv: manipulated region ~ x704-896,y352-416).
SIDTD_EDIT = (704, 352, 896, 416)


def _line(text: str, shear: float) -> np.ndarray:
    """`text` in the bold face, sheared so that its stems lean right by atan(shear)."""
    img = Image.new("L", (420, 56), 235)
    ImageDraw.Draw(img).text((12, 6), text, font=font(34, bold=True), fill=20)
    sheared = img.transform(
        img.size, Image.Transform.AFFINE, (1, shear, -shear * 56, 0, 1, 0), Image.Resampling.BILINEAR
    )
    return np.asarray(sheared, dtype=np.uint8)


def _typeface(findings: list[Finding]) -> Finding:
    return next(f for f in findings if f.code == EDIT_FIELD_TYPEFACE.code)


def _overlaps(finding: Finding, box: tuple[int, int, int, int]) -> bool:
    assert finding.region is not None
    xs = [p[0] for p in finding.region.polygon]
    ys = [p[1] for p in finding.region.polygon]
    return min(xs) < box[2] and box[0] < max(xs) and min(ys) < box[3] and box[1] < max(ys)


@pytest.mark.parametrize("text", ["ERIKSSON", "ANNA MARIA", "12.08.1974"])
def test_slant_grows_with_the_lean_of_the_type(text: str) -> None:
    slants = [text_slant(_line(text, shear))[0] for shear in (0.0, 0.1, 0.2, 0.3)]
    assert slants == sorted(slants)
    assert abs(slants[0]) <= 1.5 and 15.0 <= slants[-1] <= 19.0  # atan(0.3) = 16.7 degrees


def test_stems_agree_on_upright_print() -> None:
    _, agreement = text_slant(_line("ERIKSSON", 0.0))
    assert agreement >= 0.3


@pytest.mark.parametrize("kind", ["card", "passport"])
def test_retyped_given_names_are_flagged_where_they_were_retyped(kind: str) -> None:
    sample = retyped_name(kind, 4)
    finding = _typeface(check_sample(sample, read_print=True))
    assert sample.box is not None
    assert finding.status is Status.REVIEW and _overlaps(finding, sample.box)


def test_clean_card_fields_lean_alike() -> None:
    finding = _typeface(check_sample(clean("card", 4), read_print=True))
    assert finding.status is Status.PASS


def test_not_judged_when_an_mrz_was_read() -> None:
    # The full engine reads the card's TD1 MRZ: the check leaves the personal data to the MRZ comparisons.
    sample = retyped_name("card", 5)
    spec = BundleSpec(
        reference="T",
        profile=Profile(full_name="Anna Maria Eriksson", date_of_birth="1974-08-12"),
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg")],
    )
    verdict = run_engine(
        spec,
        {"id.jpg": sample.data},
        submit_on=date(2026, 12, 1),
        document_checks=[EDIT_FIELD_TYPEFACE],
        bundle_checks=[],
    )
    assert not [f for f in verdict.findings if f.code == EDIT_FIELD_TYPEFACE.code]


def _sidtd(name: str) -> Finding | None:
    spec = BundleSpec(
        reference="T",
        profile=Profile(full_name="Agani Adnan", date_of_birth="1991-11-20"),  # alb_0_id.json
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file=name)],
    )
    verdict = run_engine(
        spec,
        {name: (SIDTD / name).read_bytes()},
        submit_on=date(2026, 12, 1),
        document_checks=[EDIT_FIELD_TYPEFACE],
        bundle_checks=[],
        readers=[],
    )
    return next((f for f in verdict.findings if f.code == EDIT_FIELD_TYPEFACE.code), None)


@pytest.mark.corpus
@pytest.mark.skipif(not SIDTD.is_dir(), reason=f"real corpus not found at {SIDTD} (a user checkout has none)")
def test_sidtd_italic_given_name_is_flagged_and_its_original_is_not() -> None:
    fake, original = _sidtd("fake_ir_2_alb00.jpg"), _sidtd("alb00.jpg")
    assert fake is not None and fake.status is Status.REVIEW and _overlaps(fake, SIDTD_EDIT)
    assert original is not None and original.status is Status.PASS
