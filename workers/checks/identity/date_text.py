"""Find calendar dates in printed text, in many formats and languages ('5 Oct 2026', '05/10/2026',
'2026-10-05', 'October 5, 2026', '5. Oktober 2026', '5 de octubre de 2026', '2026年10月5日'). Pure code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from unidecode import unidecode

_MONTH_WORDS = {
    1: "january jan januar janvier janv enero ene gennaio gen januari janeiro stycznia styczen",
    2: "february feb februar fevrier fev fevr febrero febbraio februari fevereiro lutego luty",
    3: "march mar marz maerz mars marzo maart marco marca marzec",
    4: "april apr avril avr abril abr aprile kwietnia kwiecien",
    5: "may mai mayo mag maggio mei maio maj maja",
    6: "june jun juni juin junio giugno giu junho czerwca czerwiec",
    7: "july jul juli juillet juil julio luglio lug julho lipca lipiec",
    8: "august aug aout agosto ago augustus augusti sierpnia sierpien",
    9: "september sep sept septembre septiembre settembre set setembro wrzesnia wrzesien",
    10: "october oct oktober okt octobre octubre ottobre ott outubro out pazdziernika pazdziernik",
    11: "november nov novembre noviembre novembro listopada listopad",
    12: "december dec dezember dez decembre diciembre dic dicembre desember des dezembro grudnia grudzien",
}
MONTHS = {word: month for month, words in _MONTH_WORDS.items() for word in words.split()}

_ISO = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\d./-])")
# '5 Oct 2026', '5. Oktober 2026', '5 de octubre de 2026', and as bank statements print it, '05-Oct-2026'.
_DAY_MONTH = re.compile(
    r"(?<![\d])(\d{1,2})(?:st|nd|rd|th|er)?\.?(?:\s*|[-/])(?:de\s+)?([a-z]{3,12})\.?,?(?:\s*|[-/])(?:de\s+)?(\d{4})"
)
_MONTH_DAY = re.compile(r"\b([a-z]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
# Countries that write numeric dates month first (ISO 3166 alpha-2): the United States and a few others.
MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI"})


@dataclass(frozen=True)
class FoundDate:
    value: date
    text: str
    # True when day and month could be swapped and the country's convention decided.
    ambiguous: bool = False


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, country: str | None = None) -> list[FoundDate]:
    """Every date written in `text`, in order of appearance (duplicates kept).

    Numeric day/month order follows `country` (month first in the US) when both readings are valid dates.
    """
    found: list[tuple[int, FoundDate]] = []
    for m in _CJK.finditer(text):
        if (d := _make(int(m[1]), int(m[2]), int(m[3]))) is not None:
            found.append((m.start(), FoundDate(d, m[0])))
    plain = unidecode(text).lower()
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in _ISO.finditer(plain):
        if (d := _make(int(m[1]), int(m[2]), int(m[3]))) is not None:
            found.append((m.start(), FoundDate(d, m[0])))
            taken.append(m.span())
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for m in pattern.finditer(plain):
            month = MONTHS.get(m[month_group])
            if month and free(m) and (d := _make(int(m[3]), month, int(m[day_group]))) is not None:
                found.append((m.start(), FoundDate(d, m[0])))
                taken.append(m.span())
    month_first = (country or "").upper() in MONTH_FIRST_COUNTRIES
    for m in _NUMERIC.finditer(plain):
        if not free(m):
            continue
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        day_first, month_first_reading = _make(year, b, a), _make(year, a, b)
        readings = [r for r in (day_first, month_first_reading) if r is not None]
        if not readings:
            continue
        ambiguous = len(set(readings)) > 1
        chosen = (month_first_reading if month_first else day_first) if ambiguous else readings[0]
        if chosen is not None:
            found.append((m.start(), FoundDate(chosen, m[0], ambiguous)))
    return [f for _, f in sorted(found, key=lambda pair: pair[0])]


# Words that label the date a statement or bill was issued, and words that label other dates on it.
_ISSUE_WORDS = re.compile(
    r"statement|invoice|bill date|issued|date of issue|dated|\bdate\b|datum|rechnungsdatum|ausstellung|"
    r"facture|fecha|emision|data|del\b|udstedt|utfardad|wystawienia|issue"
)
_OTHER_WORDS = re.compile(r"due|payable|period|from|until|bis|falli|echeance|vencimiento|scadenza|birth|geboren")


# Labels that name only the date a document was issued ("\bdate\b", "data" and "del" also label other dates:
# a meter reading date, "data di nascita"), and the score of a date on a line labelled as the issue date only.
_STRONG_ISSUE_WORDS = re.compile(
    r"statement|invoice|bill date|issued|date of issue|rechnungsdatum|ausstellung|facture|emision|emission|udstedt|"
    r"utfardad|wystawienia"
)
ISSUE_LABELLED = 2


def _ranked_statement_date(
    lines: list[str], country: str | None, latest: date
) -> tuple[int, date, FoundDate, str] | None:
    best: tuple[int, date, FoundDate, str] | None = None
    for line in lines:
        plain = unidecode(line).lower()
        score = (ISSUE_LABELLED if _ISSUE_WORDS.search(plain) else 0) - (3 if _OTHER_WORDS.search(plain) else 0)
        for found in find_dates(line, country):
            if found.value > latest:
                continue
            key = (score, found.value)
            if best is None or key > best[:2]:
                best = (score, found.value, found, plain)
    return best


def statement_date(lines: list[str], country: str | None, latest: date) -> FoundDate | None:
    """The date a bill or statement was issued: a labelled issue date first, else the latest date that is not
    after `latest` (due dates and period ends come later than the issue date on most bills, so labels win)."""
    best = _ranked_statement_date(lines, country, latest)
    return best[2] if best else None


def labelled_statement_date(lines: list[str], country: str | None, latest: date) -> FoundDate | None:
    """statement_date when its line names it as the issue date in so many words ('Statement date',
    'Rechnungsdatum', 'Date of issue'), and as no other date; else None."""
    best = _ranked_statement_date(lines, country, latest)
    if best is None or best[0] < ISSUE_LABELLED or not _STRONG_ISSUE_WORDS.search(best[3]):
        return None
    return best[2]
