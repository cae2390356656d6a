"""Screen-capture check: a screenshot's exact screen size and flat UI bars, beyond the file-type checks."""

from __future__ import annotations

from workers.checks.authenticity import metadata as md
from workers.checks.authenticity.screen import is_screen_size, ui_bar_score
from workers.checks.authenticity.views import metadata, polygon
from workers.checks.context import DocumentContext
from workers.checks.model import Outcome, Region, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck

# A status bar is ~24 dp of a ~800 dp tall phone screen (3 %), a navigation bar ~48 dp (6 %); 2.5 % of the
# height stays inside either bar on every phone layout.
BAR_FRACTION = 0.025
# Share of the bar at one exact grey value: rendered bars measure >= 0.9, camera photos (sensor noise) < 0.5
# (generated calibration set); 0.75 sits between.
MIN_BAR_FLATNESS = 0.75


def screen_capture(ctx: DocumentContext) -> Outcome:
    cap = ctx.capture
    gray = cap.gray
    band = max(4, int(cap.height * BAR_FRACTION))
    top, bottom = ui_bar_score(gray[:band]), ui_bar_score(gray[-band:])
    has_camera = md.TAG_MAKE in metadata(cap).ifd0
    evidence: list[str] = []
    region: Region | None = None
    # The exact size of a screen is the primary evidence: flat bands alone also occur on scans with white
    # margins, so a bar only adds to a screen size.
    if is_screen_size(cap.width, cap.height) and not has_camera:
        evidence.append(f"the exact size of a screen ({cap.width}x{cap.height})")
        if top >= MIN_BAR_FLATNESS:
            evidence.append("a status bar at the top")
            region = Region(polygon=polygon(0, 0, cap.width, band))
        if bottom >= MIN_BAR_FLATNESS:
            evidence.append("a navigation bar at the bottom")
            region = region or Region(polygon=polygon(0, cap.height - band, cap.width, cap.height))
    measured = round(max(top, bottom), 3)
    if evidence:
        # A screen size and a UI bar together: certain enough for the provider to reject it.
        status = Status.FAIL if len(evidence) >= 2 else Status.REVIEW
        return Outcome(
            status=status,
            message=f"This looks like a screenshot, not a photo: {' and '.join(evidence)}.",
            measured=measured,
            threshold=MIN_BAR_FLATNESS,
            unit="ui_bar_flatness",
            region=region,
        )
    return Outcome(
        status=Status.PASS,
        message="No sign of a screen capture (no UI bars, not a screen size).",
        measured=measured,
        threshold=MIN_BAR_FLATNESS,
        unit="ui_bar_flatness",
    )


CHECKS = [
    DocumentCheck(
        code="SCREEN_CAPTURE_UI",
        summary="The image is a screenshot: the exact size of a screen, with flat UI bars at its edges.",
        remediation=(
            "Do not upload a screenshot. Photograph the document itself with the phone's camera app and "
            "upload "
            "that photo."
        ),
        threshold_source=(
            "Bar flatness 0.75 from the generated calibration set; screen sizes from "
            "workers/checks/data/authenticity_screens.toml (manufacturers' display resolutions)."
        ),
        roles=ALL_ROLES,
        evaluate=screen_capture,
    ),
]
