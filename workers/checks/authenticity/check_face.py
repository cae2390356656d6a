"""Edits of a face: the skin far smoother than the rest of the image at the same scale (a beauty filter), an ID
portrait pixelated (a mosaic over it)."""

from __future__ import annotations

from workers.checks import moot
from workers.checks.authenticity.check_local import REVIEW_HINT
from workers.checks.authenticity.check_metadata import RESUBMIT_ORIGINAL
from workers.checks.authenticity.mosaic import pixelation
from workers.checks.authenticity.noise import box_noise
from workers.checks.authenticity.views import box_region, faces, has_camera_grain, image_grain, noise_view, polygon
from workers.checks.context import DocumentContext
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Region, Status
from workers.checks.spec import DocumentCheck

# Skin noise / image noise floor. Calibration (docs/calibration/authenticity.md, 20 seeds): untouched selfies
# 1.34-1.46, skin smoothed by a beauty filter (bilateral + blur) 0.29-0.43; 0.7 sits between (geometric mean).
MIN_SKIN_NOISE_RATIO = 0.7


def beauty_filter(ctx: DocumentContext) -> Outcome | None:
    found = faces(ctx.capture, ctx.spec.role)
    if not found:
        return None
    view = noise_view(ctx.capture)
    factor = view.shape[1] / ctx.capture.width
    x, y, w, h = (v * factor for v in found[0])
    # Cheeks and nose: below the eyes, above the mouth, inside the jaw line.
    skin = (int(x + 0.22 * w), int(y + 0.45 * h), int(x + 0.78 * w), int(y + 0.72 * h))
    skin_noise = box_noise(view, skin)
    if not has_camera_grain(ctx.capture):
        return None  # no measurable grain anywhere: nothing to compare the skin with
    ratio = skin_noise / image_grain(ctx.capture)
    fx, fy, fw, fh = found[0]
    if ratio < MIN_SKIN_NOISE_RATIO:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"The face's skin is much smoother than the rest of the image "
                f"(grain ratio {ratio:.2f}, expected "
                f"at least {MIN_SKIN_NOISE_RATIO}): a beauty or retouch filter was probably on."
            ),
            measured=round(ratio, 3),
            threshold=MIN_SKIN_NOISE_RATIO,
            unit="noise_ratio",
            region=Region(polygon=polygon(fx, fy, fx + fw, fy + fh)),
        )
    return Outcome(
        status=Status.PASS,
        message=f"The face's skin has the same grain as the rest of the image (ratio {ratio:.2f}, at least "
        f"{MIN_SKIN_NOISE_RATIO} expected).",
        measured=round(ratio, 3),
        threshold=MIN_SKIN_NOISE_RATIO,
        unit="noise_ratio",
    )


BEAUTY_FILTER = DocumentCheck(
    code="BEAUTY_FILTER",
    summary="The face's skin is far smoother than the rest of the image (a beauty or retouch filter).",
    remediation=RESUBMIT_ORIGINAL,
    threshold_source="Skin / image noise-floor ratio 0.7 from the generated calibration set.",
    roles=frozenset({Role.SELFIE}),
    evaluate=beauty_filter,
)


# Grid contrast of the portrait (mosaic.pixelation). Chosen on the real corpus's calibration half
# (bench/calibrate_pixelated.py, docs/calibration/authenticity.md, "Pixelated portraits"): the 73 portraits
# found on its identity documents read 1.13-1.68 as stored; the same portraits pixelated 12 and 20 blocks across
# (softened by a sixth of a block, JPEG re-saved) read up to 4.65, 86 of 126 above 2.0. 2.0 sits 1.2x above the
# highest stored portrait (check half, held out: stored 1.13-1.73, its two pixelated demo passports 2.67, 4.01).
MAX_PORTRAIT_PIXELATION = 2.0


def portrait_pixelated(ctx: DocumentContext) -> Outcome | None:
    found = faces(ctx.capture, ctx.spec.role)
    if not found:
        return None
    x, y, w, h = (round(v) for v in found[0])
    portrait = ctx.capture.gray[max(0, y) : y + h, max(0, x) : x + w]
    contrast = pixelation(portrait)
    if contrast > MAX_PORTRAIT_PIXELATION:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"The portrait is made of square blocks of one colour each (grid contrast {contrast:.2f}, limit "
                f"{MAX_PORTRAIT_PIXELATION}): it was pixelated."
            ),
            measured=round(contrast, 2),
            threshold=MAX_PORTRAIT_PIXELATION,
            unit="grid_contrast",
            region=box_region(ctx.capture, x, y, x + w, y + h),
        )
    return Outcome(
        status=Status.PASS,
        message=f"The portrait is not pixelated (grid contrast {contrast:.2f}, limit {MAX_PORTRAIT_PIXELATION}).",
        measured=round(contrast, 2),
        threshold=MAX_PORTRAIT_PIXELATION,
        unit="grid_contrast",
    )


EDIT_PORTRAIT_PIXELATED = DocumentCheck(
    code="EDIT_PORTRAIT_PIXELATED",
    moot_when=moot.PIXELS_TOO_FEW_FOR_FORENSICS,
    summary="The ID document's portrait is pixelated (a mosaic laid over the face).",
    remediation=REVIEW_HINT,
    threshold_source="Grid contrast 2.0: the real corpus's calibration-half portraits read 1.13-1.68, the same "
    "pixelated 12-20 blocks across up to 4.65 (docs/calibration/authenticity.md, bench/calibrate_pixelated.py).",
    roles=frozenset({Role.ID_DOCUMENT}),
    evaluate=portrait_pixelated,
)


CHECKS = [
    BEAUTY_FILTER,
    EDIT_PORTRAIT_PIXELATED,
]

__all__ = ["CHECKS", "REVIEW_HINT"]
