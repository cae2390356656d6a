"""Screen-capture check: the rendered UI bars of a phone or desktop at a screen's exact size."""

from __future__ import annotations

from workers.checks.authenticity.views import polygon
from workers.checks.context import DocumentContext
from workers.checks.files.screen_evidence import BAR_FRACTION, MIN_BAR_FLATNESS, screen_evidence
from workers.checks.model import Outcome, Region, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck

_BAR_NAMES = {"top": "a status bar at the top", "bottom": "a navigation bar at the bottom"}


def _bar_region(edge: str, width: int, height: int) -> Region:
    band = max(4, int(max(width, height) * BAR_FRACTION))
    boxes = {
        "top": (0, 0, width, band),
        "bottom": (0, height - band, width, height),
        "left": (0, 0, band, height),
        "right": (width - band, 0, width, height),
    }
    return Region(polygon=polygon(*boxes[edge]))


def screen_capture(ctx: DocumentContext) -> Outcome:
    cap = ctx.capture
    evidence = screen_evidence(cap)
    if evidence.has_ui_bars:
        bars = [_BAR_NAMES.get(edge, f"a UI bar along the {edge} edge") for edge in evidence.bars]
        return Outcome(
            status=Status.FAIL,
            message=f"This is a screenshot, not a photo: the exact size of a screen ({cap.width}x{cap.height}) "
            f"with {' and '.join(bars)} ({evidence.bar_flatness:.0%} flat, a bar is {MIN_BAR_FLATNESS:.0%} or "
            "more), and no camera EXIF.",
            measured=evidence.bar_flatness,
            threshold=MIN_BAR_FLATNESS,
            unit="ui_bar_flatness",
            region=_bar_region(evidence.bars[0], cap.width, cap.height),
        )
    return Outcome(
        status=Status.PASS,
        # Only what this check looked at: whether the file as a whole is a screenshot is FILE_SCREENSHOT_SUSPECTED's
        # finding (the same screen_evidence), which this pass must not seem to contradict.
        message=f"No screen UI bar (status, navigation or title bar) along the image's edges (flattest edge band "
        f"{evidence.bar_flatness:.0%} flat, a bar is {MIN_BAR_FLATNESS:.0%} or more).",
        measured=evidence.bar_flatness,
        threshold=MIN_BAR_FLATNESS,
        unit="ui_bar_flatness",
    )


SCREEN_CAPTURE_UI = DocumentCheck(
    code="SCREEN_CAPTURE_UI",
    summary="The image is a screenshot: the exact size of a screen, with flat UI bars at its edges.",
    remediation="Do not upload a screenshot. Photograph the document itself with the phone's camera app and "
    "upload that photo.",
    threshold_source="Bar flatness 0.75: rendered bars >= 0.9 (the corpus's phone-app screenshot 0.98), the 80 real "
    "phone video frames of the corpus <= 0.55; screen sizes from workers/checks/files/screens.py. "
    "A screen size alone (video frames have one) is not evidence.",
    roles=ALL_ROLES,
    evaluate=screen_capture,
)


CHECKS = [
    SCREEN_CAPTURE_UI,
]
