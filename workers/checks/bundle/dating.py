"""Judging a date that may have more than one reading: the verdict stands only if every reading agrees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import msgspec

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

    None when there is no date, or it cannot be read as one. One reading: its judgement. Readings that all get
    the same status: the judgement of the reading nearest the limit (the least the date can be said to miss or
    keep it by: an '01.03.2025' expired either way is quoted as expired on its later reading), which names the
    other readings, so the verdict never states as the date one reading the document may not mean. Readings
    that disagree: a review naming both readings, since guessing the day/month order could pass an expired
    document or fail a valid one.
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
    if len({o.status for o in judged}) > 1:
        return _disagree(found, what, reading)
    if len(judged) == 1:
        return judged[0]
    nearest = min(range(len(judged)), key=lambda i: _margin(judged[i]))
    others = " or ".join(spoken(d) for i, d in enumerate(reading.readings) if i != nearest)
    either = f" The {what} '{found.value}' can also be read as {others}; every reading gives this result."
    return msgspec.structs.replace(judged[nearest], message=judged[nearest].message + either)


def _margin(outcome: Outcome) -> float:
    """How far the measured value lies from the limit (days); 0 when either is not a number."""
    measured, limit = outcome.measured, outcome.threshold
    if isinstance(measured, int | float) and isinstance(limit, int | float):
        return abs(float(measured) - float(limit))
    return 0.0


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
