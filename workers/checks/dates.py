"""Reading declared dates: ISO is the contract; other forms only where they cannot be misread."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_NUMERIC = re.compile(r"^\s*(\d{1,4})[./\-\s](\d{1,2})[./\-\s](\d{1,4})\s*$")
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
# Day, month name, year ('5 March 2030'), spaced or run together as US visas print them ('28JUL2014': the month
# name parts the numbers, so nothing is ambiguous); month name, day, year ('March 5, 2030') only spaced, where
# '51966' would not tell the day from the year.
_WORDY = re.compile(r"^\s*(\d{1,2})\.?\s*([A-Za-z]+)\.?,?\s*(\d{4})\s*$|^\s*([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\s*$")
# As identity documents print it (ICAO Doc 9303 part 3, 4.1.4: day, month abbreviation, year; bilingual
# documents add the month in a second language after a slash): '31 DEC/DÉC 30', '15 APR/AVR 2012'.
_PRINTED = re.compile(r"^\s*(\d{1,2})\s*([^\W\d_]{3,9})\.?\s*/\s*([^\W\d_]{3,9})\.?\s*(\d{2}|\d{4})\s*$")
_TWO_DIGIT_WORDY = re.compile(r"^\s*(\d{1,2})\s*([A-Za-z]{3,9})\.?\s*(\d{2})\s*$")


@dataclass(frozen=True)
class DateReading:
    """A declared date: the one reading when it is certain, or every reading when the form is ambiguous."""

    text: str
    readings: tuple[date, ...]

    @property
    def ambiguous(self) -> bool:
        return len(self.readings) > 1

    @property
    def value(self) -> date | None:
        return self.readings[0] if len(self.readings) == 1 else None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(year_s: str, pivot: int | None) -> int | None:
    if len(year_s) == 4:
        return int(year_s)
    if pivot is None:
        return None
    return (2000 if int(year_s) <= pivot else 1900) + int(year_s)


def _printed(text: str, pivot: int | None) -> DateReading | None:
    """'31 DEC/DÉC 30' and, with a `pivot`, '31 DEC 30': the day, a month name (English in at least one of
    the two languages; two that are both known must agree) and a year."""
    bilingual = _PRINTED.match(text)
    two_digit = None if bilingual else _TWO_DIGIT_WORDY.match(text)
    if bilingual:
        day_s, year_s = bilingual[1], bilingual[4]
        known = {m for m in (_MONTHS.get(bilingual[2].lower()), _MONTHS.get(bilingual[3].lower())) if m}
    elif two_digit:
        day_s, year_s = two_digit[1], two_digit[3]
        known = {m for m in (_MONTHS.get(two_digit[2].lower()),) if m}
    else:
        return None
    year = _full_year(year_s, pivot)
    if len(known) != 1 or year is None:
        return None
    found = _valid(year, known.pop(), int(day_s))
    return DateReading(text, (found,)) if found else None


def read_date(text: str, *, pivot: int | None = None, short_day_first: bool = False) -> DateReading | None:
    """Read `text` as a date. None if it is not a date at all.

    ISO `YYYY-MM-DD` and `YYYY/MM/DD` are certain; `DD/MM/YYYY` vs `MM/DD/YYYY` is ambiguous whenever both parts
    are at most 12 and differ, and then both readings are returned rather than guessing. A two-digit year is
    accepted only next to a month name and only when the caller says which century it is in: years up to
    `pivot` are 20xx, later ones 19xx. Numeric two-digit years ('03/04/05') are refused, having no safe
    reading, unless the caller knows the document prints day, month, year (`short_day_first`: a Doc 9303
    document, printed_dates.standard_day_first) and gives the `pivot`.
    """
    printed = _printed(text, pivot)
    if printed is not None:
        return printed
    wordy = _WORDY.match(text)
    if wordy:
        day_s, month_s, year_s = (
            wordy.group(1, 2, 3) if wordy.group(1) else (wordy.group(5), wordy.group(4), wordy.group(6))
        )
        month = _MONTHS.get(month_s.lower())
        found = _valid(int(year_s), month, int(day_s)) if month else None
        return DateReading(text, (found,)) if found else None
    numeric = _NUMERIC.match(text)
    if not numeric:
        return None
    a, b, c = (int(x) for x in numeric.groups())
    if len(numeric.group(1)) == 4:
        found = _valid(a, b, c)
        return DateReading(text, (found,)) if found else None
    if len(numeric.group(3)) != 4:
        if short_day_first and len(numeric.group(3)) == 2 and len(numeric.group(1)) <= 2:
            year = _full_year(numeric.group(3), pivot)
            found = _valid(year, b, a) if year is not None else None
            return DateReading(text, (found,)) if found else None
        return None  # two-digit years hide the century and the order: not accepted
    readings = {r for r in (_valid(c, b, a), _valid(c, a, b)) if r is not None}
    if not readings:
        return None
    return DateReading(text, tuple(sorted(readings)))
