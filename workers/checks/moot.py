"""What makes a check moot: the root causes a check names in its own declaration (`moot_when`).

When a document is not found, cut by the frame, too small, blurry or wrongly exposed, the checks that read it
(its MRZ, its dates, its name, its portrait) and the capture measures that the same defect distorts would add
fails of their own: a dark photo reads as blurry, a blurred MRZ as unreadable. Such a check names, in its
declaration (spec.DocumentCheck.moot_when), the codes whose failure on the same document makes it moot; it then
comes back as "not judged because of X" (status pass, the reason in its message), and the verdict's first finding
is X (workers/checks/precedence.py applies it; the catalogue shows it under each check).

These are the groups the declarations name, in the order the catalogue lists them. A root cause never silences a
fail it is not named by, and a finding of another document is never touched.
"""

from __future__ import annotations

# No outline: nothing can be measured inside it.
NO_OUTLINE: tuple[str, ...] = ("DOC_NOT_FOUND",)
# Checks that read what is printed on the document: moot while the capture cannot be read.
CAPTURE_UNREADABLE: tuple[str, ...] = (
    "DOC_NOT_FOUND",
    "IMAGE_TOO_SMALL",
    "DOC_CORNERS_CUT",
    "DOC_TOO_SMALL",
    "IMAGE_TOO_DARK",
    "IMAGE_OVEREXPOSED",
    "IMAGE_BLURRY",
    "TEXT_RESOLUTION_LOW",
)
# The machine readable zone's own reading (is there one, do its digits hold): moot as well while something covers
# part of the document (DOC_OBSTRUCTED), as while a corner is cut: by the same mechanism, a part of the document
# not seen (a finger or an object over the zone leaves it unread, or read with characters made up from the
# object's edge), not by a measured limit. On the real corpus both were found on four grey copies, none of them a
# wrong-digit document: check half srb_passport 01 cg0002 (MRZ_UNREADABLE fail) and cg0004
# (MRZ_CHECK_DIGIT_INVALID review), each with an object over its zone (their MANIFESTs: "occludes ... part of the
# MRZ", "occludes the bottom of the MRZ"); calibration half rus_internalpassport 02 cg0003 / cg0004
# (MRZ_UNREADABLE fail), objects over the top edge and lower left, whose mock zone goes unread on unobstructed
# frames of the same document too: they say nothing either way (docs/calibration/realworld.md). What the zone
# gave (the expiry, the name) is still used where its digits hold: a reading is a positive fact, its absence
# under a finger is not.
ZONE_UNREADABLE: tuple[str, ...] = (*CAPTURE_UNREADABLE, "DOC_OBSTRUCTED")
# Too few pixels for text: the whole photo, the document in it, or its letters too small. The zone's check
# digits are judged apart from these when the reader is sure of its reading (MRZ_CHECK_DIGIT_INVALID's
# `moot_when_unsure`): a zone read alike from two crops whose digits fail was read, however few its pixels, and
# on the real corpus no such reading of a small image is a misread (bench/mrz_corpus.py: 0 check digits valid as
# printed reported as a fail on its 48 images, 32 of which fail one of these; the one uncertain small card,
# Liechtenstein at 352 px, is a review and stays moot). Judging them catches two more wrong-digit specimens
# (calibration passporteye 33_id-usa, check 0_id-esp; docs/calibration/realworld.md).
SMALL_TEXT: tuple[str, ...] = ("IMAGE_TOO_SMALL", "DOC_TOO_SMALL", "TEXT_RESOLUTION_LOW")
# The zone's check digits: moot when the zone is unreadable for any reason but too few pixels (SMALL_TEXT).
ZONE_DIGITS_UNREADABLE: tuple[str, ...] = tuple(code for code in ZONE_UNREADABLE if code not in SMALL_TEXT)
# Measures read inside the outline that a photo too dark or washed out distorts: its lost contrast reads as blur,
# its clipped light as glare or uneven light, and the skin colour and fine grid that the fingers' and the screen's
# measures read are lost in noise or clipping (generated calibration, docs/calibration/quality.md).
OUTLINE_OR_EXPOSURE: tuple[str, ...] = ("DOC_NOT_FOUND", "IMAGE_TOO_DARK", "IMAGE_OVEREXPOSED")
# The print's colour (DOC_PHOTOCOPY) is judged on a washed-out photo, not on a dark one. Divided out in linear
# light, a washed-out capture keeps the print's colour wherever no channel is clipped (clipped pixels are left
# out): colour ID documents made overexposed read 8.2-21.8 % of paper white (30 generated scenes, cards and
# passports, tests/fixtures/degrade.py), colour specimens composited under the real washed-out DLC-2021 frames'
# light 6.9-14.2 (bench/colour_composites.py), the real grey copies washed out 3.56 (calibration half, esp_id 04
# cg0006) and 2.50-3.61 (check half): each on its side of the limit (4.0), so both findings are true and the
# applicant learns of the copy before the retake. In the dark the sensor's noise is the colour: generated colour
# cards made dark read 3.7-6.5, 4 of 30 under the limit, so a dark photo keeps it moot (docs/calibration/quality.md,
# "DOC_PHOTOCOPY on real captures").
OUTLINE_OR_DARK: tuple[str, ...] = ("DOC_NOT_FOUND", "IMAGE_TOO_DARK")
# The text's resolution: too few pixels for the whole photo or for the document is the same fact, judged once.
TOO_FEW_PIXELS_FOR_TEXT: tuple[str, ...] = ("DOC_NOT_FOUND", "IMAGE_TOO_SMALL", "DOC_TOO_SMALL")
# Edits judged from the image's own pixels (its grain, a pasted portrait's grain, copied blocks, the ghost
# image). Their limits were set on photos at least the role's minimum size (IMAGE_TOO_SMALL): a smaller image is
# an enlarged or re-rendered one whose grain says nothing about editing. On the real corpus they flagged 5
# unedited images below that size (calibration 3, check 2: flat specimens and small passport scans) and caught
# neither of the 2 edited ones there (docs/calibration/realworld.md); the retake asked for is then judged.
# A pixelated portrait (EDIT_PORTRAIT_PIXELATED) is read from the pixels too: an image enlarged from a small one
# shows its own pixels as blocks.
# The file's own record of editing (EDIT_SOFTWARE_TAG, EDIT_CAMERA_FIELDS_STRIPPED, ...) is judged at any size.
PIXELS_TOO_FEW_FOR_FORENSICS: tuple[str, ...] = ("IMAGE_TOO_SMALL",)
# The two edits read from the image's noise grain (a block whose grain is gone, a portrait whose grain differs)
# are also moot on a greyscale copy photographed (DOC_PHOTOCOPY): their limits were set on photos of originals,
# and a print of the document photographed again carries the printer's halftone and a second camera's noise, not
# the original's grain. On the real corpus's grey copies they flagged 2 of 40 on the calibration half (lva_passport
# 04 cg0007, srb_passport 06 cg0002) and 1 of 40 on the check half (alb_id 06 cg0002), none of them edited; no
# edited image of the corpus is a grey copy (docs/calibration/realworld.md). The copy's own finding asks for the
# original, whose grain is then judged.
GRAIN_UNREADABLE: tuple[str, ...] = ("IMAGE_TOO_SMALL", "DOC_PHOTOCOPY")
# The ghost image (the portrait printed a second time, small and faint) is moot on a greyscale copy photographed
# (DOC_PHOTOCOPY) as well: its limit (0.8) was set on originals, whose ghost repeats the portrait's detail
# (sidtd renders 0.85-0.95), and a faint screen does not survive a print and a second photo. On the real corpus
# the one grey copy whose ghost is found (alb_id 04 cg0005, calibration half; found since the portrait is also
# looked for in the document's box) measures 0.71 (0.65 at full resolution), unedited; no edited image of the
# corpus is a grey copy (docs/calibration/realworld.md). The copy's own finding asks for the original, whose ghost
# is then compared.
FAINT_PRINT_UNREADABLE: tuple[str, ...] = ("IMAGE_TOO_SMALL", "DOC_PHOTOCOPY")
