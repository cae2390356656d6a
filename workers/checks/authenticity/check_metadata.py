"""Metadata checks: an editor named in the file, re-saved after capture, a stale thumbnail, camera fields
gone."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from workers.checks.authenticity import metadata as md
from workers.checks.authenticity.views import metadata
from workers.checks.capture import exif_orientation, turn_upright
from workers.checks.context import DocumentContext
from workers.checks.files.signals import camera_name
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck

RESUBMIT_ORIGINAL = (
    "Take a new photo with the phone's own camera app, with every filter, beauty or retouch mode off, "
    "and upload "
    "that original file without opening it in any editing app."
)

# Camera apps stamp DateTime and DateTimeOriginal at the same moment (equal to the second on every phone file
# we know); 60 s leaves room for clocks written at different pipeline stages. A later DateTime means the file
# was saved again afterwards.
MAX_MODIFY_DELAY_S = 60.0
# Mean absolute grey difference (0-255) on the 8x8 cell where thumbnail and image differ most. Generated set:
# a fresh thumbnail differs by 2.2-2.5 (JPEG and resampling), one left from before a portrait swap by 62; 15
# leaves room for cameras whose thumbnail resizer differs from ours (docs/calibration/authenticity.md).
THUMBNAIL_MAX_CELL_DIFF = 15.0
# Tags that say nothing about the camera (layout, resolution, pointers): their presence alone is not "others
# remain".
STRUCTURAL_TAGS = frozenset({0x0112, 0x011A, 0x011B, 0x0128, 0x0213, 0x8769, 0x8825, 0xA001, 0xA002, 0xA003})
# The capture record only a camera writes (EXIF 2.32 sub-IFD): exposure time, f-number, ISO, exposure program,
# shutter speed, aperture, brightness, exposure bias, max aperture, subject distance, metering, flash, focal
# length, sensing method, exposure mode, white balance, digital zoom, 35 mm focal length, scene type, lens make
# and model. Where it survives without Make and Model, those were removed. Software, DateTime and resolution
# are written by any editor, scanner or screenshot tool (the corpus's scans and screen grabs keep only
# Software "Paint.NET", "Adobe Photoshop CS4", "Snipaste" and a date): they are no sign of a camera.
CAPTURE_RECORD_TAGS = frozenset(
    {
        *(0x829A, 0x829D, 0x8822, 0x8827),
        *(0x9201, 0x9202, 0x9203, 0x9204, 0x9205, 0x9206, 0x9207, 0x9209, 0x920A),
        *(0xA217, 0xA402, 0xA403, 0xA404, 0xA405, 0xA406, 0xA433, 0xA434),
    }
)


def software_tag(ctx: DocumentContext) -> Outcome | None:
    if not ctx.capture.data:
        return None  # FILE_MISSING reports it: an empty file names nothing
    fields = metadata(ctx.capture).software_fields
    for where, value in fields:
        entry = md.name_editor(value)
        if entry is not None:
            kind = "a photo editor" if entry.kind == "editor" else "a filter / beauty app"
            return Outcome(
                status=Status.FAIL,
                message=f"The file was saved by {kind}: {where} names {entry.name}.",
                measured=entry.name,
                threshold="no editor or filter app named",
                unit="software",
            )
    return Outcome(
        status=Status.PASS,
        message=f"No editor or filter app is named in the metadata ({len(fields)} software field(s) read).",
        measured=len(fields),
        unit="software_fields",
    )


def dates_inconsistent(ctx: DocumentContext) -> Outcome | None:
    meta = metadata(ctx.capture)
    modified = md.parse_exif_datetime(meta.ifd0.get(md.TAG_DATETIME))
    taken = md.parse_exif_datetime(meta.exif_ifd.get(md.TAG_DATETIME_ORIGINAL))
    if modified is None or taken is None:
        return None
    delay = (modified - taken).total_seconds()
    if delay > MAX_MODIFY_DELAY_S:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"The file was modified {delay / 3600:.1f} h after the photo was taken "
                f"(allowed {MAX_MODIFY_DELAY_S:.0f} s): it was saved again, possibly edited."
            ),
            measured=round(delay, 1),
            threshold=MAX_MODIFY_DELAY_S,
            unit="seconds",
        )
    return Outcome(
        status=Status.PASS,
        message=f"The modification date matches the capture date ({delay:.0f} s apart, allowed "
        f"{MAX_MODIFY_DELAY_S:.0f} s).",
        measured=round(delay, 1),
        threshold=MAX_MODIFY_DELAY_S,
        unit="seconds",
    )


def _thumbnail_difference(ctx: DocumentContext, thumb_bytes: bytes) -> float | None:
    """Largest mean grey difference over an 8x8 grid between the EXIF thumbnail and the image shrunk to it."""
    try:
        with Image.open(io.BytesIO(thumb_bytes)) as thumb_img:
            gray = thumb_img.convert("L")
    except Exception:  # an unreadable thumbnail is no evidence either way
        return None
    # The thumbnail is stored unrotated, like the main image; turn it upright the same way the Capture did.
    gray = turn_upright(gray, exif_orientation(ctx.capture.exif))
    thumb = np.asarray(gray, dtype=np.float32)
    th, tw = thumb.shape
    view = ctx.capture.downscaled(max(th, tw) * 4, gray=True)
    image = cv2.resize(view, (tw, th), interpolation=cv2.INTER_AREA).astype(np.float32)
    diff = np.abs(cv2.GaussianBlur(thumb, (3, 3), 0) - cv2.GaussianBlur(image, (3, 3), 0))
    cells = cv2.resize(diff, (8, 8), interpolation=cv2.INTER_AREA)
    return float(cells.max())


def thumbnail_mismatch(ctx: DocumentContext) -> Outcome | None:
    thumb = metadata(ctx.capture).thumbnail
    if thumb is None:
        return None
    diff = _thumbnail_difference(ctx, thumb)
    if diff is None:
        return None
    if diff > THUMBNAIL_MAX_CELL_DIFF:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"The preview stored in the file differs from the image (difference {diff:.0f}, allowed "
                f"{THUMBNAIL_MAX_CELL_DIFF:.0f}): the picture was changed after the photo was taken."
            ),
            measured=round(diff, 1),
            threshold=THUMBNAIL_MAX_CELL_DIFF,
            unit="mean_abs_grey_difference",
        )
    return Outcome(
        status=Status.PASS,
        message=f"The preview stored in the file matches the image (difference {diff:.1f}, allowed "
        f"{THUMBNAIL_MAX_CELL_DIFF:.0f}).",
        measured=round(diff, 1),
        threshold=THUMBNAIL_MAX_CELL_DIFF,
        unit="mean_abs_grey_difference",
    )


def camera_fields_stripped(ctx: DocumentContext) -> Outcome | None:
    meta = metadata(ctx.capture)
    informative = [t for t in (*meta.ifd0, *meta.exif_ifd) if t not in STRUCTURAL_TAGS]
    if not informative:
        return None  # no EXIF worth the name: the file checks judge files without metadata
    capture_record = [t for t in meta.exif_ifd if t in CAPTURE_RECORD_TAGS]
    # "Was a camera named?" has one answer in the engine (files.signals.camera_name), shared with the file checks.
    has_camera = camera_name(ctx.capture.exif) is not None
    if has_camera:
        return Outcome(
            status=Status.PASS,
            message=f"The camera make and model are present in the metadata ({len(capture_record)} capture-record "
            "fields with them).",
            measured=len(capture_record),
            unit="capture_record_fields",
        )
    if not capture_record:
        return Outcome(
            status=Status.PASS,
            message=(
                f"The file's {len(informative)} metadata field(s) hold no camera capture record (exposure, "
                "aperture, focal length): no camera wrote it, so no camera field was removed."
            ),
            measured=0,
            threshold="camera make or model present wherever a capture record is",
            unit="capture_record_fields",
        )
    return Outcome(
        status=Status.REVIEW,
        message=(
            f"The file keeps {len(capture_record)} camera capture field(s) (exposure, aperture, focal length) "
            "but the camera make and model were removed, as editing and export tools do."
        ),
        measured=len(capture_record),
        threshold="camera make or model present wherever a capture record is",
        unit="capture_record_fields",
    )


EDIT_SOFTWARE_TAG = DocumentCheck(
    code="EDIT_SOFTWARE_TAG",
    summary="The file's metadata names a photo editor or a filter / beauty app.",
    remediation=RESUBMIT_ORIGINAL,
    threshold_source="Any match against the editor and filter-app list in "
    "workers/checks/data/authenticity_software.toml "
    "(EXIF Software/ProcessingSoftware, XMP CreatorTool and History, IPTC 2:65, PNG Software).",
    roles=ALL_ROLES,
    evaluate=software_tag,
    needs_pixels=False,
)

EDIT_DATES_INCONSISTENT = DocumentCheck(
    code="EDIT_DATES_INCONSISTENT",
    summary="The file was modified after the photo was taken (DateTime later than DateTimeOriginal).",
    remediation=RESUBMIT_ORIGINAL,
    threshold_source="60 s: camera apps write both timestamps at capture time; the margin covers pipeline stages.",
    roles=ALL_ROLES,
    evaluate=dates_inconsistent,
    needs_pixels=False,
)

EDIT_THUMBNAIL_MISMATCH = DocumentCheck(
    code="EDIT_THUMBNAIL_MISMATCH",
    summary="The preview (EXIF thumbnail) stored in the file shows a different picture than the image.",
    remediation=RESUBMIT_ORIGINAL,
    threshold_source="Largest 8x8-cell grey difference 15 (docs/calibration/authenticity.md).",
    roles=ALL_ROLES,
    evaluate=thumbnail_mismatch,
)

EDIT_CAMERA_FIELDS_STRIPPED = DocumentCheck(
    code="EDIT_CAMERA_FIELDS_STRIPPED",
    summary="The camera make and model were removed while the camera's capture record remains.",
    remediation=RESUBMIT_ORIGINAL,
    threshold_source="Rule: camera apps always write Make/Model beside the capture record (exposure, aperture, focal "
    "length; EXIF 2.32 recommends them for cameras): a capture record without them was stripped.",
    roles=ALL_ROLES,
    evaluate=camera_fields_stripped,
    needs_pixels=False,
)


CHECKS = [
    EDIT_SOFTWARE_TAG,
    EDIT_DATES_INCONSISTENT,
    EDIT_THUMBNAIL_MISMATCH,
    EDIT_CAMERA_FIELDS_STRIPPED,
]
