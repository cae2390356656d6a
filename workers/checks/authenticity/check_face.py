"""Beauty-filter check: the face's skin far smoother than the rest of the image at the same scale."""

from __future__ import annotations

from workers.checks.authenticity.check_local import REVIEW_HINT
from workers.checks.authenticity.check_metadata import RESUBMIT_ORIGINAL
from workers.checks.authenticity.noise import box_noise
from workers.checks.authenticity.views import faces, has_camera_grain, image_grain, noise_view, polygon
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


CHECKS = [
    BEAUTY_FILTER,
]

__all__ = ["CHECKS", "REVIEW_HINT"]
