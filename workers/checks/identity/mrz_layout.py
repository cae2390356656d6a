"""ICAO Doc 9303 machine readable zone layouts: where each field sits and which check digit guards it.

Positions are 0-based, end-exclusive, copied from the field tables of Doc 9303 (8th ed., 2021):
part 4 section 4.2.2 (TD3 passports), part 5 section 4.2.2 (TD1 cards), part 6 section 4.2.2 (TD2 cards),
part 7 sections 4.2.2 and 5.2.2 (MRV-A and MRV-B visas). One national layout is known besides them: the French
national identity card issued until August 2021 (2x36 like TD2, but its own fields; still in circulation).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MrzFormat(StrEnum):
    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRV_A = "MRV-A"
    MRV_B = "MRV-B"
    FRA_ID = "FRA-ID"  # French national identity card before 2021: not ICAO, see _FRA_ID


class Kind(StrEnum):
    """What characters a field may hold; OCR confusions are corrected towards this kind."""

    ALPHA = "alpha"  # letters and filler
    NUMERIC = "numeric"  # digits (dates)
    CHECK = "check"  # one digit, or filler where Doc 9303 allows an empty field's digit to be '<'
    ANY = "any"  # letters, digits and filler (document numbers, optional data)
    SEX = "sex"  # M, F, X or filler
    CODE = "code"  # a 3-letter state code; all-digit codes are kept as printed (national quirks)
    TYPE = "type"  # document code: first character a letter, second as printed (US 'C1' cards)


@dataclass(frozen=True)
class Span:
    line: int
    start: int
    end: int

    def take(self, lines: tuple[str, ...] | list[str]) -> str:
        return lines[self.line][self.start : self.end]


@dataclass(frozen=True)
class Layout:
    format: MrzFormat
    lines: int
    width: int
    fields: dict[str, tuple[Span, Kind]]
    # check name -> (field it guards, position of its digit)
    checks: dict[str, tuple[str, Span]]
    # the composite (final) check digit: the spans it covers, and where it is; None for visas
    composite: tuple[tuple[Span, ...], Span] | None


def _s(line: int, start: int, end: int | None = None) -> Span:
    return Span(line, start, start + 1 if end is None else end)


_TD1 = Layout(
    MrzFormat.TD1,
    3,
    30,
    fields={
        "document_type": (_s(0, 0, 2), Kind.TYPE),
        "issuing_country": (_s(0, 2, 5), Kind.CODE),
        "document_number": (_s(0, 5, 14), Kind.ANY),
        "optional_1": (_s(0, 15, 30), Kind.ANY),
        "birth_date": (_s(1, 0, 6), Kind.NUMERIC),
        "sex": (_s(1, 7), Kind.SEX),
        "expiry_date": (_s(1, 8, 14), Kind.NUMERIC),
        "nationality": (_s(1, 15, 18), Kind.CODE),
        "optional_2": (_s(1, 18, 29), Kind.ANY),
        "name": (_s(2, 0, 30), Kind.ALPHA),
    },
    checks={
        "doc": ("document_number", _s(0, 14)),
        "dob": ("birth_date", _s(1, 6)),
        "exp": ("expiry_date", _s(1, 14)),
    },
    composite=((_s(0, 5, 30), _s(1, 0, 7), _s(1, 8, 15), _s(1, 18, 29)), _s(1, 29)),
)


def _two_line(fmt: MrzFormat, width: int) -> Layout:
    """TD2, TD3 and both visas share line 2 up to the expiry check digit (Doc 9303 parts 4, 6, 7)."""
    visa = fmt in (MrzFormat.MRV_A, MrzFormat.MRV_B)
    fields: dict[str, tuple[Span, Kind]] = {
        "document_type": (_s(0, 0, 2), Kind.TYPE),
        "issuing_country": (_s(0, 2, 5), Kind.CODE),
        "name": (_s(0, 5, width), Kind.ALPHA),
        "document_number": (_s(1, 0, 9), Kind.ANY),
        "nationality": (_s(1, 10, 13), Kind.CODE),
        "birth_date": (_s(1, 13, 19), Kind.NUMERIC),
        "sex": (_s(1, 20), Kind.SEX),
        "expiry_date": (_s(1, 21, 27), Kind.NUMERIC),
    }
    checks = {
        "doc": ("document_number", _s(1, 9)),
        "dob": ("birth_date", _s(1, 19)),
        "exp": ("expiry_date", _s(1, 27)),
    }
    composite: tuple[tuple[Span, ...], Span] | None
    if visa:
        fields["optional_2"] = (_s(1, 28, width), Kind.ANY)
        composite = None
    elif fmt is MrzFormat.TD3:
        fields["optional_2"] = (_s(1, 28, 42), Kind.ANY)  # personal number
        checks["pers"] = ("optional_2", _s(1, 42))
        composite = ((_s(1, 0, 10), _s(1, 13, 20), _s(1, 21, 43)), _s(1, 43))
    else:
        fields["optional_2"] = (_s(1, 28, 35), Kind.ANY)
        composite = ((_s(1, 0, 10), _s(1, 13, 20), _s(1, 21, 35)), _s(1, 35))
    return Layout(fmt, 2, width, fields, checks, composite)


# The French national identity card issued from 1988 to August 2021 (arrêté of 19 March 1988, still valid
# for travel; cards of 2004-2013 run 15 years): two lines of 36 starting "IDFRA", but not TD2. Line 1: type,
# state, surname (25), issuing department and office (6). Line 2: the 12-character card number (issue year
# and month, department, sequence), its digit, given names (14), date of birth, its digit, sex, and a
# composite digit over both lines. No nationality (the card is issued to French nationals only) and no expiry
# date in the zone. Digits are 7-3-1 as in Doc 9303 (checked on the corpus specimen
# mrz_detection_imagejs/id1.jpg: all three hold).
_FRA_ID = Layout(
    MrzFormat.FRA_ID,
    2,
    36,
    fields={
        "document_type": (_s(0, 0, 2), Kind.TYPE),
        "issuing_country": (_s(0, 2, 5), Kind.CODE),
        "name": (_s(0, 5, 30), Kind.ALPHA),
        "optional_1": (_s(0, 30, 36), Kind.ANY),
        "document_number": (_s(1, 0, 12), Kind.ANY),
        "given_names": (_s(1, 13, 27), Kind.ALPHA),
        "birth_date": (_s(1, 27, 33), Kind.NUMERIC),
        "sex": (_s(1, 34), Kind.SEX),
    },
    checks={
        "doc": ("document_number", _s(1, 12)),
        "dob": ("birth_date", _s(1, 33)),
    },
    composite=((_s(0, 0, 36), _s(1, 0, 35)), _s(1, 35)),
)
# How the French card's first line starts, read with the OCR-B digit/letter confusions undone (a '1' for I).
_FRA_ID_START = "IDFRA"
_AS_LETTERS = str.maketrans("0125864", "OIZSBGA")

LAYOUTS: dict[MrzFormat, Layout] = {
    MrzFormat.TD1: _TD1,
    MrzFormat.TD2: _two_line(MrzFormat.TD2, 36),
    MrzFormat.TD3: _two_line(MrzFormat.TD3, 44),
    MrzFormat.MRV_A: _two_line(MrzFormat.MRV_A, 44),
    MrzFormat.MRV_B: _two_line(MrzFormat.MRV_B, 36),
    MrzFormat.FRA_ID: _FRA_ID,
}


def layout_for(line_count: int, width: int, first_line: str) -> Layout | None:
    """The layout a block of `line_count` lines of `width` characters must follow, from its first line: visas
    start with 'V', the French national card with "IDFRA"."""
    first_char = first_line[:1]
    if line_count == 3 and width == 30:
        return LAYOUTS[MrzFormat.TD1]
    if line_count == 2 and width == 44:
        return LAYOUTS[MrzFormat.MRV_A if first_char == "V" else MrzFormat.TD3]
    if line_count == 2 and width == 36:
        if first_line[:5].translate(_AS_LETTERS) == _FRA_ID_START:
            return LAYOUTS[MrzFormat.FRA_ID]
        return LAYOUTS[MrzFormat.MRV_B if first_char == "V" else MrzFormat.TD2]
    return None
