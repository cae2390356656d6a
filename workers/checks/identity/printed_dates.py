"""The expiry date and date of birth printed in a document's visual zone, read from its labelled fields.

Documents without an MRZ (driving licences, ID-card fronts) print their dates only there. The page's OCR lines
(`page_text.document_page`, with their boxes) are searched for labels (`printed_labels`); a label's value is the
date after it on the same line, else the date line nearest below or right of the label. Each value line goes to
its nearest label of any kind, so a birth or issue date is never taken for an expiry. Where no expiry label gave
a value, the expiry is the latest date a whole number of years after another printed date (a validity period from
its issue, `anniversary_expiry`), else the page's one date after the submission day (`future_expiry`: birth and
issue dates are past). A date read two ways (03/04/2030) is settled by the document's own dates when one of them
can only be read one way (16.05.1990: day first; `day_first`), else by its validity period (`validity_order`),
else by the standard its type and issuer print to (`standard_day_first`: ICAO Doc 9303 documents print day,
month, year); otherwise it is passed on as printed: `read_date` keeps both readings and the date checks ask for
review when the readings disagree. MRZ values (an earlier reader) and declared values win over printed ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from workers.checks.context import DocumentContext, FieldValue
from workers.checks.dates import DateReading
from workers.checks.identity.page_text import PageLine, document_page
from workers.checks.identity.policy_checks import document_type_and_country
from workers.checks.identity.printed_labels import Kind, LabelSpan, dates_in, label_spans, separated
from workers.checks.manifest import Role
from workers.checks.spec import Reader

SOURCE = "printed"
# How far a value may sit from its label, in label-line heights. Below: ICAO Doc 9303 part 3 puts a field's data
# on the line under its caption, one caption height apart; 2.5 also spans a bilingual caption on two lines.
BELOW_GAP = 2.5
# Below: the value starts within this many heights of the label's column (cards left-align field and caption).
COLUMN_SLACK = 1.5
# Right: the value starts within this many heights of the label's end (licences print '4b. 31.12.2030' in
# one row, which the detector may split in two boxes; 8 heights is about a caption's own width).
RIGHT_GAP = 8.0
# A value line whose two nearest labels (of different kinds) are this close in distance is left to neither.
TIE_RATIO = 1.25
# Oldest plausible birth year for a living document holder (the oldest verified person lived 122 years).
MIN_BIRTH_YEAR = 1900
# Validity periods are whole years: passports and ID cards at most 10 (EU Regulation 2019/1157 art. 3(5)),
# driving licences 10, or up to 15 where a member state chooses (Directive 2006/126/EC art. 7(2)).
MAX_VALIDITY_YEARS = 15
# Document types made to ICAO Doc 9303, whose visual zone prints dates day, month, year (Doc 9303 part 3,
# "Representation of dates" in the VIZ; parts 4-7 for passports, visas and TD1/TD2 cards).
ICAO_TYPES = frozenset({"passport", "visa", "id_card", "residence_permit"})
# Types printed to Doc 9303 whoever issues them (a passport or a visa is a travel document everywhere).
ALWAYS_ICAO_TYPES = frozenset({"passport", "visa"})
# Issuers (alpha-2) whose national cards may print numeric dates month first: US state ID cards follow AAMVA's
# MM/DD/CCYY (AAMVA DL/ID Card Design Standard), and Canada, the Philippines, Micronesia, Palau and the
# Marshall Islands use month-first dates officially. Their ID cards get no assumed order.
MONTH_FIRST_ISSUERS = frozenset({"US", "CA", "PH", "FM", "PW", "MH"})
_FIELDS = {Kind.EXPIRY: "expiry_date", Kind.BIRTH: "date_of_birth"}
# Least recogniser confidence (rapidocr's line score) of a line a date is read from: a digit misread in a blurred
# or dark line ('04 09 2027' read '02 09 2027') is a wrong date the verdict would believe, where a date not read
# is a finding. Real corpus (bench/printed_dates.py; docs/calibration/realworld.md, "A date the recogniser is
# unsure of"): the lines of the calibration half's correct readings score 0.899 and up (it has no wrong reading);
# 0.85 leaves a margin for the recogniser's scores moving with the CPU. Check half: correct readings 0.933 and
# up; its one wrong reading (a dark, blurred DLC-2021 frame, on an AMD EPYC machine) scored 0.714.
MIN_DATE_SCORE = 0.85
# A numeric day-month-year or month-day-year date: two numbers of 1-2 digits and a year, one separator.
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?!\d)")


def _numeric_dates(text: str) -> Iterator[re.Match[str]]:
    """The numeric dates in `text` as printed (separators OCR lost put back), spaced ones included."""
    return _NUMERIC_DATE.finditer(separated(text))


@dataclass(frozen=True)
class OcrLine:
    """One OCR text line and its box on the upright page (pixels)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float = 1.0  # the recogniser's confidence in the text, 0-1

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def sure(self) -> bool:
        """Whether the recogniser is sure enough of the text for a date to be read from it (MIN_DATE_SCORE)."""
        return self.score >= MIN_DATE_SCORE

    @classmethod
    def of(cls, line: PageLine) -> OcrLine:
        xs, ys = [p[0] for p in line.upright_quad], [p[1] for p in line.upright_quad]
        return cls(line.text, min(xs), min(ys), max(xs), max(ys), line.score)


@dataclass(frozen=True)
class _Label:
    kind: Kind
    line: OcrLine
    left: float  # the label's own columns, estimated from its characters' share of the line
    right: float


@dataclass(frozen=True)
class PrintedDates:
    """What was read per field: the reading, or None when the printed value is missing or contradicts itself."""

    expiry: DateReading | None
    birth: DateReading | None
    issue: DateReading | None


def _columns(line: OcrLine, span: LabelSpan) -> tuple[float, float]:
    width, n = line.right - line.left, max(len(line.text), 1)
    return line.left + width * span.start / n, line.left + width * span.end / n


def _distance(label: _Label, value: OcrLine) -> float | None:
    """How far `value` lies from `label`, in label heights, if it is where the label's value would be."""
    line, h = label.line, label.line.height
    centre = (value.top + value.bottom) / 2
    if line.top <= centre <= line.bottom:  # same row: the value must be to the right
        gap = (value.left - label.right) / h
        # Tightly printed rows' boxes overlap, so the row's own value is the one level with the label.
        level = abs(centre - (line.top + line.bottom) / 2) / h
        return max(gap, 0.0) + level if -0.5 <= gap <= RIGHT_GAP else None
    gap = (value.top - line.bottom) / h
    if centre <= line.bottom or gap > BELOW_GAP:
        return None
    off = max(label.left - value.right, value.left - label.right, 0.0) / h
    return max(gap, 0.0) + off if off <= COLUMN_SLACK else None


def standard_day_first(document_type: str | None, issuer: str | None) -> bool | None:
    """True when the document's type and issuer (alpha-2) make it a Doc 9303 document, which prints its dates
    day first: a passport or a visa from anyone, an ID card or residence permit from a known issuer that does not
    write dates month first. None (no assumed order) for other types and for cards of an unknown issuer: a US
    state ID card declared without its country must not be read day first."""
    kind = (document_type or "").lower()
    if kind in ALWAYS_ICAO_TYPES:
        return True
    if kind in ICAO_TYPES and issuer and issuer.upper() not in MONTH_FIRST_ISSUERS:
        return True
    return None


def read_printed_dates(lines: Sequence[OcrLine], submit_on: date, standard_order: bool | None = None) -> PrintedDates:
    """The printed dates of a document from its OCR `lines` (any order), judged against the submission day.
    `standard_order` (`standard_day_first`) settles a date read two ways where the page's own dates do not."""
    found: dict[Kind, list[DateReading]] = {kind: [] for kind in Kind}
    page_order = day_first(lines)
    # Two-digit numeric years only where the standard fixes the order and the page does not contradict it.
    short = standard_order is True and page_order is not False
    labels: list[_Label] = []
    values: list[tuple[OcrLine, str]] = []
    # A date on a line the recogniser is unsure of is not read; while one is there, no other date is taken for
    # the expiry because it is the page's one future date (the unsure one may be the expiry, or a second).
    doubtful = any(
        dates_in(line.text, Kind.EXPIRY, submit_on.year, short_years=short) for line in lines if not line.sure
    )
    for line in lines:
        spans = label_spans(line.text)
        if not spans:
            if "<<" not in line.text and line.sure:  # an MRZ line holds no printed field
                values.append((line, line.text))
            continue
        if spans[0].start > 0 and line.sure:  # a value printed before the first label of its line ('01.01.2030 4b.')
            values.append((line, line.text[: spans[0].start]))
        for span in spans:
            after = dates_in(line.text[span.end : span.value_end], span.kind, submit_on.year, short_years=short)
            if after and line.sure:
                found[span.kind].append(after[0])
            elif not after:
                labels.append(_Label(span.kind, line, *_columns(line, span)))
            # A date after its label on a line the recogniser is unsure of is neither read nor looked for
            # elsewhere: the label is not left open for a neighbouring field's date.
    # Each value line goes to its nearest label; a label then keeps the nearest of the lines it was given (a
    # field prints one value: the next field's date under it belongs to that field's caption, read or not).
    # Two lines exactly as near with different dates give it none (nothing to tell them apart).
    nearest: dict[int, tuple[float, DateReading | None]] = {}
    for value, text in values:
        dated = [(kind, dates_in(text, kind, submit_on.year, short_years=short)) for kind in Kind]
        if not any(readings for _, readings in dated):
            continue
        ranked = sorted((d, i) for i, label in enumerate(labels) if (d := _distance(label, value)) is not None)
        if not ranked:
            continue
        distance, index = ranked[0]
        rivals = [labels[i] for d, i in ranked[1:] if d <= max(distance, 0.2) * TIE_RATIO]
        if any(r.kind is not labels[index].kind for r in rivals):
            continue  # halfway between two fields: neither takes it
        readings = dict(dated)[labels[index].kind]
        if len(readings) != 1:
            continue
        held = nearest.get(index)
        if held is None or distance < held[0]:
            nearest[index] = (distance, readings[0])
        elif distance == held[0] and (held[1] is None or held[1].readings != readings[0].readings):
            nearest[index] = (distance, None)
    for index, (_, reading) in sorted(nearest.items()):
        if reading is not None:
            found[labels[index].kind].append(reading)
    if not found[Kind.EXPIRY] and not found[Kind.VALIDITY] and not doubtful:
        unlabelled = [r for _, text in values for r in dates_in(text, Kind.EXPIRY, submit_on.year, short_years=short)]
        found[Kind.EXPIRY] = anniversary_expiry(unlabelled) or future_expiry(unlabelled, submit_on)
    order = page_order
    if order is None:
        page = found[Kind.ISSUE] + [
            r for _, text in values for r in dates_in(text, Kind.ISSUE, submit_on.year, short_years=short)
        ]
        order = validity_order(found[Kind.EXPIRY] + found[Kind.VALIDITY], page)
    if order is None:
        order = standard_order
    return _agreed(found, submit_on, order)


def _years_later(start: date, years: int) -> date:
    """The day `years` years after `start` (1 March for 29 February in a year without one)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return date(start.year + years, 3, 1)


def _years_after(start: date, end: date) -> bool:
    """Whether `end` is a whole number of years of validity after `start` (or the day before that)."""
    return any(0 <= (_years_later(start, years) - end).days <= 1 for years in range(1, MAX_VALIDITY_YEARS + 1))


def anniversary_expiry(dates: list[DateReading]) -> list[DateReading]:
    """Where no label was read: the latest date on the page, when it falls a whole number of years (or a day
    less) after another date on it: a validity period from an issue date. Empty when that is not so."""
    latest: list[DateReading] = []
    for end in dates:
        others = [d for r in dates if r.readings != end.readings for d in r.readings]
        if not others or min(end.readings) <= max(others):
            continue
        if any(
            _years_after(s, e) for r in dates if r.readings != end.readings for s in r.readings for e in end.readings
        ):
            latest.append(end)
    return latest[:1] if len({r.readings for r in latest}) == 1 else []


def future_expiry(dates: list[DateReading], submit_on: date) -> list[DateReading]:
    """Where no expiry label gave a value: the one date on the page that lies after the submission day (every
    reading of it), within the longest validity period of it. A document's birth and issue dates are past; the one
    future date an identity document prints is the end of its validity. Empty when there is none, or several
    different ones (a licence's categories, each valid to its own date)."""
    horizon = _years_later(submit_on, MAX_VALIDITY_YEARS)
    future = [r for r in dates if all(submit_on < d <= horizon for d in r.readings)]
    return future[:1] if len({r.readings for r in future}) == 1 else []


def _one(readings: list[DateReading]) -> DateReading | None:
    """The field's reading if every label that gave one agrees; several different readings: none."""
    distinct = {r.readings for r in readings}
    return readings[0] if len(distinct) == 1 else None


def day_first(lines: Sequence[OcrLine]) -> bool | None:
    """Whether the document prints its numeric dates day first (True) or month first (False), as its own dates
    show: one whose first number is over 12 ('16.05.1990') can only be day first, one whose second is over 12
    only month first. A document prints all its dates one way, so one such date settles the order of the
    others. None when no date shows it, or dates show both (a misread)."""
    orders = set()
    for line in lines:
        for found in _numeric_dates(line.text):
            first, second = int(found[1]), int(found[3])
            if first > 12 and 1 <= second <= 12:
                orders.add(True)
            elif second > 12 and 1 <= first <= 12:
                orders.add(False)
    return orders.pop() if len(orders) == 1 else None


def validity_order(expiries: list[DateReading], others: list[DateReading]) -> bool | None:
    """The day-month order a document's validity period shows (True: day first), where no date of it shows one.

    Documents run a whole number of years from issue, or that less a day (03.01.2018 to 02.01.2028 on the
    Azerbaijani passport; Doc 9303 leaves the period to the state). Swapping day and month in both dates keeps a
    whole-years period whole, but not one a day short: so where exactly one order makes an expiry such a period
    after another date printed on the page, the document prints its dates that way. None when both orders or
    neither do (03.08.2016 to 03.08.2026 reads both ways)."""
    fits = set()
    for order in (True, False):
        starts = [r.value for r in (settled(other, order) for other in others) if r.value is not None]
        for expiry in expiries:
            end = settled(expiry, order).value
            if end is not None and any(start < end and _years_after(start, end) for start in starts):
                fits.add(order)
    return fits.pop() if len(fits) == 1 else None


def settled(reading: DateReading, first_is_day: bool) -> DateReading:
    """`reading` with the one reading of its numeric date in the document's order; itself when it is certain,
    not numeric, or no reading has that order."""
    found = next(_numeric_dates(reading.text), None)
    if not reading.ambiguous or found is None:
        return reading
    first, second = int(found[1]), int(found[3])
    day, month = (first, second) if first_is_day else (second, first)
    kept = tuple(d for d in reading.readings if (d.day, d.month) == (day, month))
    return DateReading(reading.text, kept) if len(kept) == 1 else reading


def _agreed(found: dict[Kind, list[DateReading]], submit_on: date, order: bool | None = None) -> PrintedDates:
    if order is not None:
        found = {kind: [settled(r, order) for r in readings] for kind, readings in found.items()}
    expiry = _one(found[Kind.EXPIRY] + found[Kind.VALIDITY])
    birth, issue = _one(found[Kind.BIRTH]), _one(found[Kind.ISSUE])
    if birth is not None and not all(d.year >= MIN_BIRTH_YEAR and d <= submit_on for d in birth.readings):
        birth = None  # not a living holder's birth date: misread
    if expiry is not None:
        earlier = [d for r in (birth, issue) if r is not None for d in r.readings]
        if any(e <= d for e in expiry.readings for d in earlier):
            expiry = None  # a document expires after its holder's birth and its own issue: misread
    return PrintedDates(expiry, birth, issue)


def field_value(reading: DateReading) -> str:
    """ISO when the date is certain; else the text as printed, whose readings the date checks weigh."""
    return reading.value.isoformat() if reading.value is not None else reading.text


def read_printed(doc: DocumentContext) -> dict[str, FieldValue]:
    missing = [name for name in _FIELDS.values() if doc.field(name) is None]
    if not missing:
        return {}  # the MRZ (or the declaration) already gave both: no OCR pass needed
    lines = [OcrLine.of(line) for line in document_page(doc)]
    printed = read_printed_dates(lines, doc.bundle.submit_on, standard_day_first(*document_type_and_country(doc)))
    out = {}
    for kind, reading in ((Kind.EXPIRY, printed.expiry), (Kind.BIRTH, printed.birth)):
        if reading is not None and _FIELDS[kind] in missing:
            out[_FIELDS[kind]] = FieldValue(field_value(reading), SOURCE)
    return out


PRINTED_DATES_READER = Reader(name="PRINTED_DATES_READER", roles=frozenset({Role.ID_DOCUMENT}), read=read_printed)
