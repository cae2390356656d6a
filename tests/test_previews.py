"""Annotated previews: the drawing (outline, labelled regions, a band listing region-less findings, at most
1024 px) and the engine's choice of documents (only those with a fail or review, only when asked)."""

from __future__ import annotations

import cv2
import numpy as np

from tests.fixtures.engine_runs import run_engine
from tests.integration.payload import good_files
from workers.checks.annotate import PREVIEW_MAX_SIDE, Mark, draw_preview, preview_jpeg
from workers.checks.manifest import BundleSpec, Declared, DocumentSpec, Profile, Role
from workers.checks.policy import load_policy

OUTLINE = [[200.0, 150.0], [1800.0, 150.0], [1800.0, 1350.0], [200.0, 1350.0]]
GLARE = [[900.0, 600.0], [1300.0, 600.0], [1300.0, 900.0], [900.0, 900.0]]


def _grey(width: int = 2000, height: int = 1500) -> np.ndarray:
    return np.full((height, width, 3), 128, dtype=np.uint8)


def test_the_preview_is_at_most_1024_px_with_the_outline_and_each_region_drawn() -> None:
    marks = [Mark("IMAGE_GLARE", "fail", GLARE), Mark("DOCUMENT_EXPIRED", "fail", None)]
    drawn = draw_preview(_grey(), OUTLINE, marks)
    band = drawn.shape[0] - 768  # 2000 x 1500 shrinks to 1024 x 768; the band above lists one finding
    assert drawn.shape[1] == PREVIEW_MAX_SIDE and band > 0
    photo = drawn[band:].astype(int)
    scale = PREVIEW_MAX_SIDE / 2000
    # The outline's left side (blue) and the glare region's bottom side (red) are drawn where they are.
    left = photo[400, round(200 * scale) - 1 : round(200 * scale) + 2]
    assert (left[:, 2] - left[:, 0]).max() > 60, left
    bottom = photo[round(900 * scale) - 1 : round(900 * scale) + 2, round(1100 * scale)]
    assert (bottom[:, 0] - bottom[:, 2]).max() > 60, bottom
    assert np.abs(photo[10:60, 10:60] - 128).max() == 0  # away from every mark: the photo untouched
    assert drawn[:band].mean() < 100  # the dark band holding the region-less code


def test_no_band_without_region_less_findings_and_the_jpeg_carries_no_metadata() -> None:
    drawn = draw_preview(_grey(800, 600), None, [Mark("IMAGE_GLARE", "review", GLARE)])
    assert drawn.shape[:2] == (600, 800)  # never enlarged
    jpeg = preview_jpeg(_grey(), OUTLINE, [Mark("IMAGE_GLARE", "fail", GLARE)])
    assert jpeg[:2] == b"\xff\xd8" and b"Exif" not in jpeg[:200]
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and max(decoded.shape[:2]) == PREVIEW_MAX_SIDE


def _bundle(expiry: str) -> tuple[BundleSpec, dict[str, bytes]]:
    files = good_files("p")
    documents = [
        DocumentSpec(
            role=Role.ID_DOCUMENT,
            file="p/id.jpg",
            type="passport",
            issuing_country="SE",
            declared=Declared(expiry_date=expiry),
        ),
        DocumentSpec(role=Role.SELFIE, file="p/selfie.jpg"),
    ]
    spec = BundleSpec(reference="P-1", profile=Profile(full_name="Anna Maria Eriksson"), documents=documents)
    return spec, {k: v for k, v in files.items() if k in ("p/id.jpg", "p/selfie.jpg")}


def test_the_engine_makes_previews_only_of_flagged_documents_and_only_when_asked() -> None:
    spec, files = _bundle("2020-01-01")  # declared expired: DOCUMENT_EXPIRED fails on the ID whatever its pixels
    policy = load_policy("default")
    previews: dict[str, bytes] = {}
    verdict = run_engine(spec, files, policy=policy, previews=previews)
    flagged = {f.document for f in verdict.findings if f.status.value != "pass" and f.document}
    assert "id_document" in flagged and "id_document" in previews
    assert set(previews) == flagged & {"id_document", "selfie"}  # exactly the flagged documents
    assert all(p[:2] == b"\xff\xd8" for p in previews.values())
    # Not asked: the same check makes none (nothing of the document is kept by the engine).
    again = run_engine(spec, files, policy=policy)
    assert [f.code for f in again.findings] == [f.code for f in verdict.findings]
