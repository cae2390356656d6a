"""Beauty-filter check: the face's skin far smoother than the rest of the image at the same scale."""

from __future__ import annotations

from workers.checks.authenticity.check_local import REVIEW_HINT
from workers.checks.authenticity.check_metadata import RESUBMIT_ORIGINAL
from workers.checks.authenticity.noise import MAD_TO_SIGMA, box_noise, diagonal_detail
from workers.checks.authenticity.views import faces, noise_maps, noise_view, polygon
from workers.checks.context import DocumentContext
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Region, Status
from workers.checks.spec import DocumentCheck

import numpy as np

# Skin noise / image noise. Calibration (docs/calibration/authenticity.md): untouched generated photos 0.6-1.4,
# skin smoothed by a beauty filter (bilateral / blur) below 0.3; 0.4 sits between with margin on both sides.
MIN_SKIN_NOISE_RATIO = 0.4


def beauty_filter(ctx: DocumentContext) -> Outcome | None:
    found = faces(ctx.capture)
    if not found:
        return None
    view = noise_view(ctx.capture)
    factor = view.shape[1] / ctx.capture.width
    x, y, w, h = (v * factor for v in found[0])
    # Cheeks and nose: below the eyes, above the mouth, inside the jaw line.
    skin = (int(x + 0.22 * w), int(y + 0.45 * h), int(x + 0.78 * w), int(y + 0.72 * h))
    skin_noise = box_noise(view, skin)
    sigma, means = noise_maps(ctx.capture)
    usable = (means > 12) & (means < 243)
    image_noise = float(np.median(sigma[usable])) if usable.any() else float(
        np.median(np.abs(diagonal_detail(view))) * MAD_TO_SIGMA
    )
    if image_noise < 0.5:
        return None  # no measurable grain anywhere: nothing to compare the skin with
    ratio = skin_noise / image_noise
    fx, fy, fw, fh = found[0]
    if ratio < MIN_SKIN_NOISE_RATIO:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"The face's skin is much smoother than the rest of the image (grain ratio {ratio:.2f}, expected "
                f"at least {MIN_SKIN_NOISE_RATIO}): a beauty or retouch filter was probably on."
            ),
            measured=round(ratio, 3),
            threshold=MIN_SKIN_NOISE_RATIO,
            unit="noise_ratio",
            region=Region(polygon=polygon(fx, fy, fx + fw, fy + fh)),
        )
    return Outcome(
        status=Status.PASS,
        message=f"The face's skin has the same grain as the rest of the image (ratio {ratio:.2f}).",
        measured=round(ratio, 3),
        threshold=MIN_SKIN_NOISE_RATIO,
        unit="noise_ratio",
    )


CHECKS = [
    DocumentCheck(
        code="BEAUTY_FILTER",
        summary="The face's skin is far smoother than the rest of the image (a beauty or retouch filter).",
        remediation=RESUBMIT_ORIGINAL,
        threshold_source="Skin/image noise ratio 0.4 from the generated calibration set.",
        roles=frozenset({Role.SELFIE, Role.ID_DOCUMENT}),
        evaluate=beauty_filter,
    ),
]

__all__ = ["CHECKS", "REVIEW_HINT"]
