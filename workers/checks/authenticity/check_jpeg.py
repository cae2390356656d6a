"""JPEG-structure checks: re-saved by an editor (tables, markers) and compressed twice (periodic DCT
histograms)."""

from __future__ import annotations

from workers.checks.authenticity.check_metadata import RESUBMIT_ORIGINAL
from workers.checks.authenticity.jpeg import (
    HISTOGRAM_LOW,
    block_dct,
    double_compression_periodicity,
    estimate_quality,
)
from workers.checks.authenticity.views import jpeg_structure, metadata
from workers.checks.context import DocumentContext
from workers.checks.files.signals import camera_name
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck

# Phone camera apps encode at quality 90-97 (libjpeg scale; Pixel and Galaxy 95, iPhone about 92, most Android
# 90-95). A file that still carries a camera's make but was encoded below 85 was written again by something
# else: an editor's export or an app's "save". 85 leaves a margin below the lowest camera setting we know.
MIN_CAMERA_QUALITY = 85
# Median spectral peak of the quantized DCT histograms: single-compressed generated photos measure 1.9-2.6,
# double-compressed ones (a first save coarser than the last) 3.16-5.80; docs/calibration/authenticity.md.
MAX_PERIODICITY = 3.0


def resaved_by_editor(ctx: DocumentContext) -> Outcome | None:
    structure = jpeg_structure(ctx.capture)
    if structure is None or 0 not in structure.tables:
        return None
    quality, distance = estimate_quality(structure.tables[0])
    described = f"quality {quality}" if distance == 0 else f"custom tables near quality {quality}"
    marker = "Adobe APP14" if structure.adobe_app14 else "Photoshop APP13" if structure.photoshop_app13 else None
    if marker is not None:
        return Outcome(
            status=Status.REVIEW,
            message=f"The JPEG was written by Adobe software ({marker} marker, {described}), not a camera.",
            measured=marker,
            threshold="no editor encoder marker",
            unit="jpeg_marker",
        )
    has_camera = camera_name(ctx.capture.exif) is not None  # the one answer, files.signals.camera_name
    if has_camera and distance == 0 and quality < MIN_CAMERA_QUALITY:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"The photo carries a camera's metadata but was re-encoded at quality {quality} with "
                f"standard library tables (cameras save at {MIN_CAMERA_QUALITY} or more): "
                "it was saved again by an app."
            ),
            measured=quality,
            threshold=MIN_CAMERA_QUALITY,
            unit="jpeg_quality",
        )
    return Outcome(
        status=Status.PASS,
        message=f"The JPEG tables look like a camera's or a plain save ({described}; a camera's photo re-encoded "
        f"under quality {MIN_CAMERA_QUALITY} would be flagged).",
        measured=quality,
        threshold=MIN_CAMERA_QUALITY,
        unit="jpeg_quality",
    )


def double_compressed(ctx: DocumentContext) -> Outcome | None:
    structure = jpeg_structure(ctx.capture)
    if structure is None or 0 not in structure.tables:
        return None
    orientation = metadata(ctx.capture).ifd0.get(0x0112, 1)
    if orientation not in (None, 1):
        return None  # the upright pixels no longer sit on the file's 8x8 grid
    coefficients = block_dct(ctx.capture.gray, low=HISTOGRAM_LOW)
    score = double_compression_periodicity(coefficients, structure.tables[0])
    if score > MAX_PERIODICITY:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"The JPEG was compressed twice (histogram periodicity {score:.1f}, single saves stay under "
                f"{MAX_PERIODICITY:.1f}): it was opened and saved again after the first save."
            ),
            measured=round(score, 2),
            threshold=MAX_PERIODICITY,
            unit="dct_histogram_periodicity",
        )
    return Outcome(
        status=Status.PASS,
        message=f"No sign of a second compression (periodicity {score:.1f}, limit {MAX_PERIODICITY:.1f}).",
        measured=round(score, 2),
        threshold=MAX_PERIODICITY,
        unit="dct_histogram_periodicity",
    )


JPEG_RESAVED_BY_EDITOR = DocumentCheck(
    code="JPEG_RESAVED_BY_EDITOR",
    summary="The JPEG encoding is an editor's (Adobe markers) or a re-save below camera quality.",
    remediation=RESUBMIT_ORIGINAL,
    threshold_source="Adobe APP13/APP14 markers are written only by Adobe software; quality 85: below every "
    "phone camera "
    "app's setting (90-97).",
    roles=ALL_ROLES,
    evaluate=resaved_by_editor,
    needs_pixels=False,
)

JPEG_DOUBLE_COMPRESSED = DocumentCheck(
    code="JPEG_DOUBLE_COMPRESSED",
    summary="The JPEG shows the periodic DCT histograms of a second compression.",
    remediation=RESUBMIT_ORIGINAL,
    threshold_source="Periodicity 3.0 from the generated set (docs/calibration/authenticity.md).",
    roles=ALL_ROLES,
    evaluate=double_compressed,
)


CHECKS = [
    JPEG_RESAVED_BY_EDITOR,
    JPEG_DOUBLE_COMPRESSED,
]
