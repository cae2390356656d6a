"""Selfie against ID: the same document held up, the same person, and not the ID photo re-sent as a selfie."""

from __future__ import annotations

from workers.checks.context import BundleContext, DocumentContext
from workers.checks.face import applicant, views
from workers.checks.face.detect import encoding_distance
from workers.checks.face.docmatch import (
    DOCUMENT_MIN_INLIERS,
    MATCH_MAX_CONTRADICTION,
    MATCH_MIN_INLIERS,
    MATCH_MIN_WIDTH,
    card_width,
    is_same_card,
)
from workers.checks.face.outcome import face_region, frame_region
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Region, Status
from workers.checks.spec import BundleCheck, Result

CALIBRATION = "docs/calibration/face.md"
# Encoding distance. dlib documents 0.6 as its same/different threshold (99.38 % on LFW): above it, FAIL.
# Our corpus: same person 0.05-0.37 (across specimen renders and resolutions), different people >= 0.465
# (face-swapped SIDTD twins 0.50-0.52): up to 0.45 is a match, between 0.45 and 0.6 a person should look.
FACE_MATCH_MAX_DISTANCE = 0.45
FACE_MISMATCH_MIN_DISTANCE = 0.6
# A selfie where the matched ID covers over a quarter of the frame with no live face beside it is a photo of
# the # ID. Fixtures: hand-held cards cover 4-11 % of the frame, the ID photographed on a table 38 %.
ID_PHOTO_MIN_FRAME_FRACTION = 0.25


def _pair(bundle: BundleContext) -> tuple[DocumentContext, DocumentContext] | None:
    id_doc, selfie = bundle.first(Role.ID_DOCUMENT), bundle.first(Role.SELFIE)
    if id_doc is None or selfie is None or not id_doc.capture.decodes or not selfie.capture.decodes:
        return None
    return id_doc, selfie


def _is_same_card(bundle: BundleContext) -> bool:
    held = applicant.held_document(bundle)
    return held is not None and is_same_card(held)


def _outline(bundle: BundleContext) -> Region | None:
    held = applicant.held_document(bundle)
    return Region(polygon=[[round(x, 1), round(y, 1)] for x, y in held.outline]) if held is not None else None


def _document_missing(bundle: BundleContext) -> Result:
    pair = _pair(bundle)
    if pair is None:
        return None
    held = applicant.held_document(bundle)
    if held is not None and held.inliers >= DOCUMENT_MIN_INLIERS:
        return Outcome(
            status=Status.PASS,
            message=f"A document is held up in the selfie ({held.inliers} features matched with the submitted ID).",
            measured=held.inliers,
            threshold=DOCUMENT_MIN_INLIERS,
            unit="matched_features",
            region=_outline(bundle),
            document=Role.SELFIE,
        )
    found = held.inliers if held is not None else 0
    return Outcome(
        status=Status.FAIL,
        message=f"The submitted ID is not visible in the selfie ({found} features "
        f"matched, needs at least {DOCUMENT_MIN_INLIERS}).",
        measured=found,
        threshold=DOCUMENT_MIN_INLIERS,
        unit="matched_features",
        region=frame_region(pair[1]),
        document=Role.SELFIE,
    )


def _document_mismatch(bundle: BundleContext) -> Result:
    held = applicant.held_document(bundle)
    if _pair(bundle) is None or held is None or held.inliers < DOCUMENT_MIN_INLIERS:
        return None  # nothing held: SELFIE_DOCUMENT_MISSING says so
    if _is_same_card(bundle):
        return Outcome(
            status=Status.PASS,
            message=f"The document in the selfie is the submitted ID "
            f"({held.inliers} matched features, {held.contradiction:.0%} of its content differs).",
            measured=round(held.contradiction, 3),
            threshold=MATCH_MAX_CONTRADICTION,
            unit="content_contradiction",
            region=_outline(bundle),
            document=Role.SELFIE,
        )
    width = card_width(held)
    if width < MATCH_MIN_WIDTH:
        # Too few pixels to compare print with print: the applicant's own card held far away reads as
        # different as another card does. A reviewer looks; the applicant is not told it is another card.
        status = Status.REVIEW
        message = (
            f"The document in the selfie is too small to confirm that it is the submitted ID: it is "
            f"{width:.0f} px wide, the comparison needs {MATCH_MIN_WIDTH:.0f} px ({held.inliers} matched "
            f"features, {held.contradiction:.0%} of its content differs). Hold the ID closer to the camera."
        )
    else:
        status = Status.FAIL
        if held.inliers < MATCH_MIN_INLIERS:
            why = f"only {held.inliers} matched features, needs {MATCH_MIN_INLIERS}"
        else:
            why = f"{held.contradiction:.0%} of its content differs from the ID, at most {MATCH_MAX_CONTRADICTION:.0%}"
        message = f"The document in the selfie is not the submitted ID ({why})."
    return Outcome(
        status=status,
        message=message,
        measured=round(held.contradiction, 3),
        threshold=MATCH_MAX_CONTRADICTION,
        unit="content_contradiction",
        region=_outline(bundle),
        document=Role.SELFIE,
    )


def _mirrored(bundle: BundleContext) -> Result:
    held = applicant.held_document(bundle)
    if _pair(bundle) is None or held is None or held.inliers < DOCUMENT_MIN_INLIERS:
        return None  # nothing held: SELFIE_DOCUMENT_MISSING says so
    if held.mirrored:
        status, unit = Status.FAIL, "matched_features_mirrored"
        message = (
            f"The selfie is mirrored: the ID's print reads backwards (the ID was found only in the mirror image "
            f"of the selfie, {held.inliers} features matched, needs at least {DOCUMENT_MIN_INLIERS})."
        )
    else:
        status, unit = Status.PASS, "matched_features"
        message = f"The ID in the selfie reads the right way round ({held.inliers} features matched unmirrored)."
    return Outcome(
        status=status,
        message=message,
        measured=held.inliers,
        threshold=DOCUMENT_MIN_INLIERS,
        unit=unit,
        region=_outline(bundle),
        document=Role.SELFIE,
    )


def _face_mismatch(bundle: BundleContext) -> Result:
    pair = _pair(bundle)
    if pair is None:
        return None
    id_doc, selfie = pair
    live = applicant.scene(selfie).applicant
    portraits = views.id_portraits(id_doc.capture)
    if live is None or not portraits:
        return None  # SELFIE_NO_FACE / ID_PORTRAIT_MISSING report that
    distance = encoding_distance(views.encoding(selfie.capture, live), views.encoding(id_doc.capture, portraits[0]))
    if distance <= FACE_MATCH_MAX_DISTANCE:
        status = Status.PASS
        message = (
            f"The selfie face matches the ID portrait (distance {distance:.2f}, a match is at most "
            f"{FACE_MATCH_MAX_DISTANCE:g})."
        )
    elif distance <= FACE_MISMATCH_MIN_DISTANCE:
        status = Status.REVIEW
        message = (
            f"The selfie face may not match the ID portrait (distance {distance:.2f}, a match is at most "
            f"{FACE_MATCH_MAX_DISTANCE:g}, a clear mismatch above {FACE_MISMATCH_MIN_DISTANCE:g})."
        )
    else:
        status = Status.FAIL
        message = (
            f"The selfie face does not match the ID portrait (distance {distance:.2f}, a match is at most "
            f"{FACE_MATCH_MAX_DISTANCE:g})."
        )
    return Outcome(
        status=status,
        message=message,
        measured=round(distance, 3),
        threshold=FACE_MATCH_MAX_DISTANCE,
        unit="face_encoding_distance",
        region=face_region(live),
        document=Role.SELFIE,
    )


def _is_id_photo(bundle: BundleContext) -> Result:
    pair = _pair(bundle)
    if pair is None:
        return None
    id_doc, selfie = pair
    held = applicant.held_document(bundle)
    if id_doc.capture.sha256 == selfie.capture.sha256:
        return Outcome(
            status=Status.REVIEW,
            message="The selfie is the same file as the ID document.",
            measured=1.0,
            threshold=ID_PHOTO_MIN_FRAME_FRACTION,
            unit="frame_fraction",
            region=frame_region(selfie),
            document=Role.SELFIE,
        )
    fraction = held.frame_fraction if held is not None and _is_same_card(bundle) else 0.0
    live = applicant.scene(selfie).applicant
    if fraction >= ID_PHOTO_MIN_FRAME_FRACTION and live is None:
        return Outcome(
            status=Status.REVIEW,
            message=f"The selfie is a photo of the ID, not of the applicant "
            f"(the ID fills {fraction:.0%} of it and no other face is visible).",
            measured=round(fraction, 3),
            threshold=ID_PHOTO_MIN_FRAME_FRACTION,
            unit="frame_fraction",
            region=_outline(bundle),
            document=Role.SELFIE,
        )
    return Outcome(
        status=Status.PASS,
        message=f"The selfie is not the ID photo (a held ID fills {fraction:.0%} of it; a photo of the ID fills "
        f"{ID_PHOTO_MIN_FRAME_FRACTION:.0%} or more).",
        measured=round(fraction, 3),
        threshold=ID_PHOTO_MIN_FRAME_FRACTION,
        unit="frame_fraction",
        region=face_region(live) if live is not None else frame_region(selfie),
        document=Role.SELFIE,
    )


SELFIE_DOCUMENT_MISSING = BundleCheck(
    code="SELFIE_DOCUMENT_MISSING",
    summary="The selfie shows the applicant holding the submitted ID.",
    remediation="Retake the selfie holding your ID next to your face, photo side to the camera, fully visible and "
    "close enough that its text can be read (about a third of the photo's width).",
    threshold_source=f"{CALIBRATION}: >= 12 ORB matches consistent with one homography",
    evaluate=_document_missing,
)

SELFIE_DOCUMENT_MISMATCH = BundleCheck(
    code="SELFIE_DOCUMENT_MISMATCH",
    summary="The document held in the selfie is the submitted ID.",
    remediation="Hold up the same ID document that you submitted, not another card or document, close enough that its "
    "print can be read.",
    threshold_source=f"{CALIBRATION}: >= 20 homography inliers and < 15 % of tiles contradicting the ID",
    evaluate=_document_mismatch,
)

SELFIE_MIRRORED = BundleCheck(
    code="SELFIE_MIRRORED",
    summary="The selfie is not a mirror image: the held ID's print reads the right way round.",
    remediation='Retake the selfie with mirroring off (in the camera settings, turn off "mirror front camera" or '
    '"save selfies as previewed"), or use the rear camera, so that the text on your ID reads normally.',
    threshold_source=f"{CALIBRATION}: the ID matched (>= 12 ORB matches on one homography) only in the selfie's "
    "mirror image",
    evaluate=_mirrored,
)

SELFIE_FACE_MISMATCH = BundleCheck(
    code="SELFIE_FACE_MISMATCH",
    summary="The selfie face matches the ID portrait.",
    remediation="Make sure the selfie shows you, the holder of the submitted ID, facing the camera in good light.",
    threshold_source=f"{CALIBRATION}; dlib ResNet encoding distance, 0.6 = dlib's documented threshold",
    evaluate=_face_mismatch,
)

SELFIE_IS_ID_PHOTO = BundleCheck(
    code="SELFIE_IS_ID_PHOTO",
    summary="The selfie is a new photo of the applicant, not the ID photo.",
    remediation="Take a new selfie of yourself holding the ID; do not send a photo of the ID as the selfie.",
    threshold_source=f"{CALIBRATION}: ID covering >= 25 % of the selfie with no live face",
    evaluate=_is_id_photo,
)


CHECKS = [
    SELFIE_DOCUMENT_MISSING,
    SELFIE_DOCUMENT_MISMATCH,
    SELFIE_MIRRORED,
    SELFIE_FACE_MISMATCH,
    SELFIE_IS_ID_PHOTO,
]
