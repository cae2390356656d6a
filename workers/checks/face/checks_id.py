"""On the ID document: is there a portrait to compare the selfie with?"""

from __future__ import annotations

from workers.checks import moot
from workers.checks.context import DocumentContext
from workers.checks.face import views
from workers.checks.face.outcome import face_region, frame_region
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import DocumentCheck


def _portrait(doc: DocumentContext) -> Outcome:
    portraits = views.id_portraits(doc.capture)
    if portraits:
        return Outcome(
            status=Status.PASS,
            message=f"The ID shows a portrait ({len(portraits)} found, at least 1 needed).",
            measured=len(portraits),
            threshold=1,
            unit="faces",
            region=face_region(portraits[0]),
        )
    return Outcome(
        status=Status.FAIL,
        message="No portrait was found on the ID document (at least 1 needed).",
        measured=0,
        threshold=1,
        unit="faces",
        region=frame_region(doc),
    )


ID_PORTRAIT_MISSING = DocumentCheck(
    code="ID_PORTRAIT_MISSING",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The ID document shows the holder's portrait.",
    remediation="Photograph the side of your ID that shows your photo, with the photo uncovered and free of glare.",
    threshold_source=(
        "docs/calibration/face.md: dlib detector on the ID at 1200 px (the whole image, else the document's box "
        "when it lies inside the frame), margin > -0.2"
    ),
    roles=frozenset({Role.ID_DOCUMENT}),
    evaluate=_portrait,
)


CHECKS = [
    ID_PORTRAIT_MISSING,
]
