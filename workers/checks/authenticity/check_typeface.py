"""A personal field retyped in another typeface: its print leans differently from the document's other fields.

An issuer prints all of a card's personal data in one pass, in one typeface. A forger who paints over a name
or a date and types a new one rarely matches the typeface, and an italic or oblique face is the plainest
mismatch: its strokes lean 8-16 degrees where the other fields stand upright (or the reverse). The applicant's
own fields are found among the printed lines the identity checks read (workers/checks/identity/page_text.py)
by the applicant's profile: the name's words, the date of birth, the declared document number.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import cv2
import numpy as np

from workers.checks import moot
from workers.checks.authenticity.check_local import REVIEW_HINT
from workers.checks.authenticity.slant import text_slant
from workers.checks.context import DocumentContext
from workers.checks.dates import read_date
from workers.checks.identity.date_text import find_dates
from workers.checks.identity.line_geometry import crop_line
from workers.checks.identity.mrz_read import looks_like_mrz
from workers.checks.identity.names import same_word, words
from workers.checks.identity.page_text import PageLine, document_page
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Region, Status
from workers.checks.spec import DocumentCheck

# Slant difference (degrees) from the other personal fields above which a field is in another typeface.
# Calibration (bench/calibrate_typeface.py, docs/calibration/authenticity.md): the personal fields of 40 clean
# generated cards and passports differ by 0.0-1.5 (about one histogram bin), the corpus documents judged by
# 0.0-1.0; a field retyped in an oblique face differs by 10.8-12.8, the italic given name of sidtd
# fake_ir_2_alb00 by 9.8. Upright and italic faces differ by 8 or more: 6 sits between.
MAX_SLANT_DIFFERENCE = 6.0
# Least stem agreement (slant.text_slant) for a line's slant to count. Corpus: lines read reliably (several
# stems, print 30+ px high) agree 0.29-0.61, the unreliable ones (short words of diagonal letters, small blurred
# print: "VZOR", "ARGEDAS" at 35 px on a blurred photo) 0.13-0.21 and read up to 24 degrees off.
MIN_STEM_AGREEMENT = 0.3
# A value line holds a few words (a name, a date, a number), not a sentence or a label block.
MAX_FIELD_WORDS = 4


@dataclass(frozen=True)
class _Field:
    line: PageLine
    slant: float


def _name_words_in(text: str, name_words: list[str]) -> list[str]:
    """The name's words found on a line short enough to be one field (none on longer lines)."""
    tokens = words(text)
    if not 0 < len(tokens) <= MAX_FIELD_WORDS:
        return []
    return [w for w in name_words if any(same_word(t, w) for t in tokens)]


def _is_date_line(text: str, wanted: set[object], country: str | None) -> bool:
    has_digit = any(c.isdigit() for c in text)  # no date without one: skips the parser on most lines
    return bool(wanted) and has_digit and any(found.value in wanted for found in find_dates(text, country))


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def personal_lines(ctx: DocumentContext) -> list[PageLine]:
    """The printed lines holding the applicant's own data (name words, date of birth, document number)."""
    profile = ctx.bundle.spec.profile
    name_words = words(profile.full_name)
    ends = {name_words[0], name_words[-1]} if len(name_words) >= 2 else None
    birth = read_date(profile.date_of_birth) if profile.date_of_birth else None
    wanted: set[object] = set(birth.readings) if birth else set()
    number = _alnum(ctx.spec.declared.document_number or "")
    country = ctx.spec.issuing_country or profile.country
    found = []
    for line in document_page(ctx):
        if looks_like_mrz(line.text) or "<" in line.text:
            continue  # the MRZ (or part of it) is printed in OCR-B by design, whatever the visual zone's typeface
        named = _name_words_in(line.text, name_words)
        if named and ends is not None and ends <= set(named):
            continue  # the name's first and last word on one line: the holder's signature, as a rule, handwritten
        if named or _is_date_line(line.text, wanted, country) or (len(number) >= 5 and number in _alnum(line.text)):
            found.append(line)
    return found


def _slanted(ctx: DocumentContext, line: PageLine) -> _Field | None:
    """The line with its slant, or None when its stems do not agree on one."""
    strip = crop_line(ctx.capture.rgb, np.array(line.quad, np.float32))
    slant, agreement = text_slant(np.asarray(cv2.cvtColor(strip, cv2.COLOR_RGB2GRAY), dtype=np.uint8))
    return _Field(line, slant) if agreement >= MIN_STEM_AGREEMENT else None


def typeface_mismatch(ctx: DocumentContext) -> Outcome | None:
    if not ctx.capture.decodes or "surname" in ctx.read_fields:
        # With a machine readable zone read, the MRZ carries the personal data under check digits and the
        # identity checks hold the profile against it; the typeface is judged where print is all there is.
        return None
    fields = [f for f in (_slanted(ctx, line) for line in personal_lines(ctx)) if f is not None]
    if len(fields) < 3:
        return None  # with two fields there is no telling which one is the odd one
    # Each field against the median of the others: the field furthest from its reference is the odd one.
    references = [statistics.median(f.slant for f in fields if f is not current) for current in fields]
    difference, odd, reference = max(
        ((abs(f.slant - r), f, r) for f, r in zip(fields, references, strict=True)), key=lambda t: t[0]
    )
    if difference > MAX_SLANT_DIFFERENCE:
        return Outcome(
            status=Status.REVIEW,
            message=(
                f"One of the applicant's printed fields leans {odd.slant:.1f} degrees where the other "
                f"{len(fields) - 1} stand at {reference:.1f} (difference {difference:.1f}, limit "
                f"{MAX_SLANT_DIFFERENCE:.0f}): it may have been retyped in another typeface."
            ),
            measured=round(difference, 1),
            threshold=MAX_SLANT_DIFFERENCE,
            unit="degrees",
            region=Region(polygon=[[round(x, 1), round(y, 1)] for x, y in odd.line.quad]),
        )
    return Outcome(
        status=Status.PASS,
        message=(
            f"The applicant's {len(fields)} printed fields lean alike (largest difference {difference:.1f} "
            f"degrees, limit {MAX_SLANT_DIFFERENCE:.0f})."
        ),
        measured=round(difference, 1),
        threshold=MAX_SLANT_DIFFERENCE,
        unit="degrees",
    )


EDIT_FIELD_TYPEFACE = DocumentCheck(
    code="EDIT_FIELD_TYPEFACE",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="One of the applicant's printed fields is in a different typeface (slant) from the others.",
    remediation=REVIEW_HINT,
    threshold_source=(
        "6 degrees of slant difference: the personal fields of clean generated documents and of the corpus "
        "differ by at most 1.5 degrees, fields retyped in an oblique or italic face by 9.8-12.8 "
        "(docs/calibration/authenticity.md)."
    ),
    roles=frozenset({Role.ID_DOCUMENT}),
    evaluate=typeface_mismatch,
)

CHECKS = [EDIT_FIELD_TYPEFACE]
