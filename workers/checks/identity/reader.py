"""The id_document reader: MRZ fields into `doc.read_fields` (source "mrz"), so the expiry and date-of-birth
checks work when nothing was declared. A field guarded by a check digit is filled only when its digit
holds."""

from __future__ import annotations

import numpy as np

from workers.checks.capture import Capture, Fact
from workers.checks.context import DocumentContext, FieldValue
from workers.checks.identity.mrz_layout import MrzFormat
from workers.checks.identity.mrz_parse import valid_digits
from workers.checks.identity.mrz_read import MrzReading, quick_read, read_mrz, values_proven
from workers.checks.identity.page_text import PAGE_SIDE, detected_rows, detected_text, text_area
from workers.checks.locate.geometry import Quad
from workers.checks.locate.mrz_page import MRZ_PAGE, page_from_zone
from workers.checks.manifest import Role
from workers.checks.spec import Reader

# Line detection runs on the page readers' view of the text area (long side at most this many pixels), so the
# MRZ reader and the printed-dates reader share one detection (page_text.detected_text).
DETECT_SIDE = PAGE_SIDE
# The quick look's view of the document's box: at 480 px a TD3 line's 44 glyphs are ~10 px wide each, which the
# detector still finds as lines, at a fifth of the cost of a detection at PAGE_SIDE (57 against 341 ms on the
# standard bundle's 3000 px card, one core; docs/speed.md). Recognition still crops from full resolution.
QUICK_SIDE = 480
# The first look of all is at the bottom of the text area only, where an upright document carries its MRZ (a
# third or less of a TD1 card's height, a quarter of a TD3 page's: ICAO Doc 9303 parts 4-5), with room for an
# area widened by page_text.AREA_MARGIN and an outline a little off. Detection grows with the pixels it sees:
# this band costs about half the quick look (docs/speed.md). A document turned or upside down is looked at whole.
MRZ_BAND = 0.45
SOURCE = "mrz"
_DOCUMENT_KINDS = {"P": "passport", "I": "id_card", "A": "id_card", "C": "id_card", "V": "visa"}


MRZ: Fact[MrzReading | None] = Fact(
    "identity.mrz", needs=("identity.detected_rows", "identity.detected_text", "locate.edge_outline")
)  # the document's MRZ, read once per file


def mrz_reading(doc: DocumentContext) -> MrzReading | None:
    """The document's MRZ, read once per file and shared by the reader and every MRZ check. A TD3 zone read
    with every check digit holding also tells the capture where its page is (locate.mrz_page.MRZ_PAGE), for the
    document's outline (locate.document_outline) where the page's edges were not found."""
    reading = doc.cached(MRZ, lambda: capture_mrz(doc.capture))
    doc.capture.cached(MRZ_PAGE, lambda: page_around(reading))
    return reading


def page_around(reading: MrzReading | None) -> Quad | None:
    """The passport page around a TD3 zone read with every check digit holding (a zone read in doubt places no
    page: its lines may be another text's); None for other zones, whose pages' proportions were not measured."""
    if reading is None or reading.parsed.format is not MrzFormat.TD3 or not reading.parsed.valid:
        return None
    return page_from_zone(np.asarray(reading.zone, np.float64))


def capture_mrz(capture: Capture) -> MrzReading | None:
    """The MRZ of the document in `capture`: first a quick look (lines detected on a small view of the bottom
    of the document's box, then of all of it, only the zone's lines recognised: mrz_read.quick_read), kept when
    every check digit holds;
    else detected inside the document's box at the page readers' size (page_text.text_area, where a small
    document's lines are larger for the detector); when that reading is not valid, over the whole frame too (an
    outline may miss the zone), keeping the reading with more check digits holding (the box's on a tie). On the
    real DLC-2021 passport frames this turns 2 readings with failing digits valid and loses none (the whole
    frame still reads the one zone an outline cut off)."""
    area = text_area(capture)
    band = detected_rows(capture, area, QUICK_SIDE, 1.0 - MRZ_BAND, 1.0)
    quick = quick_read(capture.rgb, band.boxes)
    if quick is not None:
        return quick
    glance = detected_text(capture, area, QUICK_SIDE)
    quick = quick_read(capture.rgb, glance.boxes)
    if quick is not None:
        return quick
    first = detected_text(capture, area)
    # Tiles are for a document small in a large photo that no outline found. In the view of its own box a found
    # document is already at the page readers' size, and the frame is read again below only for a zone the
    # outline cut off, next to the document and at its scale: neither is tiled (on the 169 real corpus images
    # this never changed a reading and saved a third of the reader's time: docs/speed.md, "No tiles once the
    # document is found").
    boxed = read_mrz(capture.rgb, first.view, first.area, boxes=first.boxes, tiles=area is None)
    if area is None or (boxed is not None and boxed.parsed.valid):
        return boxed
    frame = detected_text(capture, None)
    whole = read_mrz(capture.rgb, frame.view, frame.area, boxes=frame.boxes, tiles=False)
    if whole is None or (boxed is not None and valid_digits(boxed.parsed) >= valid_digits(whole.parsed)):
        return boxed
    return whole


def document_kind(document_type: str) -> str:
    """passport / id_card / visa from the MRZ document code (Doc 9303 part 3, 4.2: P, I, A, C, V)."""
    return _DOCUMENT_KINDS.get(document_type[:1], "id_card")


# Declared types that never carry an MRZ: not worth an OCR pass.
NO_MRZ_TYPES = frozenset({"driving_licence"})


def read_id_document(doc: DocumentContext) -> dict[str, FieldValue]:
    if (doc.spec.type or "").lower() in NO_MRZ_TYPES:
        return {}
    reading = mrz_reading(doc)
    if reading is None or not values_proven(reading.parsed):
        return {}  # nothing proves these characters are an MRZ read right
    p = reading.parsed
    fields = {
        "mrz_format": p.format.value,
        "document_type": document_kind(p.document_type),
        "issuing_country": p.issuing_country,
        "nationality": p.nationality,
        "surname": p.surname,
        "given_names": p.given_names,
    }
    birth, expiry = p.date_of_birth(doc.bundle.submit_on), p.expiry_date()
    if p.checks.get("doc"):
        fields["document_number"] = p.document_number
    if p.checks.get("dob") and birth is not None:
        fields["date_of_birth"] = birth.isoformat()
    if p.checks.get("exp") and expiry is not None:
        fields["expiry_date"] = expiry.isoformat()
    return {name: FieldValue(value, SOURCE) for name, value in fields.items() if value}


MRZ_READER = Reader(name="MRZ_READER", roles=frozenset({Role.ID_DOCUMENT}), read=read_id_document)
