"""A date is read only from a line the recogniser is sure of (printed_dates.MIN_DATE_SCORE): a digit misread in a
blurred or dark line is a wrong date the verdict would believe, where a date not read is a finding."""

from __future__ import annotations

from dataclasses import replace

from tests.test_printed_dates import iso, line, read
from workers.checks.identity.printed_dates import MIN_DATE_SCORE, OcrLine


def unsure(found: OcrLine) -> OcrLine:
    """The same line as the recogniser reads it when it is unsure of its characters (a blurred, dark frame)."""
    return replace(found, score=MIN_DATE_SCORE - 0.14)


def test_a_date_the_recogniser_is_unsure_of_is_not_read() -> None:
    # Real corpus, check half: a dark, blurred Spanish card's '04 09 2027' read '02 09 2027' at score 0.714.
    value = line("14 09 2027", 102, 122, width=120)
    assert iso(read(line("Date of expiry", 100, 100), value).expiry) == "2027-09-14"
    assert read(line("Date of expiry", 100, 100), unsure(value)).expiry is None
    assert read(unsure(value)).expiry is None  # nor as the page's one future date
    other = line("01 05 2028", 102, 300, width=120)
    assert iso(read(value, other).expiry) is None  # two future dates: neither is the expiry
    assert read(unsure(value), other).expiry is None  # nor when one of the two is unsure


def test_an_unsure_date_beside_its_label_leaves_the_label_closed() -> None:
    # '4b. 01.01.2030' read unsure: the expiry is not read, and another future date on the page (a sure one)
    # is not taken for it.
    on_label = unsure(line("4b. 01.01.2030", 10, 10))
    assert read(on_label, line("01.01.2031", 12, 33, 120)).expiry is None
    assert iso(read(replace(on_label, score=1.0), line("01.01.2031", 12, 33, 120)).expiry) == "2030-01-01"
