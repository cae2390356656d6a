"""Are there enough pixels to read the document (or see the face)?"""

from __future__ import annotations

from workers.checks.context import DocumentContext
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck
from workers.checks.words import role_words, with_article

# Minimum short side in pixels, by role. Measured (bench/files_ocr_size.py, docs/calibration/files.md):
# RapidOCR reads every MRZ line of a frame-filling card or passport page, slightly blurred, noisy and re-saved
# as JPEG 75, from a short side of 250 px (TD1 card: 200 px), i.e. with capitals about 7 px tall; at 150 px
# it reads none. Each minimum keeps text at least 1.5 times that limit when the document fills only half the
# frame, as hand-held photos do.
# ID document, 600 px: an ID-1 card (85.60 x 53.98 mm) filling the frame gets 11 px/mm, so its MRZ characters
# (OCR-B size I, ICAO 9303: 2.54 mm pitch, about 2 mm tall) are ~22 px tall; filling half the frame, ~11 px.
# Selfie, 480 px: VGA, the smallest front-camera resolution in use; a face filling a third of the frame is
# then 160 px tall, twice the 80 px window of the face detector (dlib's HOG frontal detector).
# A4 pages, 1000 px: across the page's 210 mm that is 4.8 px/mm, so 10-point body text (capitals ~2.5 mm) is
# ~12 px tall, 1.7 times the read limit (A4 pages are photographed filling more of the frame than cards).
MIN_SHORT_SIDE: dict[Role, int] = {
    Role.ID_DOCUMENT: 600,
    Role.SELFIE: 480,
    Role.PROOF_OF_ADDRESS: 1000,
    Role.BUSINESS_REGISTRATION: 1000,
    Role.AUTHORIZATION_LETTER: 1000,
}

_WHY: dict[Role, str] = {
    Role.ID_DOCUMENT: "so that the machine-readable zone and printed fields are large enough to read",
    Role.SELFIE: "so that the face is large enough to compare with the ID photo",
    Role.PROOF_OF_ADDRESS: "so that the name, address and date on the page are large enough to read",
    Role.BUSINESS_REGISTRATION: "so that the company details on the page are large enough to read",
    Role.AUTHORIZATION_LETTER: "so that the text and signature on the page are large enough to read",
}


def _image_too_small(doc: DocumentContext) -> Outcome:
    width, height = doc.capture.width, doc.capture.height
    short_side = min(width, height)
    minimum = MIN_SHORT_SIDE[doc.role]
    if short_side < minimum:
        photo = with_article(role_words(doc.role))
        return Outcome(
            status=Status.FAIL,
            message=f"The image is {width} x {height} pixels; {photo} photo needs at least {minimum} pixels "
            f"on its short side {_WHY[doc.role]}.",
            measured=short_side,
            threshold=minimum,
            unit="px",
        )
    return Outcome(
        status=Status.PASS,
        message=f"The image is {width} x {height} pixels (short side {short_side}, minimum {minimum}).",
        measured=short_side,
        threshold=minimum,
        unit="px",
    )


IMAGE_TOO_SMALL = DocumentCheck(
    code="IMAGE_TOO_SMALL",
    summary="The image has too few pixels for its text (or the face) to be read.",
    remediation=(
        "Take the photo with the phone's camera at its normal resolution, with the document filling most of "
        "the frame; do not send a thumbnail or a photo shrunk by a messaging app."
    ),
    threshold_source=(
        "Short side in pixels, by role. Measured: OCR reads a frame-filling, lightly degraded MRZ from a "
        "250 px short side (capitals ~7 px) and none at 150 px (bench/files_ocr_size.py). ID document 600: "
        "MRZ capitals ~22 px with the card filling the frame, ~11 px filling half of it. Selfie 480: VGA; a "
        "face a third of the frame is 160 px, twice dlib's 80 px detector window. A4 pages 1000: 10-point "
        "capitals ~12 px. Details: docs/calibration/files.md."
    ),
    roles=ALL_ROLES,
    evaluate=_image_too_small,
)
