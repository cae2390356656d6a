"""Name comparison: tolerant of writing differences, strict about different names (pure code)."""

from __future__ import annotations

import pytest

from workers.checks.identity.names import compare_names, spellings
from workers.checks.identity.page_match import ADDRESS_WORD_SHARE, address_match, name_on_page

SAME = [
    ("Anna Maria Eriksson", "ERIKSSON", "ANNA MARIA"),  # exact
    ("anna eriksson", "ERIKSSON", "ANNA MARIA"),  # case; extra middle name on the document
    ("Anna Maria Louise Eriksson", "ERIKSSON", "ANNA"),  # extra middle names in the registration
    ("Jørgen Søren Hansen", "HANSEN", "JOERGEN SOEREN"),  # Ø as OE
    ("Jørgen Hansen", "HANSEN", "JORGEN"),  # Ø as O
    ("Hans Müller", "MUELLER", "HANS"),  # Ü as UE
    ("Hans Müller", "MULLER", "HANS"),  # Ü as U
    ("Hans Muller", "MUELLER", "HANS"),  # umlaut left out when registering
    ("José Peña", "PENA", "JOSE"),  # Ñ as N, accent
    ("José Peña", "PENXXA", "JOSE"),  # Ñ as NXX (Doc 9303 part 3 alternative)
    ("Sean O'Brien", "OBRIEN", "SEAN"),  # apostrophe dropped
    ("Joanna Kowalska-Kwiatkowska", "KOWALSKA KWIATKOWSKA", "JOANNA"),  # hyphen as filler
    ("Jan van der Berg", "VANDERBERG", "JAN"),  # compound written together
    ("Wei Li", "LI", "WEI"),  # family name first or last
    ("Анна Эрикссон", "ERIKSSON", "ANNA"),  # Cyrillic registration
    ("Αννα Ερικσσον", "ERIKSSON", "ANNA"),  # Greek registration
    ("Anna Eriksson", "ERIKSS0N", "ANNA"),  # OCR: O read as zero
    ("Anna Eriksson", "ERIKSON", "ANNA"),  # OCR: a doubled letter lost in a long word
]
DIFFERENT = [
    ("Bob Smith", "SMITH", "ROBERT"),  # nickname
    ("Michael Chen", "CHEN", "WEI"),  # English name instead of the legal one
    ("Muhammad Ali", "ALI", "MOHAMMED"),  # another romanisation, not a transliteration
    ("Zhang Wei", "CHANG", "WEI"),  # another romanisation of the family name
    ("Anne Eriksson", "ERIKSSON", "ANNA"),  # one letter in a short given name
    ("Peter Smith", "SMYTHE", "PETER"),  # another family name
    ("Anna Eriksson", "LARSSON", "ANNA"),  # someone else's family name
]


@pytest.mark.parametrize(("registered", "surname", "given"), SAME)
def test_writing_differences_are_the_same_name(registered: str, surname: str, given: str) -> None:
    result = compare_names(registered, surname, given)
    assert result.same, result.reason


@pytest.mark.parametrize(("registered", "surname", "given"), DIFFERENT)
def test_different_names_are_mismatches(registered: str, surname: str, given: str) -> None:
    result = compare_names(registered, surname, given)
    assert not result.same
    assert result.score < 100


def test_truncated_mrz_given_name_matches_only_when_marked_truncated() -> None:
    assert compare_names("Maximiliana Eriksson", "ERIKSSON", "MAXIM", truncated=True).same
    assert not compare_names("Maximiliana Eriksson", "ERIKSSON", "MAXIM").same


def test_icao_spellings_include_both_transliterations() -> None:
    assert {"MULLER", "MUELLER"} <= spellings("MÜLLER")
    assert {"SOREN", "SOEREN"} <= spellings("SØREN")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("J. Hansen", True),
        ("Mr JHansen", True),  # OCR closed the gap after the initial
        ("HANSEN J.M.", True),
        ("Hr. J Hansen", True),  # the middle name left out, as on a full-name line
        ("B. Hansen", False),  # another initial
        ("J. Jensen", False),  # another surname
        ("Jørgen Hansen", True),  # the full name, as without initials
        ("M. Hansen", False),  # the middle name's initial alone: the first given name is missing
    ],
)
def test_surname_with_initials(line: str, expected: bool) -> None:
    assert name_on_page("Jørgen Martin Hansen", ["Electricity statement", line], initials=True) is expected
    if expected and line != "Jørgen Hansen":
        assert not name_on_page("Jørgen Martin Hansen", ["Electricity statement", line])  # initials only


@pytest.mark.parametrize(
    ("registered", "printed"),
    [
        ("Hauptstraße 5, 10115 Berlin", ["Hauptstr. 5", "10115 Berlin"]),
        ("Kerkstraat 12, 1017 GC Amsterdam", ["Kerkstr. 12", "1017 GC Amsterdam"]),
        ("Marktplatz 3, 80331 München", ["Marktpl. 3", "80331 Muenchen"]),
        ("12 Harbour Road, 4021 Utopia City", ["12 Harbour Rd.", "Utopia City 4021"]),
    ],
)
def test_street_abbreviations_match_the_written_out_street(registered: str, printed: list[str]) -> None:
    share, missing = address_match(registered, printed)
    assert share == 1.0 and missing == []


def test_another_street_with_the_same_ending_does_not_match() -> None:
    share, _ = address_match("Hauptstraße 5, 10115 Berlin", ["Bahnhofstr. 5", "10115 Berlin"])
    assert share < ADDRESS_WORD_SHARE


@pytest.mark.parametrize(
    ("registered", "printed", "missing"),
    [
        ("Kerkstraat 12, 1017 GC Amsterdam", ["Kerkstraat 12", "1017GC Amsterdam"], []),
        ("Kerkstraat 12, 1017GC Amsterdam", ["Kerkstraat 12", "1017 GC AMSTERDAM"], []),
        ("10 Downing Street, London SW1A 2AA", ["10 Downing St", "LONDON", "SW1A2AA"], []),
        ("ul. Marszalkowska 10, 00-950 Warszawa", ["ul. Marszałkowska 10", "00950 Warszawa"], []),
        ("12B Harbour Road, Utopia", ["12 B Harbour Road", "Utopia"], []),
        # Written together or apart, another postcode or house number is still another one.
        ("Kerkstraat 12, 1017 GC Amsterdam", ["Kerkstraat 12", "1018GC Amsterdam"], ["1017"]),
        ("10 Downing Street, London SW1A 2AA", ["10 Downing St", "LONDON", "SW1A 2AB"], ["2aa"]),
        ("12B Harbour Road, Utopia", ["12 C Harbour Road", "Utopia"], ["12b"]),
    ],
)
def test_postcodes_and_house_numbers_match_with_or_without_inner_spaces(
    registered: str, printed: list[str], missing: list[str]
) -> None:
    assert address_match(registered, printed)[1] == missing
