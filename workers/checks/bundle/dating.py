"""Judging a date that may have more than one reading: the verdict stands only if every reading agrees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from workers.checks.context import FieldValue
from workers.checks.dates import DateReading, read_date
from workers.checks.document_dates import source_words
from workers.checks.model import Outcome, Status


def spoken(day: date) -> str:
    """A date no reader can misread: '3 April 1990'."""
    return f"{day.day} {day:%B} {day.year}"


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
        f"and the two readings lead to different results. {_settle(found)}",
        measured=found.value,
        threshold="YYYY-MM-DD",
        unit="date",
    )


def _settle(found: FieldValue) -> str:
    if found.source == "declared":
        return "Declare dates as YYYY-MM-DD."
    return "Declare the date in the manifest as YYYY-MM-DD to settle which one is meant."
