"""JPEG-structure measures and checks: quantization tables, estimated quality, double compression."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image

from tests.fixtures.edits import Sample, camera_photo, check_sample, clean, editor_resave
from workers.checks.authenticity.jpeg import (
    block_dct,
    double_compression_periodicity,
    estimate_quality,
    libjpeg_luma_table,
    read_structure,
)
from workers.checks.model import Finding, Status


def by_code(findings: list[Finding], code: str) -> Finding | None:
    return next((f for f in findings if f.code == code), None)


def _jpeg(rgb: np.ndarray, quality: int) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality)
    return out.getvalue()


def _luma(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert("L"))


@cache
def photo() -> np.ndarray:
    return camera_photo("card", 11)[:800, :1200]


def test_tables_are_read_from_the_bytes_and_match_pillows() -> None:
    data = _jpeg(photo(), 83)
    structure = read_structure(data)
    assert structure is not None and not structure.adobe_app14
    with Image.open(io.BytesIO(data)) as img:
        pillow_table = np.array(img.quantization[0]).reshape(8, 8)  # type: ignore[attr-defined]
    assert np.array_equal(structure.tables[0], pillow_table)
    assert read_structure(b"\x89PNG\r\n") is None


def test_estimated_quality_follows_the_encoder_setting() -> None:
    estimates = [estimate_quality(read_structure(_jpeg(photo(), q)).tables[0]) for q in (55, 75, 95)]  # type: ignore[union-attr]
    assert [q for q, _ in estimates] == [55, 75, 95]
    assert all(err == 0 for _, err in estimates)
    custom = libjpeg_luma_table(90) + np.eye(8, dtype=np.int32)  # a camera's own table is off every libjpeg one
    assert estimate_quality(custom)[1] > 0


def test_periodicity_orders_single_below_double_compression() -> None:
    single = _jpeg(photo(), 94)
    first = _jpeg(photo(), 70)
    double = _jpeg(_decode(first), 94)
    scores = []
    for data in (single, double):
        table = read_structure(data).tables[0]  # type: ignore[union-attr]
        scores.append(double_compression_periodicity(block_dct(_luma(data)), table))
    assert scores[0] < 3.0 < scores[1]


def _decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert("RGB"))


def test_editor_resaves_are_flagged_by_markers_quality_or_double_compression() -> None:
    expected = {0: "JPEG_RESAVED_BY_EDITOR", 1: "JPEG_RESAVED_BY_EDITOR", 2: "JPEG_DOUBLE_COMPRESSED"}
    for seed, code in expected.items():  # seed % 3 picks the variant: Adobe marker, low quality, re-save
        finding = by_code(check_sample(editor_resave("bill", seed)), code)
        assert finding is not None and finding.status is Status.REVIEW, (seed, code)


def test_camera_original_passes_both_jpeg_checks() -> None:
    findings = check_sample(clean("bill", 2))
    for code in ("JPEG_RESAVED_BY_EDITOR", "JPEG_DOUBLE_COMPRESSED"):
        finding = by_code(findings, code)
        assert finding is not None and finding.status is Status.PASS, code


def test_png_is_not_judged_by_jpeg_checks() -> None:
    out = io.BytesIO()
    Image.fromarray(photo()).save(out, "PNG")
    findings = check_sample(Sample("x", "card", 0, out.getvalue(), filename="upload.png"))
    assert by_code(findings, "JPEG_RESAVED_BY_EDITOR") is None
    assert by_code(findings, "JPEG_DOUBLE_COMPRESSED") is None
