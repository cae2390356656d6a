"""Which findings a root cause makes meaningless: one root cause, one finding.

When a document is not found, cut by the frame, too small, blurry or wrongly exposed, the checks that read it
(its MRZ, its dates, its name, its portrait) and the capture measures that the same defect distorts would add
fails of their own: a dark photo reads as blurry, a blurred MRZ as unreadable. Each of those says "not judged
because of X" instead (status pass, the reason in its message), and the verdict's first finding is X.

This is data, read by the engine: a root cause (a failing code) -> the codes it silences on the same document.
A root cause never silences a fail it does not name, and a finding of another document is never touched.
"""

from __future__ import annotations

# Checks that read what is printed on the document: meaningless while the capture cannot be read.
READS_CONTENT = frozenset(
    {
        "MRZ_UNREADABLE",
        "MRZ_CHECK_DIGIT_INVALID",
        "MRZ_PROFILE_MISMATCH",
        "ID_PORTRAIT_MISSING",
        "POA_DATE_NOT_FOUND",
        "POA_NAME_MISMATCH",
        "POA_ADDRESS_MISMATCH",
        "REG_COMPANY_NOT_NAMED",
        "REG_NUMBER_NOT_FOUND",
        "AUTH_COMPANY_NOT_NAMED",
        "AUTH_PERSON_NOT_NAMED",
        "AUTH_SIGNATURE_MISSING",
        "EDIT_FIELD_TYPEFACE",
    }
)
# Capture measures read inside the document's outline: meaningless when no document was found.
MEASURED_IN_OUTLINE = frozenset(
    {
        "DOC_CORNERS_CUT",
        "DOC_TOO_SMALL",
        "DOC_PERSPECTIVE",
        "IMAGE_BLURRY",
        "IMAGE_GLARE",
        "IMAGE_UNEVEN_LIGHT",
        "DOC_OBSTRUCTED",
        "DOC_PHOTOCOPY",
        "DOC_SCREEN_PHOTO",
        "TEXT_RESOLUTION_LOW",
    }
)
# Measures that a photo too dark or washed out distorts: its lost contrast reads as blur, its clipped light as
# glare or uneven light, its lost colour as a photocopy (generated calibration, docs/calibration/quality.md).
DISTORTED_BY_EXPOSURE = frozenset(
    {"IMAGE_BLURRY", "IMAGE_GLARE", "IMAGE_UNEVEN_LIGHT", "DOC_OBSTRUCTED", "DOC_PHOTOCOPY", "DOC_SCREEN_PHOTO"}
)

# Edits judged from the image's own pixels (its grain, a pasted portrait's grain, copied blocks, the ghost
# image). Their limits were set on photos at least the role's minimum size (IMAGE_TOO_SMALL): a smaller image is
# an enlarged or re-rendered one whose grain says nothing about editing. On the real corpus they flagged 5
# unedited images below that size (calibration 3, check 2: flat specimens and small passport scans) and caught
# neither of the 2 edited ones there (docs/calibration/realworld.md); the retake asked for is then judged.
# The file's own record of editing (EDIT_SOFTWARE_TAG, EDIT_CAMERA_FIELDS_STRIPPED, ...) is judged at any size.
PIXEL_FORENSICS = frozenset(
    {"EDIT_LOCAL_ANOMALY", "EDIT_COPY_MOVE", "EDIT_PORTRAIT_PASTED", "EDIT_GHOST_PORTRAIT_MISMATCH"}
)

SILENCES: dict[str, frozenset[str]] = {
    "DOC_NOT_FOUND": READS_CONTENT | MEASURED_IN_OUTLINE,
    # Too few pixels for the whole photo: the text resolution is the same fact, judged once.
    "IMAGE_TOO_SMALL": READS_CONTENT | PIXEL_FORENSICS | {"TEXT_RESOLUTION_LOW"},
    "DOC_CORNERS_CUT": READS_CONTENT,
    "DOC_TOO_SMALL": READS_CONTENT | {"TEXT_RESOLUTION_LOW"},
    "IMAGE_TOO_DARK": READS_CONTENT | DISTORTED_BY_EXPOSURE,
    "IMAGE_OVEREXPOSED": READS_CONTENT | DISTORTED_BY_EXPOSURE,
    "IMAGE_BLURRY": READS_CONTENT,
    "TEXT_RESOLUTION_LOW": READS_CONTENT,
}


def silenced_by(code: str, failing: list[str]) -> str | None:
    """The first of `failing` (codes failing on the same document, in verdict order) that makes `code`
    meaningless, or None when `code` is to be judged."""
    return next((root for root in failing if root != code and code in SILENCES.get(root, ())), None)
