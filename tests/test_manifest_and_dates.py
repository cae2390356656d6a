from __future__ import annotations

import json
from datetime import date

import pytest

from workers.checks.dates import read_date
from workers.checks.manifest import ManifestError, parse_manifest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1974-08-12", (date(1974, 8, 12),)),
        ("25/12/1990", (date(1990, 12, 25),)),
        ("12/25/1990", (date(1990, 12, 25),)),
        ("03/04/1990", (date(1990, 3, 4), date(1990, 4, 3))),
        ("04/04/1990", (date(1990, 4, 4),)),
        ("5 Oct 2026", (date(2026, 10, 5),)),
        ("October 5, 2026", (date(2026, 10, 5),)),
        ("28JUL2014", (date(2014, 7, 28),)),  # run together, as US visas print it
    ],
)
def test_read_date_gives_every_reading_of_an_ambiguous_form(text: str, expected: tuple[date, ...]) -> None:
    reading = read_date(text)
    assert reading is not None and reading.readings == expected
    assert reading.ambiguous is (len(expected) > 1)


@pytest.mark.parametrize("text", ["", "tomorrow", "31/02/1990", "03/04/90", "2026-13-01", "32JUL2014", "MAR51966"])
def test_read_date_refuses_what_is_not_a_date(text: str) -> None:
    assert read_date(text) is None


def test_a_numeric_two_digit_year_is_read_only_day_first_when_the_caller_knows_the_order() -> None:
    assert read_date("04/12/04", pivot=69) is None  # day, month or year first: no safe reading
    reading = read_date("04/12/04", pivot=69, short_day_first=True)
    assert reading is not None and reading.readings == (date(2004, 12, 4),)
    birth = read_date("21.08.71", pivot=26, short_day_first=True)  # a birth year: 19xx past the pivot
    assert birth is not None and birth.readings == (date(1971, 8, 21),)
    assert read_date("31/02/04", pivot=69, short_day_first=True) is None
    assert read_date("04/12/04", short_day_first=True) is None  # no century given


def _manifest(**bundle_changes: object) -> bytes:
    bundle: dict[str, object] = {
        "reference": "A-1",
        "profile": {"full_name": "Anna Eriksson", "date_of_birth": "1974-08-12"},
        "documents": [{"role": "id_document", "file": "a/id.jpg"}],
    }
    bundle.update(bundle_changes)
    return json.dumps({"bundles": [bundle]}).encode()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"not json", "$"),
        (b'{"bundles": []}', "$.bundles"),
        (_manifest(account_type="household"), "$.bundles[0].account_type"),
        (_manifest(documents=[{"role": "id_document", "file": "../etc/passwd"}]), "$.bundles[0].documents[0].file"),
        (_manifest(profile={"full_name": "A", "date_of_birth": "someday"}), "$.bundles[0].profile.date_of_birth"),
        (_manifest(profile={"full_name": "A", "nickname": "B"}), "$.bundles[0].profile"),
    ],
)
def test_manifest_errors_name_the_field(raw: bytes, field: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(raw)
    assert caught.value.field == field


def test_ambiguous_date_of_birth_is_accepted_for_a_finding_not_refused() -> None:
    manifest = parse_manifest(_manifest(profile={"full_name": "A", "date_of_birth": "03/04/1990"}))
    assert manifest.bundles[0].profile.date_of_birth == "03/04/1990"
