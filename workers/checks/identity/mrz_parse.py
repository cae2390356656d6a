"""Parse MRZ lines that are already the right shape: fields, 7-3-1 check digits, composite digit, dates.

Pure code, no OCR: `parse_mrz(["P<UTO...", "L898902C3..."])`. OCR clean-up lives in `mrz_correct`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workers.checks.identity.mrz_layout import Layout, MrzFormat, layout_for

FILLER = "<"
MRZ_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_WEIGHTS = (7, 3, 1)  # Doc 9303 part 3 section 4.9: weights 7, 3, 1 repeated


def char_value(ch: str) -> int:
    """Doc 9303 part 3 section 4.9: digits are their value, A-Z are 10-35, the filler '<' is 0."""
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    return 0


def check_digit(text: str) -> str:
    """The 7-3-1 check digit of `text` (modulus 10 of the weighted sum), as a one-character string."""
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)


def digit_matches(text: str, digit: str) -> bool:
    """Whether `digit` is a correct check digit for `text`.

    Doc 9303 part 3 section 4.9 lets an empty (all-filler) field carry '<' as its check digit; TD3 part 4
    note j allows '<' or '0' for an unused personal number.
    """
    if digit == FILLER:
        return set(text) <= {FILLER}
    return check_digit(text) == digit


@dataclass(frozen=True)
class ParsedMrz:
    """The fields of one MRZ, as printed (fillers removed from names), and which check digits hold."""

    format: MrzFormat
    lines: tuple[str, ...]
    document_type: str
    issuing_country: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_yymmdd: str
    sex: str
    expiry_yymmdd: str
    optional_data: str
    # check name (doc, dob, exp, pers, final) -> whether the printed digit matches
    checks: dict[str, bool]
    # checks whose field (or digit) could not be read with certainty: more than one reading of the OCR'd
    # characters makes the digit hold, or the re-reads disagree (filled by mrz_correct / mrz_read)
    uncertain: frozenset[str] = frozenset()

    @property
    def invalid_checks(self) -> list[str]:
        return [name for name, ok in self.checks.items() if not ok]

    @property
    def valid(self) -> bool:
        return all(self.checks.values())

    def date_of_birth(self, today: date) -> date | None:
        """Birth dates are never in the future: a two-digit year after this year is in the last century."""
        return yymmdd_to_date(self.birth_yymmdd, pivot=today.year % 100)

    def expiry_date(self) -> date | None:
        """Expiry years: 00-69 are 20xx, 70-99 are 19xx (no machine-readable document predates 1970)."""
        return yymmdd_to_date(self.expiry_yymmdd, pivot=69)


def valid_digits(parsed: ParsedMrz) -> int:
    """How many of the reading's check digits hold."""
    return sum(parsed.checks.values())


def yymmdd_to_date(text: str, *, pivot: int) -> date | None:
    """A YYMMDD date with years up to `pivot` in 20xx and later ones in 19xx; None if not a valid date."""
    if len(text) != 6 or not text.isdigit():
        return None
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    try:
        return date((2000 if yy <= pivot else 1900) + yy, mm, dd)
    except ValueError:
        return None


def split_name(field: str) -> tuple[str, str]:
    """Primary and secondary identifiers: '<<' separates them, single '<' separates words (part 3, 4.6)."""
    primary, _, secondary = field.strip(FILLER).partition("<<")
    return _words(primary), _words(secondary)


def _words(field: str) -> str:
    return " ".join(w for w in field.split(FILLER) if w)


def _long_document_number(layout: Layout, lines: tuple[str, ...], number: str, digit: str) -> tuple[str, str]:
    """Numbers over 9 characters: '<' at the check position, the rest in the optional data, then the digit.

    Doc 9303 part 5 note j (TD1) and part 6 note j (TD2). When the optional data holds no continuation the
    document simply has no check digit for its number (seen on Austrian ID specimens): the field is then read
    as printed and not reported as invalid.
    """
    if digit != FILLER or ("optional_1" not in layout.fields and layout.format is not MrzFormat.TD2):
        return number, digit
    optional_name = "optional_1" if "optional_1" in layout.fields else "optional_2"
    rest = layout.fields[optional_name][0].take(lines).split(FILLER)[0]
    if not rest:
        return number.rstrip(FILLER), "" if number.strip(FILLER) else FILLER
    return number + rest[:-1], rest[-1]


def parse_mrz(lines: list[str] | tuple[str, ...]) -> ParsedMrz | None:
    """Parse well-shaped MRZ lines (2x44, 2x36 or 3x30 of A-Z, 0-9, '<'); None if the shape is not ICAO's (or
    the French national card's, mrz_layout._FRA_ID)."""
    lines = tuple(lines)
    if not lines or len({len(line) for line in lines}) != 1:
        return None
    layout = layout_for(len(lines), len(lines[0]), lines[0])
    if layout is None:
        return None
    value = {name: span.take(lines) for name, (span, _kind) in layout.fields.items()}
    checks: dict[str, bool] = {}
    number = value["document_number"]
    for name, (field_name, where) in layout.checks.items():
        text, digit = value[field_name], where.take(lines)
        if name == "doc":
            text, digit = _long_document_number(layout, lines, text, digit)
            number = text
            checks[name] = digit == "" or digit_matches(text, digit)
        elif name == "pers":
            checks[name] = digit_matches(text, digit) or (digit == "0" and set(text) <= {FILLER})
        else:
            checks[name] = digit_matches(text, digit)
    if layout.composite is not None:
        spans, where = layout.composite
        checks["final"] = digit_matches("".join(s.take(lines) for s in spans), where.take(lines))
    surname, given = split_name(value["name"])
    if "given_names" in value:  # a national layout with a field of its own for them (the French card)
        given = _words(value["given_names"])
    optional = (value.get("optional_1", "") + value.get("optional_2", "")).strip(FILLER)
    return ParsedMrz(
        format=layout.format,
        lines=lines,
        document_type=value["document_type"].strip(FILLER),
        issuing_country=value["issuing_country"].strip(FILLER),
        document_number=number.strip(FILLER),
        surname=surname,
        given_names=given,
        # The French card has no nationality field: it is issued to the state's nationals only.
        nationality=value.get("nationality", value["issuing_country"]).strip(FILLER),
        birth_yymmdd=value["birth_date"],
        sex=value["sex"].replace(FILLER, "X"),
        expiry_yymmdd=value.get("expiry_date", ""),  # none in the French card's zone: no expiry_date()
        optional_data=optional,
        checks=checks,
    )
