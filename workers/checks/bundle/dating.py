"""Judging a date that may have more than one reading: the verdict stands only if every reading agrees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from workers.checks.context import DocumentContext, FieldValue
from workers.checks.dates import DateReading, read_date
from workers.checks.model import Outcome, Status


def spoken(day: date) -> str:
    """A date no reader can misread: '3 April 1990'."""
    return f"{day.day} {day:%B} {day.year}"


def source_words(found: FieldValue) -> str:
    """Where a value came from, for a message: 'declared', 'read from the MRZ'..."""
    if found.source == "declared":
        return "declared"
    if found.source == "mrz":
        return "read from the MRZ"
    return f"read from the document ({found.source})"


def readings_words(reading: DateReading) -> str:
    return " or ".join(spoken(d) for d in reading.readings)


def judge_date(found: FieldValue | None, what: str, judge: Callable[[date], Outcome | None]) -> Outcome | None:
    """Apply `judge` to every reading of the field's date.

    None when there is no date, or it cannot be read as one. One reading, or readings that all get the same
    status: the judgement of the earliest reading. Readings that disagree: a review naming both readings,
    since guessing the day/month order could pass an expired document or fail a valid one.
    """
    if found is None:
        return None
    reading = read_date(found.value)
    if reading is None:
        return None
    outcomes = [judge(day) for day in reading.readings]
    if any(o is None for o in outcomes):
        return None if all(o is None for o in outcomes) else _disagree(found, what, reading)
    judged = [o for o in outcomes if o is not None]
    if len({o.status for o in judged}) == 1:
        return judged[0]
    return _disagree(found, what, reading)


def _disagree(found: FieldValue, what: str, reading: DateReading) -> Outcome:
    return Outcome(
        status=Status.REVIEW,
        message=f"The {source_words(found)} {what} '{found.value}' can be read as {readings_words(reading)}, "
        "and the two readings lead to different results. Declare dates as YYYY-MM-DD.",
        measured=found.value,
        threshold="YYYY-MM-DD",
        unit="date",
    )


def expiry_sources(doc: DocumentContext) -> list[FieldValue]:
    """Every value known for the document's expiry, best source first: read from it (the MRZ, whose check digit
    vouches for it, else the printed zone), then declared in the manifest."""
    declared = getattr(doc.spec.declared, "expiry_date", None)
    read = doc.read_fields.get("expiry_date")
    return [v for v in (read, FieldValue(str(declared), "declared") if declared else None) if v is not None]


def document_expiry(doc: DocumentContext) -> tuple[FieldValue | None, str]:
    """The one expiry the verdict judges, and a note when the sources disagree.

    The earliest of the sources' readings: a document is never called valid while one of its sources says it
    has expired (a disagreement is reported as well, by MRZ_PROFILE_MISMATCH, and named in the note). Equal
    dates keep the best source. A value that cannot be read as a date counts only when it is the only one."""
    sources = expiry_sources(doc)
    dated = [(min(r.readings), i, s) for i, s in enumerate(sources) if (r := read_date(s.value)) is not None]
    if not dated:
        return (sources[0] if sources else None), ""
    _, _, chosen = min(dated)
    others = sorted({f"{source_words(s)} {s.value}" for d, _, s in dated if s is not chosen and d != min(dated)[0]})
    note = f"; the sources disagree: {', '.join(others)}" if others else ""
    return chosen, note
