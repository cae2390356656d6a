"""Dates printed on bills and statements, in many formats and languages (pure code)."""

from __future__ import annotations

from datetime import date

import pytest

from workers.checks.identity.date_text import find_dates, statement_date

OCT_5 = date(2026, 10, 5)


@pytest.mark.parametrize(
    "text",
    [
        "5 Oct 2026",
        "05/10/2026",
        "05.10.2026",
        "2026-10-05",
        "2026/10/05",
        "October 5, 2026",
        "Oct. 5th, 2026",
        "5. Oktober 2026",
        "5 octobre 2026",
        "5 de octubre de 2026",
        "5 ottobre 2026",
        "5 oktober 2026",
        "5 października 2026",
        "5 outubro 2026",
        "2026年10月5日",
        "2026년 10월 5일",
        "05-Oct-2026",  # as bank statements print it
        "05/OCT/2026",
    ],
)
def test_a_date_in_any_common_form_is_found(text: str) -> None:
    found = find_dates(f"Statement date: {text}  Account 12345", "GB")
    assert [f.value for f in found] == [OCT_5]


def test_numeric_day_month_order_follows_the_country_when_both_are_valid() -> None:
    assert find_dates("05/10/2026", "US")[0].value == date(2026, 5, 10)
    assert find_dates("05/10/2026", "DE")[0].value == OCT_5
    assert find_dates("05/10/2026", "DE")[0].ambiguous
    # 25/10 can only be day first, whatever the country.
    only = find_dates("25/10/2026", "US")[0]
    assert only.value == date(2026, 10, 25) and not only.ambiguous


def test_not_dates_are_not_found() -> None:
    assert find_dates("Account 86556180  Period 12  283 kWh  87.73 UTO", "GB") == []
    assert find_dates("31/02/2026 and 2026-13-01", "GB") == []


def test_the_labelled_issue_date_wins_over_due_and_period_dates() -> None:
    lines = [
        "Billing period 01.09.2026 - 30.09.2026",
        "Rechnungsdatum: 5. Oktober 2026",
        "Fällig am: 30.10.2026",
    ]
    found = statement_date(lines, "DE", latest=date(2026, 12, 1))
    assert found is not None and found.value == OCT_5


def test_dates_after_the_submission_day_are_not_taken_as_the_issue_date() -> None:
    found = statement_date(["Due date: 2 Dec 2026", "Meter read 20 Nov 2026"], "GB", latest=date(2026, 12, 1))
    assert found is not None and found.value == date(2026, 11, 20)
