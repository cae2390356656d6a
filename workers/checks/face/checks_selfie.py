"""Selfie checks on the applicant's face: present, alone, large, sharp, lit, not a photo of a screen/print."""

from __future__ import annotations

import numpy as np

from workers.checks.context import DocumentContext
from workers.checks.face import applicant, measures, views
from workers.checks.face.outcome import face_region, frame_region, limit_outcome
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Region, Status
from workers.checks.spec import DocumentCheck, Result
from workers.checks.spectrum import SCREEN_PEAK_LIMIT, periodic_peak

SELFIE = frozenset({Role.SELFIE})
CALIBRATION = "docs/calibration/face.md"

# Face box width / the picture's shorter side (its width in a portrait selfie). Providers ask for the face to
# be clearly visible next to the ID; at 12 % a 1080 px wide selfie still gives a 130 px face (dlib's encoder
# wants >= 80 px). Fixtures: good selfies 0.20, the far-away one 0.10.
FACE_MIN_WIDTH_RATIO = 0.12
# Laplacian variance of the normalised chip (at the photo's own resolution for small faces). Fixtures: sharp
# faces 81-242, blurred ones (sigma 6-7) 9-10. Real photos (bench/realworld_faces.py): sharp >= 57, defocused 13,
# but soft video frames 64 and 87 pass: they overlap the fixtures' sharp small face (81).
FACE_MIN_SHARPNESS = 35.0
# Mean grey level of the face (0-255). Fixtures: well lit 114-177, dimmed to 22 % 38-39, backlit 67. Real
# photos (bench/realworld_faces.py, calibration half): a correctly exposed dark-skinned face reads 53 (Bobby
# Jackson; 55 called it too dark), so the limit sits between the dimmed fixtures and it.
FACE_MIN_BRIGHTNESS = 46.0
# Face / surroundings brightness. Fixtures: normal 1.0-2.9, against a bright window 0.29.
FACE_MIN_BACKLIGHT_RATIO = 0.5
# Darker half / brighter half of the face. Fixtures: even 0.82-0.90, side-lit 0.42; corpus portraits >= 0.64.
FACE_MIN_SIDE_LIGHT_RATIO = 0.55
# The screen limit every capture is judged by (workers/checks/spectrum.py: live faces 2.9-4.9, fixture and real;
# photographed screens 55.3-69.1).
RECAPTURE_MAX_PEAK = SCREEN_PEAK_LIMIT


def _no_face(doc: DocumentContext) -> Outcome:
    scene = applicant.scene(doc)
    if scene.applicant is not None:
        return Outcome(
            status=Status.PASS,
            message="A face was found in the selfie (1 applicant's face).",
            measured=1,
            unit="faces",
            region=face_region(scene.applicant),
        )
    if scene.in_document:
        return Outcome(
            status=Status.FAIL,
            message="The only face in the selfie is the portrait on the ID.",
            measured=0,
            threshold=1,
            unit="faces",
            region=face_region(scene.in_document[0]),
        )
    turned = views.turned_selfie_faces(doc.capture)
    if turned:
        way = "upside down" if turned[0].turns == 2 else "on its side"
        return Outcome(
            status=Status.FAIL,
            message=f"No upright face in the selfie: the photo is {way} (a face is found once it is turned "
            "upright). Send the photo the right way up.",
            measured=0,
            threshold=1,
            unit="faces",
            region=face_region(turned[0]),
        )
    return Outcome(
        status=Status.FAIL,
        message="No face was found in the selfie (a face covered by a mask or turned away is not found).",
        measured=0,
        threshold=1,
        unit="faces",
        region=frame_region(doc),
    )


def _extra_faces(doc: DocumentContext) -> Result:
    scene = applicant.scene(doc)
    if scene.applicant is None:
        return None
    if not scene.others:
        return Outcome(
            status=Status.PASS,
            message="Only the applicant's face (and the ID portrait) is visible (1 face, at most 1 allowed).",
            measured=1,
            threshold=1,
            unit="faces",
            region=face_region(scene.applicant),
        )
    return [
        Outcome(
            status=Status.FAIL,
            message=f"Another face is in the selfie ({1 + len(scene.others)} faces "
            f"besides the ID portrait, only 1 allowed).",
            measured=1 + len(scene.others),
            threshold=1,
            unit="faces",
            region=Region(polygon=other.polygon),
        )
        for other in scene.others
    ]


def _too_small(doc: DocumentContext) -> Result:
    face = applicant.scene(doc).applicant
    if face is None:
        return None
    ratio = face.width / min(doc.capture.width, doc.capture.height)  # the same for portrait and landscape
    return limit_outcome(
        ratio < FACE_MIN_WIDTH_RATIO,
        face,
        measured=ratio,
        threshold=FACE_MIN_WIDTH_RATIO,
        unit="face_width_fraction",
        bad=f"The face is too small in the selfie ({ratio:.0%} of the picture's shorter side, needs at least "
        f"{FACE_MIN_WIDTH_RATIO:.0%}).",
        good=f"The face is large enough ({ratio:.0%} of the picture's shorter side, needs at least "
        f"{FACE_MIN_WIDTH_RATIO:.0%}).",
    )


def _blurry(doc: DocumentContext) -> Result:
    found = applicant.applicant_chip(doc)
    if found is None:
        return None
    face, chip = found
    value = measures.face_sharpness(chip)
    return limit_outcome(
        value < FACE_MIN_SHARPNESS,
        face,
        measured=value,
        threshold=FACE_MIN_SHARPNESS,
        unit="laplacian_variance",
        bad=f"The face is blurry (sharpness {value:.1f}, needs at least {FACE_MIN_SHARPNESS:g}).",
        good=f"The face is sharp (sharpness {value:.1f}, needs at least {FACE_MIN_SHARPNESS:g}).",
    )


def _dark(doc: DocumentContext) -> Result:
    found = applicant.applicant_chip(doc)
    if found is None:
        return None
    face, chip = found
    value = measures.face_brightness(chip)
    return limit_outcome(
        value < FACE_MIN_BRIGHTNESS,
        face,
        measured=value,
        threshold=FACE_MIN_BRIGHTNESS,
        unit="mean_gray_level",
        bad=f"The face is too dark (brightness {value:.0f} of 255, needs at least {FACE_MIN_BRIGHTNESS:g}).",
        good=f"The face is bright enough (brightness {value:.0f} of 255, needs at least {FACE_MIN_BRIGHTNESS:g}).",
    )


def _backlit(doc: DocumentContext) -> Result:
    found = applicant.applicant_chip(doc)
    if found is None:
        return None
    face, chip = found
    view = views.selfie_gray(doc.capture, 400)
    k = view.shape[1] / doc.capture.width
    value = measures.backlight_ratio(chip, view, np.asarray(face.box) * k)
    return limit_outcome(
        value < FACE_MIN_BACKLIGHT_RATIO,
        face,
        measured=value,
        threshold=FACE_MIN_BACKLIGHT_RATIO,
        unit="face_to_background_brightness",
        bad=f"The light is behind you: the face is much darker than the background "
        f"({value:.2f} of its brightness, needs at least {FACE_MIN_BACKLIGHT_RATIO:g}).",
        good=f"The face is not backlit (face/background brightness {value:.2f}, needs at least "
        f"{FACE_MIN_BACKLIGHT_RATIO:g}).",
    )


def _uneven(doc: DocumentContext) -> Result:
    found = applicant.applicant_chip(doc)
    if found is None:
        return None
    face, chip = found
    value = measures.side_light_ratio(chip)
    return limit_outcome(
        value < FACE_MIN_SIDE_LIGHT_RATIO,
        face,
        measured=value,
        threshold=FACE_MIN_SIDE_LIGHT_RATIO,
        unit="dark_to_bright_half_ratio",
        bad=f"The face is unevenly lit: one side is much darker (darker half at {value:.0%} of "
        f"the brighter, needs at least {FACE_MIN_SIDE_LIGHT_RATIO:.0%}).",
        good=f"The face is evenly lit (darker half at {value:.0%} of the brighter, needs at least "
        f"{FACE_MIN_SIDE_LIGHT_RATIO:.0%}).",
    )


def _recaptured(doc: DocumentContext) -> Result:
    face = applicant.scene(doc).applicant
    if face is None:
        return None
    x0, y0, x1, y1 = (max(0, round(v)) for v in face.box)
    crop = doc.capture.gray[y0:y1, x0:x1]
    side = 512  # the central 512 px are plenty for a spectrum and keep the FFT cheap on large faces
    cy, cx = crop.shape[0] // 2, crop.shape[1] // 2
    crop = crop[max(0, cy - side // 2) : cy + side // 2, max(0, cx - side // 2) : cx + side // 2]
    value = periodic_peak(crop)
    return limit_outcome(
        value > RECAPTURE_MAX_PEAK,
        face,
        measured=value,
        threshold=RECAPTURE_MAX_PEAK,
        unit="spectral_peak_ratio",
        status=Status.REVIEW,
        bad=f"The face shows a regular screen or print pattern (peak {value:.1f}, limit "
        f"{RECAPTURE_MAX_PEAK:g}): the selfie may be a photo of a screen or a photo.",
        good=f"No screen or print pattern on the face (peak {value:.1f}, limit {RECAPTURE_MAX_PEAK:g}).",
    )


SELFIE_NO_FACE = DocumentCheck(
    code="SELFIE_NO_FACE",
    summary="The selfie shows the applicant's face.",
    remediation="Take a selfie with your whole face visible (no mask or scarf), looking straight at the camera, and "
    "send the photo the right way up.",
    threshold_source="dlib HOG detector at its default operating point (margin > 0)",
    roles=SELFIE,
    evaluate=_no_face,
)

SELFIE_EXTRA_FACES = DocumentCheck(
    code="SELFIE_EXTRA_FACES",
    summary="Nobody else is in the selfie besides the applicant and the ID portrait.",
    remediation="Take the selfie alone, with nobody else and no other photos of people in the picture.",
    threshold_source=f"{CALIBRATION}: faces scored >= 0.3 by dlib",
    roles=SELFIE,
    evaluate=_extra_faces,
)

SELFIE_FACE_TOO_SMALL = DocumentCheck(
    code="SELFIE_FACE_TOO_SMALL",
    summary="The face is large enough in the selfie.",
    remediation="Hold the phone closer so that your face and the ID fill most of the picture.",
    threshold_source=f"{CALIBRATION}: face width >= 12 % of the picture's shorter side",
    roles=SELFIE,
    evaluate=_too_small,
)

SELFIE_FACE_BLURRY = DocumentCheck(
    code="SELFIE_FACE_BLURRY",
    summary="The face is sharp.",
    remediation="Hold the phone still and let it focus on your face before taking the picture.",
    threshold_source=f"{CALIBRATION}: Laplacian variance of the aligned face >= 35",
    roles=SELFIE,
    evaluate=_blurry,
)

SELFIE_FACE_TOO_DARK = DocumentCheck(
    code="SELFIE_FACE_TOO_DARK",
    summary="The face is bright enough.",
    remediation="Take the selfie in a well-lit place, facing a window or a lamp.",
    threshold_source=f"{CALIBRATION}: mean face grey level >= 46",
    roles=SELFIE,
    evaluate=_dark,
)

SELFIE_FACE_BACKLIT = DocumentCheck(
    code="SELFIE_FACE_BACKLIT",
    summary="The light is not behind the applicant.",
    remediation="Turn around so that the window or lamp is in front of you, not behind you.",
    threshold_source=f"{CALIBRATION}: face/background brightness >= 0.5",
    roles=SELFIE,
    evaluate=_backlit,
)

SELFIE_FACE_UNEVEN_LIGHT = DocumentCheck(
    code="SELFIE_FACE_UNEVEN_LIGHT",
    summary="Both sides of the face are evenly lit.",
    remediation="Face the light so that it falls evenly on both sides of your face.",
    threshold_source=f"{CALIBRATION}: darker/brighter face half >= 0.55",
    roles=SELFIE,
    evaluate=_uneven,
)

SELFIE_RECAPTURED = DocumentCheck(
    code="SELFIE_RECAPTURED",
    summary="The selfie is a live photo, not a photo of a screen or of a print.",
    remediation="Take a new selfie directly with your phone's camera; do not photograph a screen or a photo.",
    threshold_source="The screen limit of every capture (workers/checks/spectrum.py): the strongest fine periodic "
    "peak of the face's central 512 px <= 30; live faces 2.9-4.9 (fixtures and the 50 real corpus faces), "
    "photographed screens 55.3-69.1",
    roles=SELFIE,
    evaluate=_recaptured,
)


CHECKS = [
    SELFIE_NO_FACE,
    SELFIE_EXTRA_FACES,
    SELFIE_FACE_TOO_SMALL,
    SELFIE_FACE_BLURRY,
    SELFIE_FACE_TOO_DARK,
    SELFIE_FACE_BACKLIT,
    SELFIE_FACE_UNEVEN_LIGHT,
    SELFIE_RECAPTURED,
]
