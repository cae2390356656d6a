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
_WORDY = re.compile(r"^\s*(\d{1,2})\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})\s*$|^\s*([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\s*$")


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


def read_date(text: str) -> DateReading | None:
    """Read `text` as a date. None if it is not a date at all.

    ISO `YYYY-MM-DD` and `YYYY/MM/DD` are certain; `DD/MM/YYYY` vs `MM/DD/YYYY` is ambiguous whenever both parts
    are at most 12 and differ, and then both readings are returned rather than guessing.
    """
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
        return None  # two-digit years hide the century: not accepted
    readings = {r for r in (_valid(c, b, a), _valid(c, a, b)) if r is not None}
    if not readings:
        return None
    return DateReading(text, tuple(sorted(readings)))
