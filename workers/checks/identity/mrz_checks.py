"""Checks on the identity document's MRZ: read at all, check digits, agreement with what was declared."""

from __future__ import annotations

from collections.abc import Iterator

from workers.checks import moot
from workers.checks.context import DocumentContext
from workers.checks.dates import read_date
from workers.checks.identity.mrz_parse import valid_digits
from workers.checks.identity.mrz_read import values_proven, zone_read
from workers.checks.identity.names import compare_names
from workers.checks.identity.reader import mrz_reading
from workers.checks.manifest import Role, Side
from workers.checks.model import Outcome, Region, Status
from workers.checks.personal_data import mask_document_number
from workers.checks.spec import DocumentCheck
from workers.checks.words import type_words, with_article

_ID = frozenset({Role.ID_DOCUMENT})
# Where the MRZ is printed, by document type (ICAO Doc 9303): a passport on its data page (part 4, TD3), a visa
# on its sticker (part 7, MRV); ID cards and residence permits (TD1, part 5) on the back; driving licences
# (ISO/IEC 18013) carry none.
MRZ_ON_FRONT = {"passport", "visa"}
MRZ_ON_BACK = {"id_card", "residence_permit"}
CHECK_NAMES = {
    "doc": "document number",
    "dob": "date of birth",
    "exp": "expiry date",
    "pers": "personal number",
    "final": "composite (whole zone)",
}


def mask(number: str) -> str:
    """The document number as verdicts show it: only the last four characters visible."""
    return mask_document_number(number)


def _region(doc: DocumentContext) -> Region | None:
    reading = mrz_reading(doc)
    return Region(polygon=reading.polygon) if reading else None


def mrz_expected(kind: str, side: Side | None) -> bool | None:
    """Whether the photographed side of a document of type `kind` carries an MRZ: True, False, or None when
    the manifest does not say enough to know (no type, or a card whose side is not given)."""
    if not kind:
        return None
    if kind in MRZ_ON_FRONT:
        return side is not Side.BACK
    if kind in MRZ_ON_BACK:
        return None if side is None else side is Side.BACK
    return False


def _not_judged(reason: str) -> Outcome:
    return Outcome(status=Status.PASS, message=f"Not judged: {reason}.", measured="not expected", unit="mrz")


def _unreadable(doc: DocumentContext) -> Outcome | None:
    kind = (doc.spec.type or "").lower()
    expected = mrz_expected(kind, doc.spec.side)
    if expected is False and kind not in MRZ_ON_BACK:
        return None  # driving licences and other types carry no MRZ
    reading = mrz_reading(doc)
    if reading is not None and zone_read(reading.parsed):
        p = reading.parsed
        valid = valid_digits(p)
        return Outcome(
            status=Status.PASS,
            message=f"The machine readable zone ({p.format.value}) was read; {valid} of "
            f"{len(p.checks)} check digits hold.",
            measured=p.format.value,
            unit="mrz_format",
            region=Region(polygon=reading.polygon),
        )
    name = type_words(kind)
    if expected is False:
        return _not_judged(f"the front of {with_article(name)} carries no machine readable zone (it is on the back)")
    if expected is None and kind:
        # A card photographed without its side named and no MRZ on it: almost always the front. Asking for a
        # review of every card front made no genuine card front ready.
        return _not_judged(
            f"no machine readable zone on this {name}, as on a card's front; if this is the back, retake it "
            "with the lines of '<' sharp and in the picture"
        )
    what = "passport data page" if kind == "passport" else "identity document"
    return Outcome(
        status=Status.FAIL if kind == "passport" else Status.REVIEW,
        message=f"No machine readable zone (the 2 or 3 lines of letters, digits and '<' at the bottom) could "
        f"be read on this {what}.",
        measured="not read",
        threshold="MRZ readable",
        unit="mrz",
    )


MRZ_UNREADABLE = DocumentCheck(
    code="MRZ_UNREADABLE",
    moot_when=moot.ZONE_UNREADABLE,
    summary="The identity document should have a machine readable zone, but none could be read.",
    remediation="Retake the photo of the page with your photo on it so that the lines of letters and '<' "
    "signs at the bottom are fully in the picture, sharp and free of glare. For an ID card, add the side "
    "with those lines.",
    threshold_source="ICAO Doc 9303 parts 4-7: judged only where the photographed side carries an MRZ: a "
    "passport's data page (fail), a visa (review), an ID card's or residence permit's back (review; the "
    "manifest's side says which side a file is). A card front, or a card of unnamed side with no MRZ on it, "
    "is not judged; driving licences carry none. No type given: review.",
    roles=_ID,
    evaluate=_unreadable,
)


def _check_digits(doc: DocumentContext) -> Outcome | None:
    reading = mrz_reading(doc)
    if reading is None or not zone_read(reading.parsed):
        return None
    p = reading.parsed
    bad = p.invalid_checks
    region = Region(polygon=reading.polygon)
    if not bad:
        return Outcome(
            status=Status.PASS,
            message=f"All {len(p.checks)} MRZ check digits hold.",
            measured=0,
            threshold=0,
            unit="invalid_check_digits",
            region=region,
        )
    names = ", ".join(CHECK_NAMES[name] for name in bad)
    if set(bad) <= p.uncertain:
        # Every failing digit guards characters OCR could have misread (several readings fit, or re-reads of
        # the line disagree): a genuine document must not fail on a misread letter.
        return Outcome(
            status=Status.REVIEW,
            message=f"The MRZ could not be read with certainty: {len(bad)} check digits ({names}) may be misread "
            "(each holds for another reading of the same characters).",
            measured=len(bad),
            threshold=0,
            unit="invalid_check_digits",
            region=region,
        )
    return Outcome(
        status=Status.FAIL,
        message=f"{len(bad)} of {len(p.checks)} MRZ check digits do not match their field: {names}.",
        measured=len(bad),
        threshold=0,
        unit="invalid_check_digits",
        region=region,
    )


MRZ_CHECK_DIGIT_INVALID = DocumentCheck(
    code="MRZ_CHECK_DIGIT_INVALID",
    moot_when=moot.ZONE_DIGITS_UNREADABLE,
    moot_when_unsure=moot.SMALL_TEXT,
    summary="A check digit in the machine readable zone does not match the field it protects.",
    remediation="Retake the photo so that the lines at the bottom of the document are sharp, straight and "
    "free of glare. If this message comes back, the document may be damaged or altered: use another one.",
    threshold_source="ICAO Doc 9303 part 3 section 4.9: every protected field must match its 7-3-1 check "
    "digit; providers' readers reject a zone whose digits fail. A failing digit whose field could be a "
    "letter/digit misread (another reading fits, or re-reads disagree) is a review, not a fail.",
    roles=_ID,
    evaluate=_check_digits,
)


def _declared_mismatches(doc: DocumentContext) -> Iterator[Outcome]:
    failed = False
    for outcome in _field_mismatches(doc):
        failed = failed or outcome.status is Status.FAIL
        if outcome.status is not Status.PASS or not failed:
            yield outcome


def _field_mismatches(doc: DocumentContext) -> Iterator[Outcome]:
    reading = mrz_reading(doc)
    declared = doc.spec.declared
    if reading is None or not values_proven(reading.parsed):
        return
    p = reading.parsed
    region = Region(polygon=reading.polygon)
    compared: list[str] = []
    if declared.document_number and p.checks.get("doc"):
        compared.append("document number")
        if _number_key(declared.document_number) != _number_key(p.document_number):
            yield Outcome(
                status=Status.FAIL,
                message=f"The declared document number {mask(declared.document_number)} is not the one in "
                f"the MRZ ({mask(p.document_number)}).",
                measured=mask(p.document_number),
                threshold=mask(declared.document_number),
                unit="document_number",
                region=region,
            )
    dates = (
        ("expiry date", declared.expiry_date, p.expiry_date() if p.checks.get("exp") else None),
        (
            "date of birth",
            declared.date_of_birth,
            p.date_of_birth(doc.bundle.submit_on) if p.checks.get("dob") else None,
        ),
    )
    for label, text, from_mrz in dates:
        reading_of = read_date(text) if text else None
        if reading_of is None or from_mrz is None:
            continue
        compared.append(label)
        if from_mrz not in reading_of.readings:
            yield Outcome(
                status=Status.FAIL,
                message=f"The declared {label} {text} is not the one in the MRZ ({from_mrz.isoformat()}).",
                measured=from_mrz.isoformat(),
                threshold=text,
                unit="date",
                region=region,
            )
    if declared.full_name:
        compared.append("name")
        verdict = compare_names(declared.full_name, p.surname, p.given_names)
        if not verdict.same:
            yield Outcome(
                status=Status.FAIL,
                message=f"The declared name does not match the MRZ name: {verdict.reason}.",
                measured=verdict.score,
                threshold=verdict.threshold,
                unit="name_similarity",
                region=region,
            )
    if compared:
        yield Outcome(
            status=Status.PASS,
            message=f"Compared with the MRZ: {', '.join(compared)}.",
            measured=len(compared),
            unit="fields_compared",
            region=region,
        )


def _number_key(number: str) -> str:
    """Document numbers compare without spaces, dashes or fillers, with O and 0 as one character (OCR-B)."""
    return "".join(c for c in number.upper() if c.isalnum()).replace("O", "0")


MRZ_PROFILE_MISMATCH = DocumentCheck(
    code="MRZ_PROFILE_MISMATCH",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="A value declared for the identity document (number, expiry, date of birth, name) differs from its MRZ.",
    remediation="Check the values entered for this document against the document itself and correct them; "
    "if you sent a different document than the one you registered, send the registered one.",
    threshold_source="Exact equality for numbers and dates (ICAO Doc 9303 fields); names by the tolerant "
    "comparison of workers.checks.identity.names (docs/calibration/identity.md).",
    roles=_ID,
    evaluate=lambda doc: list(_declared_mismatches(doc)) or None,
)
