"""The labels printed next to dates in a document's visual zone, and the dates printed after them.

Labels are matched on a line folded to lower-case ASCII letter by letter (so a match's position is its position in
the printed line); CJK labels are matched as printed. Dates are cut out of the text here and read by
`workers.checks.dates.read_date` (one parser for every date in the engine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from unidecode import unidecode

from workers.checks.dates import DateReading, read_date


class Kind(StrEnum):
    EXPIRY = "expiry"
    ISSUE = "issue"
    BIRTH = "birth"
    VALIDITY = "validity"  # 'Validity 17.10.03-09.05.2013': a range whose end is the expiry
    OTHER = "other"  # a labelled field that holds no date (place of birth, authority...): it owns its value


# EU driving licence field numbers (Directive 2006/126/EC, Annex I: 3 date and place of birth, 4a date of issue,
# 4b date of expiry), then the labels in the languages of the corpus' documents and of the issue's list.
_LABELS: dict[Kind, str] = {
    Kind.EXPIRY: r"(?<![\w.])4b\b\.?|date\s*of\s*expir\w*|date\s*d\W{0,2}\s*expir\w*\.?|expir\w*|\bexp\b\.?|"
    r"valid\s*(?:until|thru|through|to)\b|valid\w*\s*jusqu\w*|valable\s*jusqu\w*|gultig\s*bis|ablaufdatum|"
    r"fecha\s*de\s*caducidad|caducidad|valido\s*hasta|data\s*di\s*scadenza|scadenza|geldig\s*tot|"
    r"vervaldatum|wazny\s*do|data\s*waznosci|platnos\w*\s*do|datum\s*isteka|kehtiv\s*kuni|galioja\s*iki|"
    r"voimassa|giltig\s*till|derig\w*\s*termin\w*|valido\s*ate|data\s*de\s*validade|有效期[限至]?",
    Kind.ISSUE: r"(?<![\w.])4a\b\.?|date\s*of\s*issue|\bissued?\b|delivrance|ausstell\w*|expedicion|rilascio|"
    r"afgifte|wydania|vydan\w*|izdavanja|valjaa|utfardande|kiadas|emissao|emision|签发日期|簽發日期|發照日期|"
    r"发证日期",
    Kind.BIRTH: r"^\s*3\.(?=\s|\d)|birth|naissance|geburt\w*|nacimiento|nascita|geboorte\w*|urodzenia|"
    r"narozen\w*|narodenia|rodjenja|rodenja|sunniaeg|syntym\w*|dzimsanas|gimimo|szuletesi|fodelse\w*|"
    r"nascimento|\bdob\b|出生日期",
    Kind.VALIDITY: r"\bvalidity\b|valabilitate|validite|gultigkeit",
    Kind.OTHER: r"place\s*of(?:\s*(?:issue|birth))?|lieu\s*de(?:\s*(?:naissance|delivrance))?|authority|"
    r"autorite|nationality|nationalite|\bsex\b|surname|given\s*names?",
}
_LABEL = re.compile("|".join(f"(?P<{kind.value}>{pattern})" for kind, pattern in _LABELS.items()))

_MONTH_WORD = r"[^\W\d_]{3,9}\.?"
# Date-shaped runs: ISO, day-month-year with one separator, day + month name(s) + year, and CJK year-month-day.
_DATE = re.compile(
    r"(?<![\d])(?:"
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}"
    r"|\d{1,2}[./\-\s]\d{1,2}[./\-\s]\d{4}"
    rf"|\d{{1,2}}\s*{_MONTH_WORD}(?:\s*/\s*{_MONTH_WORD})?\s*(?:\d{{4}}|\d{{2}})"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?"
    r")(?![\d])"
)
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_RANGE = re.compile(r"[-–]\s*$")

# Two-digit years next to a month name ('15 APR/AVR 12'): an expiry's 00-69 are 20xx, as the MRZ reads them
# (mrz_parse.MrzFields.expiry_date); births and issues are never after the submission year.
EXPIRY_PIVOT = 69


@dataclass(frozen=True)
class LabelSpan:
    """A run of labels of one kind in a line (a bilingual label is one run) and the text after it."""

    kind: Kind
    start: int  # character offsets in the line
    end: int
    value_end: int  # where the next run of another kind starts (or the line's end)


def fold(text: str) -> str:
    """Lower-case ASCII letter by letter (é -> e, ť -> t); characters without a one-letter ASCII form stay."""
    out = []
    for char in text:
        plain = unidecode(char) if ord(char) < 0x2000 else char
        out.append(plain if len(plain) == 1 else char)
    return "".join(out).lower()


def label_spans(text: str) -> list[LabelSpan]:
    """The label runs in `text`, in order; neighbouring labels of one kind ('Date of expiry / Date
    d'expiration') merge into one run."""
    runs: list[tuple[Kind, int, int]] = []
    for match in _LABEL.finditer(fold(text)):
        kind = Kind(match.lastgroup or Kind.OTHER)
        if runs and runs[-1][0] is kind and not _DATE.search(text[runs[-1][2] : match.start()]):
            runs[-1] = (kind, runs[-1][1], match.end())
        else:
            runs.append((kind, match.start(), match.end()))
    return [
        LabelSpan(kind, start, end, runs[i + 1][1] if i + 1 < len(runs) else len(text))
        for i, (kind, start, end) in enumerate(runs)
    ]


def _pivot(kind: Kind, submit_year: int) -> int:
    return EXPIRY_PIVOT if kind in (Kind.EXPIRY, Kind.VALIDITY) else submit_year % 100


def _read(text: str, kind: Kind, submit_year: int, *, short_day_first: bool = False) -> DateReading | None:
    cjk = _CJK.fullmatch(text.strip())
    if cjk:
        text = f"{cjk[1]}-{cjk[2]}-{cjk[3]}"
    return read_date(text.strip(), pivot=_pivot(kind, submit_year), short_day_first=short_day_first)


# Separators OCR loses or changes inside a numeric date on real photos (bench/printed_dates.py on the DLC-2021
# frames of Serbian and Azerbaijani passports and Finnish cards: '09.082016', '23.061993', '1710.1988',
# '21,06.2020'), put back as the date's other separator shows it. Only before a four-digit 19xx or 20xx year and
# with a two-digit day and month, so a document or personal number ('100983-16255') is never made a date.
_LOST_BEFORE_YEAR = re.compile(r"(?<!\d)(\d{2})([./-])(\d{2})((?:19|20)\d{2})(?!\d)")
_LOST_AFTER_DAY = re.compile(r"(?<!\d)(\d{2})(\d{2})([./-])((?:19|20)\d{2})(?!\d)")
# A dot read as a comma or a colon ('21,06.2020', '11:08.2014': same frames).
_MISREAD_DOT = re.compile(r"(?<!\d)(\d{1,2})[,:](\d{1,2})\.(\d{4})(?!\d)")
# A separator read as a space while the date's other one was read ('09 08.2026', '22 11.1970': same frames).
_SPACE_FOR_SEPARATOR = re.compile(r"(?<!\d)(\d{1,2}) (\d{1,2})([./-])(\d{4})(?!\d)")
# The first separator read as a space and the second lost ('09 082016', '23 061993': a Serbian passport's
# frame): spaced, as cards print dates with spaces ('31 08 2002'). Only a two-digit day and month before a
# 19xx or 20xx year, as for the lost separators above.
_SPACE_THEN_LOST = re.compile(r"(?<!\d)(\d{2}) (\d{2})((?:19|20)\d{2})(?!\d)")


def repaired(text: str) -> str:
    """`text` with OCR's spaces around date separators dropped ('31 .12. 2030') and a date's lost or changed
    separator put back ('09.082016' -> '09.08.2016'); every reader of printed numeric dates reads this."""
    text = re.sub(r"\s*([./-])\s*", r"\1", text)
    text = _LOST_BEFORE_YEAR.sub(r"\1\2\3\2\4", text)
    text = _LOST_AFTER_DAY.sub(r"\1\3\2\3\4", text)
    text = _SPACE_FOR_SEPARATOR.sub(r"\1\3\2\3\4", text)
    text = _SPACE_THEN_LOST.sub(r"\1 \2 \3", text)
    return _MISREAD_DOT.sub(r"\1.\2.\3", text)


# Spaces for separators, as the Spanish and Finnish cards print them ('31 08 2002'): a date only with a
# four-digit 19xx/20xx year, so that other numbers printed side by side are not taken for one.
_SPACED_DATE = re.compile(r"(?<!\d)(\d{1,2}) (\d{1,2}) ((?:19|20)\d{2})(?!\d)")


def separated(text: str) -> str:
    """`text` repaired, with spaced dates ('31 08 2002') given dots: what a reader of a document's day-month
    order looks at (printed_dates.day_first). Readings keep their text as printed; only the order uses this."""
    return _SPACED_DATE.sub(r"\1.\2.\3", repaired(text))


# A numeric date with a two-digit year ('04/12/04'), on its own (not part of a range or a longer number).
_SHORT_YEAR = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(\d{2})(?![\d./-])")


def dates_in(text: str, kind: Kind, submit_year: int, *, short_years: bool = False) -> list[DateReading]:
    """Every date printed in `text` (a field's value), read for a field of `kind`. A validity range
    ('17.10.03-09.05.2013') gives its end only, and only for a VALIDITY label.

    `short_years`: numeric dates with a two-digit year ('04/12/04') are read too, day first. Only for a document
    whose standard fixes that order (printed_dates.standard_day_first: ICAO Doc 9303 prints day, month, year):
    elsewhere '04/12/04' could be read three ways, and read_date refuses it."""
    text = repaired(text)
    found = []
    for match in _DATE.finditer(text):
        if kind is Kind.VALIDITY and not _RANGE.search(text[: match.start()]):
            continue
        reading = _read(match[0], kind, submit_year)
        if reading is not None:
            found.append(reading)
    if short_years and kind is not Kind.VALIDITY:
        # day first, the century as for a month-name date (`_pivot`)
        readings = (_read(m[0], kind, submit_year, short_day_first=True) for m in _SHORT_YEAR.finditer(text))
        found += [r for r in readings if r is not None]
    return found
