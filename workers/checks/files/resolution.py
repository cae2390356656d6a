"""Are there enough pixels to read the document (or see the face)?"""

from __future__ import annotations

from workers.checks.context import DocumentContext
from workers.checks.files.file_type import role_words, with_article
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck

# Minimum short side in pixels, by role, with the reason given to the applicant.
# ID document, 600 px: an ID-1 card (85.60 x 53.98 mm) filling a landscape frame gets 600 / 53.98 = 11 px/mm;
# MRZ characters (OCR-B size I, ICAO 9303: 2.54 mm pitch, about 2 mm tall) come out ~28 px wide and >= 20 px
# tall, the height OCR engines need to tell 0/O, 8/B and 1/I apart. A passport page (88 mm) is larger still.
# Selfie, 480 px: VGA, the smallest front-camera resolution in use; a face filling a third of the frame is
# then 160 px tall, twice the 80 px window of the face detector (dlib's HOG frontal detector).
# A4 pages, 1000 px: across the page's 210 mm that is 4.8 px/mm, so 10-point body text (capitals ~2.5 mm) is
# ~12 px tall, the least at which names, addresses and dates on a bill or certificate still read reliably.
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
        "Short side in pixels, by role: ID document 600 (an ID-1 card filling the frame gets MRZ characters "
        ">= 20 px tall, ICAO 9303 OCR-B size I), selfie 480 (VGA; a face a third of the frame is 160 px, "
        "twice dlib's 80 px detector window), A4 pages 1000 (10-point text ~12 px tall). "
        "Measured OCR read rates by size: docs/calibration/files.md."
    ),
    roles=ALL_ROLES,
    evaluate=_image_too_small,
)
