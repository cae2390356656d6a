"""Metadata checks on generated uploads: software names, dates, thumbnails, stripped camera fields."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image

from tests.fixtures.edits import (
    Sample,
    camera_photo,
    check_sample,
    clean,
    pasted_portrait,
    software_tag,
)
from tests.fixtures.jpeg_files import exif_with_thumbnail, jpeg_with_exif, thumbnail_of
from workers.checks.authenticity.metadata import name_editor
from workers.checks.model import Finding, Status


def by_code(findings: list[Finding], code: str) -> Finding | None:
    return next((f for f in findings if f.code == code), None)


@cache
def clean_findings() -> list[Finding]:
    return check_sample(clean("card", 1))


def test_editor_names_come_from_the_data_file() -> None:
    assert name_editor("Adobe Photoshop 25.1 (Windows)") is not None
    assert name_editor("Facetune2") is not None
    assert name_editor("Meitu 9.8") is not None
    assert name_editor("HDR+ 1.0.540104767zd") is None  # a Pixel camera pipeline, not an editor
    assert name_editor("Snowflake Camera") is None  # whole words only


def test_software_tag_fails_when_an_editor_is_named_in_exif_or_xmp() -> None:
    for seed in (1, 2):  # odd seeds write EXIF Software, even seeds XMP CreatorTool
        finding = by_code(check_sample(software_tag("card", seed)), "EDIT_SOFTWARE_TAG")
        assert finding is not None and finding.status is Status.FAIL
        assert finding.remediation and "camera app" in finding.remediation


def test_software_tag_passes_a_camera_original() -> None:
    finding = by_code(clean_findings(), "EDIT_SOFTWARE_TAG")
    assert finding is not None and finding.status is Status.PASS


def _jpeg_with_tags(rgb: np.ndarray, tags: dict[int, str], exif_ifd: dict[int, str | float]) -> bytes:
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[tag] = value
    inner = exif.get_ifd(0x8769)
    for field, entry in exif_ifd.items():
        inner[field] = entry
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def test_modify_date_long_after_capture_is_reviewed() -> None:
    rgb = camera_photo("bill", 3)[:600, :600]
    edited = _jpeg_with_tags(
        rgb,
        {0x010F: "Google", 0x0110: "Pixel 8", 0x0132: "2026:11:22 18:40:00"},
        {0x9003: "2026:11:20 10:15:00"},
    )
    same = _jpeg_with_tags(
        rgb,
        {0x010F: "Google", 0x0110: "Pixel 8", 0x0132: "2026:11:20 10:15:00"},
        {0x9003: "2026:11:20 10:15:00"},
    )
    late = by_code(check_sample(Sample("x", "bill", 3, edited)), "EDIT_DATES_INCONSISTENT")
    ok = by_code(check_sample(Sample("x", "bill", 3, same)), "EDIT_DATES_INCONSISTENT")
    assert late is not None and late.status is Status.REVIEW and late.measured == 203100.0
    assert ok is not None and ok.status is Status.PASS


def test_camera_fields_stripped_while_the_capture_record_remains_is_reviewed() -> None:
    """Make and Model gone while the camera's exposure record stays: someone removed them. A screen grab or a
    scan whose only metadata is its tool's name and a date never had a camera record: nothing was removed."""
    rgb = camera_photo("bill", 4)[:600, :600]
    record: dict[int, str | float] = {
        0x829A: 1 / 120,
        0x829D: 1.8,
        0x8827: 100,
        0x920A: 6.9,
        0x9003: "2026:11:20 10:15:00",
    }
    stripped = _jpeg_with_tags(rgb, {0x0132: "2026:11:20 10:15:00", 0x0131: "Export 1.2"}, record)
    finding = by_code(check_sample(Sample("x", "bill", 4, stripped)), "EDIT_CAMERA_FIELDS_STRIPPED")
    assert finding is not None and finding.status is Status.REVIEW, finding
    assert finding.measured == 4  # exposure time, f-number, ISO, focal length (the date is no capture record)
    grab = _jpeg_with_tags(rgb, {0x0132: "2026:11:20 10:15:00", 0x0131: "Snipaste"}, {})
    tool_only = by_code(check_sample(Sample("x", "bill", 4, grab)), "EDIT_CAMERA_FIELDS_STRIPPED")
    assert tool_only is not None and tool_only.status is Status.PASS, tool_only
    assert "no camera capture record" in tool_only.message
    kept = by_code(clean_findings(), "EDIT_CAMERA_FIELDS_STRIPPED")
    assert kept is not None and kept.status is Status.PASS


def test_stale_thumbnail_is_reviewed_and_a_fresh_one_passes() -> None:
    original = camera_photo("card", 5)
    with Image.open(io.BytesIO(pasted_portrait("card", 5).data)) as img:
        edited = np.asarray(img.convert("RGB"))
    stale = jpeg_with_exif(edited, exif_with_thumbnail(thumbnail_of(original)))
    fresh = jpeg_with_exif(original, exif_with_thumbnail(thumbnail_of(original)))
    bad = by_code(check_sample(Sample("x", "card", 5, stale)), "EDIT_THUMBNAIL_MISMATCH")
    good = by_code(check_sample(Sample("x", "card", 5, fresh)), "EDIT_THUMBNAIL_MISMATCH")
    assert bad is not None and bad.status is Status.REVIEW
    assert good is not None and good.status is Status.PASS
    assert isinstance(bad.measured, float) and isinstance(good.measured, float) and bad.measured > good.measured


def test_files_without_exif_are_not_judged_by_exif_checks() -> None:
    out = io.BytesIO()
    Image.fromarray(camera_photo("bill", 6)[:400, :400]).save(out, "JPEG", quality=90)
    findings = check_sample(Sample("x", "bill", 6, out.getvalue()))
    for code in ("EDIT_DATES_INCONSISTENT", "EDIT_THUMBNAIL_MISMATCH", "EDIT_CAMERA_FIELDS_STRIPPED"):
        assert by_code(findings, code) is None
