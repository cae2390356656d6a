"""Capture-quality checks: the table of rules (a measure on the located document compared with a limit) and
DOC_NOT_FOUND. How a rule is judged and turned into a document check and its held-card variant: rule.py.
"""

from __future__ import annotations

from workers.checks import moot
from workers.checks.context import DocumentContext
from workers.checks.locate.outline import Outline, document_outline
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Region, Status
from workers.checks.quality import thresholds as t
from workers.checks.quality import views
from workers.checks.quality.rule import Rule, build
from workers.checks.spec import DOCUMENT_ROLES, DocumentCheck, Result

# Paper pages (bills, extracts, letters): measured at a page's size and orientation, not a card's
# (views.pixels_per_mm, views.sharpness).
PAPER_ROLES = frozenset({Role.PROOF_OF_ADDRESS, Role.BUSINESS_REGISTRATION, Role.AUTHORIZATION_LETTER})

# --- measures adapted to (context, outline) -----------------------------------------------------------------


def _glare_detail(ctx: DocumentContext, outline: Outline) -> str:
    over_text, over_portrait = views.glare_covers(ctx.capture, outline)
    covered = [name for name, hit in (("text", over_text), ("the portrait", over_portrait)) if hit]
    return f", over {' and '.join(covered)}" if covered else ""


def _cut_count(ctx: DocumentContext, outline: Outline) -> float:
    return float(len(outline.cut_corners))


def _cut_detail(ctx: DocumentContext, outline: Outline) -> str:
    names = list(outline.cut_corners)
    if len(names) == 1:
        return f": the {names[0]} corner is outside the photo"
    return f": the {', '.join(names[:-1])} and {names[-1]} corners are outside the photo"


def _pixels_per_mm(ctx: DocumentContext, outline: Outline) -> float:
    return views.pixels_per_mm(outline, paper=ctx.role in PAPER_ROLES)


def _not_found(ctx: DocumentContext) -> Result:
    outline = document_outline(ctx.capture)
    if outline is None:
        return Outcome(
            status=Status.FAIL,
            message="No document could be found in the image (no document outline and no printed text).",
            measured="not_found",
            unit="outline",
        )
    how = f"{'fills' if outline.fills_frame else 'covers'} {outline.area_fraction:.0%} of the frame"
    return Outcome(
        status=Status.PASS,
        message=f"The document was found; it {how}.",
        measured=round(outline.area_fraction, 4),
        unit="frame_share",
        region=Region(polygon=outline.polygon),
    )


DOC_NOT_FOUND = DocumentCheck(
    code="DOC_NOT_FOUND",
    summary="No document can be found in the image.",
    remediation="Photograph the whole document from directly above on a plain, dark surface, filling most of "
    "the frame.",
    threshold_source="No convex four-cornered document outline and under 1.5 % of the image in printed text "
    "lines (workers/checks/locate/outline.py; docs/calibration/quality.md).",
    roles=DOCUMENT_ROLES,
    evaluate=_not_found,
)

RETAKE_ABOVE = "Retake the photo from directly above, with the document flat on a plain surface."

RULES: list[Rule] = [
    Rule(
        code="DOC_CORNERS_CUT",
        moot_when=moot.NO_OUTLINE,
        summary="A corner of the document is outside the photo.",
        remediation="Retake the photo with all four corners of the document inside the frame, with a little "
        "space around it.",
        measure=_cut_count,
        label="corners outside",
        unit="corners",
        problem="Part of the document is cut off",
        fine="All four corners of the document are inside the photo",
        higher_is_worse=True,
        limit=0.0,
        selfie_limit=0.0,
        detail=_cut_detail,
        precise=True,
    ),
    Rule(
        code="DOC_TOO_SMALL",
        moot_when=moot.NO_OUTLINE,
        summary="The document is too small in the frame.",
        remediation="Move closer so that the document fills most of the photo, keeping all four corners in.",
        measure=lambda ctx, o: o.area_fraction,
        label="share of the frame",
        unit="percent_of_frame",
        problem="The document is too small in the photo",
        fine="The document is large enough in the photo",
        higher_is_worse=False,
        limit=t.MIN_AREA,
        selfie_limit=t.SELFIE_MIN_AREA,
        scale=100,
        # Judged on a rough outline too: a weak match's corners misplace the card's area by a quarter or so
        # (IoU 0.76), and a held card that is fine covers 6.8 %+ of the frame, over three times the limit;
        # a card held too far away is mostly matched only weakly (bench/calibrate_held.py, card_far).
        source=t.FRAMING_SOURCE,
    ),
    Rule(
        code="DOC_PERSPECTIVE",
        moot_when=moot.NO_OUTLINE,
        summary="The document was photographed at an angle, not from above.",
        remediation=RETAKE_ABOVE,
        measure=lambda ctx, o: views.perspective_angle(o),
        label="tilt",
        unit="degrees",
        shown_unit=" degrees",
        problem="The document was photographed at an angle",
        fine="The document was photographed from above",
        higher_is_worse=True,
        limit=t.MAX_TILT,
        selfie_limit=t.SELFIE_MAX_TILT,
        precise=True,
        source=t.FRAMING_SOURCE,
    ),
    Rule(
        code="IMAGE_BLURRY",
        moot_when=moot.OUTLINE_OR_EXPOSURE,
        summary="The document is blurry.",
        remediation="Hold the phone steady (rest your elbows on the table), let the camera focus on the "
        "document, and retake the photo in good light.",
        measure=lambda ctx, o: views.sharpness(ctx.capture, o, paper=ctx.role in PAPER_ROLES),
        label="stroke sharpness",
        unit="per_mm",
        shown_unit="/mm",
        problem="The document is blurry",
        fine="The document is sharp",
        higher_is_worse=False,
        limit=t.MIN_SHARPNESS,
        selfie_limit=t.SELFIE_MIN_SHARPNESS,
        source=t.BLUR_SOURCE,
    ),
    Rule(
        code="IMAGE_GLARE",
        moot_when=moot.OUTLINE_OR_EXPOSURE,
        summary="Glare (a reflection) covers part of the document.",
        remediation="Turn the flash off and move away from lamps or windows so that no light reflects on the "
        "document; tilting the document slightly removes a reflection.",
        measure=lambda ctx, o: views.glare_fraction(ctx.capture, o),
        label="glare",
        unit="percent_of_document",
        problem="Glare covers part of the document",
        fine="No glare on the document",
        higher_is_worse=True,
        limit=t.MAX_GLARE,
        selfie_limit=t.SELFIE_MAX_GLARE,
        scale=100,
        detail=_glare_detail,
    ),
    Rule(
        code="IMAGE_UNEVEN_LIGHT",
        moot_when=moot.OUTLINE_OR_EXPOSURE,
        summary="A shadow or uneven light falls across the document.",
        remediation="Retake the photo in even light, without your shadow or the phone's shadow on the document.",
        measure=lambda ctx, o: views.falloff(ctx.capture, o),
        label="light fall-off",
        unit="fraction",
        problem="A shadow or uneven light falls across the document",
        fine="The light on the document is even",
        higher_is_worse=True,
        limit=t.MAX_FALLOFF,
        selfie_limit=t.SELFIE_MAX_FALLOFF,
    ),
    Rule(
        code="IMAGE_TOO_DARK",
        summary="The photo is too dark.",
        remediation="Retake the photo in a brighter place, in even daylight or room light, without flash.",
        measure=lambda ctx, o: views.bright_level(ctx.capture, o),
        label="brightness",
        unit="grey_level",
        problem="The photo of the document is too dark",
        fine="The document is bright enough",
        higher_is_worse=False,
        limit=t.MIN_BRIGHT_LEVEL,
        selfie_limit=t.SELFIE_MIN_BRIGHT_LEVEL,
        whole_image=lambda ctx: views.whole_bright_level(ctx.capture),
    ),
    Rule(
        code="IMAGE_OVEREXPOSED",
        summary="The photo is overexposed: parts of the document are washed out to white.",
        remediation="Retake the photo without flash and out of direct sunlight, in even light.",
        measure=lambda ctx, o: views.clipped(ctx.capture, o),
        label="washed-out share",
        unit="percent_of_document",
        problem="The photo is overexposed: parts of the document are washed out",
        fine="The document is not overexposed",
        higher_is_worse=True,
        limit=t.MAX_CLIPPED,
        selfie_limit=t.SELFIE_MAX_CLIPPED,
        whole_image=lambda ctx: views.whole_clipped(ctx.capture),
        scale=100,
        # Pure white paper is what a scanner or a PDF export gives (an e-statement saved as PNG: 92 % clipped;
        # passport scans on a white bed 67-69 %), and the pixels cannot tell it from a photo blown out to white:
        # 11 of 60 generated overexposed photos are read as filling the frame too (the table washed out with the
        # document). The file tells them apart: camera apps write the camera's make and model (EXIF 2.32),
        # scanners' and exporters' images and screenshots carry none.
        flat_page=(
            "The page is white, as a scan's or a digital document's is (the file names no camera): its white "
            "paper is not overexposure"
        ),
    ),
    Rule(
        code="DOC_OBSTRUCTED",
        moot_when=moot.OUTLINE_OR_EXPOSURE,
        summary="Fingers or an object cover part of the document.",
        remediation="Lay the document on a table, keep fingers and objects off it, and retake the photo.",
        measure=lambda ctx, o: views.occlusion(ctx.capture, o),
        label="covered share",
        unit="percent_of_document",
        problem="Something (fingers, a hand, an object) covers part of the document",
        fine="Nothing covers the document",
        higher_is_worse=True,
        limit=t.MAX_OCCLUSION,
        selfie_limit=t.SELFIE_MAX_OCCLUSION,
        scale=100,
        precise=True,
        source=t.OCCLUSION_SOURCE,
    ),
    Rule(
        code="BACKGROUND_BUSY",
        summary="The background around the document is busy (review).",
        remediation="Retake the photo with the document on a plain, dark, uncluttered surface.",
        measure=lambda ctx, o: views.clutter(ctx.capture, o),
        label="background edge density",
        unit="percent_of_background",
        problem="The background around the document is busy",
        fine="The background is plain",
        higher_is_worse=True,
        limit=t.MAX_CLUTTER,
        selfie_limit=None,
        status=Status.REVIEW,
        scale=100,
        source=t.FRAMING_SOURCE,
    ),
    Rule(
        code="DOC_PHOTOCOPY",
        moot_when=moot.OUTLINE_OR_DARK,
        summary="The ID document is a black-and-white copy, not the original.",
        remediation="Photograph the original document in colour, not a photocopy or a printout.",
        measure=lambda ctx, o: views.print_chroma(ctx.capture, o),
        label="colour of the print",
        unit="percent_of_paper_white",
        shown_unit="% of paper white",
        problem="The document looks like a black-and-white photocopy",
        fine="The document is in colour",
        higher_is_worse=False,
        limit=t.MIN_PRINT_CHROMA,
        selfie_limit=t.SELFIE_MIN_PRINT_CHROMA,
        roles=frozenset({Role.ID_DOCUMENT}),
        source=t.PHOTOCOPY_SOURCE,
    ),
    Rule(
        code="DOC_SCREEN_PHOTO",
        moot_when=moot.OUTLINE_OR_EXPOSURE,
        summary="The photo shows the document on a screen, not the document itself.",
        remediation="Photograph the original document itself, not a picture of it on a phone or computer screen.",
        measure=lambda ctx, o: views.screen_peak(ctx.capture, o),
        label="screen-grid peak",
        unit="spectral_peak_ratio",
        problem="The document was photographed off a screen: a pixel grid or moire shows",
        fine="No screen pixel grid or moire",
        higher_is_worse=True,
        limit=t.MAX_SCREEN_PEAK,
        selfie_limit=t.MAX_SCREEN_PEAK,
    ),
    Rule(
        code="TEXT_RESOLUTION_LOW",
        moot_when=moot.TOO_FEW_PIXELS_FOR_TEXT,
        summary="The resolution is too low for the document's text to be read.",
        remediation="Move closer or use the phone's main camera at full resolution, so that the document "
        "fills the photo.",
        measure=_pixels_per_mm,
        label="resolution",
        unit="pixels_per_mm",
        shown_unit=" px/mm",
        problem="The resolution is too low to read the document's text",
        fine="The resolution is enough to read the text",
        higher_is_worse=False,
        limit=t.MIN_PIXELS_PER_MM,
        selfie_limit=t.SELFIE_MIN_PIXELS_PER_MM,
        precise=True,
    ),
]

CHECKS: list[DocumentCheck] = [DOC_NOT_FOUND, *(check for rule in RULES for check in build(rule))]
