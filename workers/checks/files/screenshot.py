"""Is this a screenshot rather than a camera photo? Several weak signals, reported together as a review."""

from __future__ import annotations

from workers.checks.context import DocumentContext
from workers.checks.files.signals import (
    PHONE_SCREEN_MAX_ASPECT,
    PHONE_SCREEN_MIN_ASPECT,
    aspect_ratio,
    camera_name,
    has_phone_screen_aspect,
    is_screen_sized,
    screenshot_marker,
)
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck


def screenshot_signals(doc: DocumentContext) -> tuple[str | None, list[str]]:
    """(camera name from EXIF or None, the screen signals that fired, in words)."""
    capture = doc.capture
    width, height = capture.width, capture.height
    fmt = capture.header[0]
    camera = camera_name(capture.exif)
    signals: list[str] = []
    marker = screenshot_marker(capture.exif, capture.info)
    if marker is not None:
        signals.append(f"the metadata ({marker}) says it is a screenshot")
    if is_screen_sized(width, height):
        signals.append(f"its size {width} x {height} is exactly a common screen resolution")
    if fmt == "PNG" and has_phone_screen_aspect(width, height):
        signals.append(
            f"it is a PNG with a phone screen's shape ({aspect_ratio(width, height):.2f}:1), which phone "
            "cameras do not produce (they save JPEG or HEIC)"
        )
    return camera, signals


def _screenshot_suspected(doc: DocumentContext) -> Outcome:
    camera, signals = screenshot_signals(doc)
    # A camera's Make/Model outweighs the size signals (some cameras shoot 16:9 at screen sizes); only an
    # explicit screenshot marker in the metadata still counts then.
    fired = signals if camera is None else [s for s in signals if s.startswith("the metadata")]
    if fired:
        evidence = ([] if camera else ["it carries no camera EXIF (Make/Model)"]) + fired
        return Outcome(
            status=Status.REVIEW,
            message="This looks like a screenshot, not a camera photo: " + "; ".join(evidence) + ".",
            measured=len(evidence),
            threshold=2,
            unit="signals",
        )
    origin = f"camera EXIF says {camera}" if camera else "no screen-sized dimensions or screenshot markers"
    return Outcome(
        status=Status.PASS,
        message=f"No sign of a screenshot ({origin}).",
        measured=0,
        threshold=2,
        unit="signals",
    )


FILE_SCREENSHOT_SUSPECTED = DocumentCheck(
    code="FILE_SCREENSHOT_SUSPECTED",
    summary="The image looks like a screenshot (no camera EXIF, a screen's exact size, a phone-shaped PNG).",
    remediation=(
        "Photograph the original document with the phone's camera app and send that photo; do not send a "
        "screenshot of a photo, a scan or a web page."
    ),
    threshold_source=(
        "Review when there is no camera Make/Model in EXIF and at least one screen signal fires: exact size "
        "of a common phone, tablet or desktop screen (workers/checks/files/screens.py), a PNG with a phone "
        f"screen's {PHONE_SCREEN_MIN_ASPECT}-{PHONE_SCREEN_MAX_ASPECT}:1 shape, or a 'Screenshot' metadata "
        "marker (which alone suffices)."
    ),
    roles=ALL_ROLES,
    evaluate=_screenshot_suspected,
)
