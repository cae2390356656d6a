"""EDIT_PORTRAIT_PIXELATED: an ID portrait pixelated (an anonymising mosaic) is found; photographed portraits pass.

The measure is tested by ordering on generated portraits, the check by verdict on generated cards and passports,
and on the real corpus's pixelated demo passports (skipped without ../shared/corpus).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from tests.fixtures.documents import astronaut_portrait
from tests.fixtures.edits import check_sample, clean, pixelated_portrait
from tests.fixtures.engine_runs import run_engine
from workers.checks.authenticity.check_face import MAX_PORTRAIT_PIXELATION
from workers.checks.authenticity.mosaic import pixelation
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import Finding, Status

CODE = "EDIT_PORTRAIT_PIXELATED"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def _finding(findings: list[Finding]) -> Finding:
    found = next((f for f in findings if f.code == CODE), None)
    assert found is not None, [f.code for f in findings]
    return found


def _mosaic(gray: NDArray[np.uint8], across: int) -> NDArray[np.uint8]:
    blocks = cv2.resize(gray, (across, across), interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.resize(blocks, gray.shape[::-1], interpolation=cv2.INTER_NEAREST), dtype=np.uint8)


def test_pixelation_grows_as_the_blocks_grow_crisp() -> None:
    """A portrait, then the same pixelated 12 blocks across and softened less and less: the grid contrast rises."""
    portrait = cv2.resize(astronaut_portrait(), (300, 300), interpolation=cv2.INTER_AREA)
    face = np.asarray(cv2.cvtColor(portrait, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    mosaic = _mosaic(face, 12)
    softened = [np.asarray(cv2.GaussianBlur(mosaic, (0, 0), sigma), dtype=np.uint8) for sigma in (6.0, 4.0, 2.0)]
    measured = [pixelation(face), *(pixelation(image) for image in softened)]
    assert measured == sorted(measured), measured
    assert measured[0] < MAX_PORTRAIT_PIXELATION < measured[-1], measured


@pytest.mark.parametrize(("kind", "seed"), [("card", 0), ("passport", 1)])
def test_a_portrait_pixelated_on_a_photographed_document_is_found_over_it(kind: str, seed: int) -> None:
    """40 blocks across, softened by 2 px. (The face detector finds a mosaic only while its blocks are fine and
    soft, as on the corpus's scanned demo passports; on a coarser one no portrait is found at all, and the check
    has nothing to judge: ID_PORTRAIT_MISSING speaks.)"""
    sample = pixelated_portrait(kind, seed, across=40, blur=2.0)
    finding = _finding(check_sample(sample))
    assert finding.status is Status.REVIEW, finding.message
    assert finding.region is not None and sample.box is not None
    xs = [p[0] for p in finding.region.polygon]
    assert min(xs) < sample.box[2] and sample.box[0] < max(xs)


@pytest.mark.parametrize(("kind", "seed"), [("card", 0), ("card", 1), ("passport", 2), ("passport", 3)])
def test_photographed_portraits_are_not_pixelated(kind: str, seed: int) -> None:
    finding = _finding(check_sample(clean(kind, seed)))
    assert finding.status is Status.PASS, finding.message
    assert finding.message.startswith("The portrait is not pixelated"), finding.message


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
@pytest.mark.parametrize("name", ["passport_rf_1.jpg", "passport_rf_2.jpg"])
def test_the_pixelated_demo_passports_of_the_corpus_are_found(name: str) -> None:
    """The Smart Engines demo scans anonymise the holder's face with a mosaic (check half of the real split)."""
    doc = DocumentSpec(role=Role.ID_DOCUMENT, file=name, type="passport")
    spec = BundleSpec(reference="real", profile=Profile(full_name="Bench Applicant"), documents=[doc])
    data = (CORPUS / "smartengines_idreader_demo" / name).read_bytes()
    verdict = run_engine(spec, {name: data}, bundle_checks=[])
    assert _finding(verdict.findings).status is Status.REVIEW
