"""ICAO 9303 parsing, check digits and OCR correction on generated MRZs (pure code, no OCR)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from tests.fixtures.documents import Person, td1_lines, td3_lines
from tests.fixtures.identity_docs import confuse, mrv_lines, random_person, td2_lines
from workers.checks.identity.mrz_correct import clean_line, correct_mrz, fit_width
from workers.checks.identity.mrz_layout import MrzFormat
from workers.checks.identity.mrz_parse import check_digit, parse_mrz, split_name, yymmdd_to_date

ICAO_TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


def test_check_digit_matches_doc_9303_worked_examples() -> None:
    # Doc 9303 part 3 section 4.9 and the part 4 specimen: L898902C3 -> 6, 740812 -> 2, 120415 -> 9.
    assert [check_digit(t) for t in ("L898902C3", "740812", "120415", "ZE184226B<<<<<")] == [
        "6",
        "2",
        "9",
        "1",
    ]
    assert check_digit("<<<<<<<<<") == "0"


def test_icao_specimen_td3_parses_with_all_fields() -> None:
    parsed = parse_mrz(ICAO_TD3)
    assert parsed is not None and parsed.format is MrzFormat.TD3 and parsed.valid
    assert (parsed.surname, parsed.given_names, parsed.document_number) == (
        "ERIKSSON",
        "ANNA MARIA",
        "L898902C3",
    )
    assert parsed.date_of_birth(date(2026, 11, 24)) == date(1974, 8, 12)
    assert parsed.expiry_date() == date(2012, 4, 15)
    assert parsed.optional_data == "ZE184226B"


@pytest.mark.parametrize(
    ("build", "fmt"),
    [
        (td1_lines, MrzFormat.TD1),
        (td2_lines, MrzFormat.TD2),
        (td3_lines, MrzFormat.TD3),
        (lambda p: mrv_lines(p, width=44), MrzFormat.MRV_A),
        (lambda p: mrv_lines(p, width=36), MrzFormat.MRV_B),
    ],
)
@pytest.mark.parametrize("seed", range(12))
def test_generated_mrz_round_trips(build: Callable[[Person], list[str]], fmt: MrzFormat, seed: int) -> None:
    person = random_person(seed)
    parsed = parse_mrz(build(person))
    assert parsed is not None and parsed.format is fmt
    assert parsed.valid, parsed.checks
    assert parsed.document_number == person.document_number
    assert parsed.birth_yymmdd == person.date_of_birth.strftime("%y%m%d")
    assert parsed.expiry_date() == person.expiry
    assert parsed.nationality == person.nationality.strip("<")
    assert ("final" in parsed.checks) is (fmt not in (MrzFormat.MRV_A, MrzFormat.MRV_B))


@pytest.mark.parametrize(
    ("line", "col", "broken"),
    [(1, 9, "doc"), (1, 19, "dob"), (1, 27, "exp"), (1, 42, "pers"), (1, 43, "final")],
)
def test_a_wrong_check_digit_is_reported_for_its_field(line: int, col: int, broken: str) -> None:
    lines = list(ICAO_TD3)
    digit = lines[line][col]
    lines[line] = lines[line][:col] + str((int(digit) + 1) % 10) + lines[line][col + 1 :]
    parsed = parse_mrz(lines)
    assert parsed is not None
    assert broken in parsed.invalid_checks
    # Only the edited digit's own check and (for field digits) the composite fail.
    assert set(parsed.invalid_checks) <= {broken, "final"}


def test_a_changed_field_breaks_its_digit_and_the_composite() -> None:
    lines = list(td1_lines(Person()))
    lines[1] = "740813" + lines[1][6:]  # birth date changed, its digit not
    parsed = parse_mrz(lines)
    assert parsed is not None and parsed.invalid_checks == ["dob", "final"]


def test_td1_long_document_number_continues_in_optional_data() -> None:
    # Doc 9303 part 5 note j: 12-character number D23145890AB1, '<' at position 15, then the rest + its digit.
    number = "D23145890AB1"
    line1 = f"I<UTO{number[:9]}<{number[9:]}{check_digit(number)}<".ljust(30, "<")
    person = Person()
    line2 = td1_lines(person)[1][:29]
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    parsed = parse_mrz([line1, line2 + check_digit(composite), td1_lines(person)[2]])
    assert parsed is not None and parsed.valid
    assert parsed.document_number == number


def test_unused_personal_number_may_carry_filler_or_zero_digit() -> None:
    for digit in "<0":
        lines = list(td3_lines(Person()))
        lines[1] = lines[1][:42] + digit + lines[1][43:]
        parsed = parse_mrz(lines)
        assert parsed is not None and parsed.checks["pers"]


def test_shapes_that_are_not_icao_are_refused() -> None:
    assert parse_mrz(["P<UTO", "L898"]) is None
    assert parse_mrz([ICAO_TD3[0], ICAO_TD3[1][:40]]) is None
    assert parse_mrz([*ICAO_TD3, ICAO_TD3[0]]) is None


def test_names_split_on_double_filler() -> None:
    assert split_name("VAN<DER<BERG<<JAN<PIETER<<<<") == ("VAN DER BERG", "JAN PIETER")
    assert split_name("SINGLENAME<<<<<<<") == ("SINGLENAME", "")


def test_two_digit_years_pick_the_century_by_field() -> None:
    assert yymmdd_to_date("991231", pivot=26) == date(1999, 12, 31)
    assert yymmdd_to_date("051231", pivot=26) == date(2005, 12, 31)
    assert yymmdd_to_date("991331", pivot=26) is None
    assert yymmdd_to_date("99123I", pivot=26) is None


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("build", [td1_lines, td2_lines, td3_lines])
def test_ocr_confusions_are_corrected_by_field_position(build: Callable[[Person], list[str]], seed: int) -> None:
    person = random_person(seed)
    truth = build(person)
    span = 5 if build is td1_lines else 0  # the document number is left clean: see the next test
    number_line = 0 if build is td1_lines else 1
    noisy = confuse(truth, seed)
    noisy[number_line] = (
        noisy[number_line][:span] + truth[number_line][span : span + 10] + noisy[number_line][span + 10 :]
    )
    parsed = correct_mrz(noisy)
    assert parsed is not None
    assert parsed.birth_yymmdd == person.date_of_birth.strftime("%y%m%d")
    assert parsed.expiry_yymmdd == person.expiry.strftime("%y%m%d")
    assert parsed.surname.replace(" ", "") == person.surname.replace(" ", "")
    assert parsed.document_number == person.document_number and parsed.valid


def test_letter_o_read_as_zero_in_a_document_number_is_restored_by_its_check_digit() -> None:
    person = replace(Person(), document_number="XO4221795")
    truth = td3_lines(person)
    parsed = correct_mrz([truth[0], truth[1].replace("XO42", "X042")])
    assert parsed is not None and parsed.document_number == "XO4221795" and parsed.valid


def test_letter_o_read_as_zero_in_codes_and_names_is_fixed() -> None:
    noisy = [ICAO_TD3[0].replace("O", "0"), ICAO_TD3[1].replace("UTO", "UT0")]
    parsed = correct_mrz(noisy)
    assert parsed is not None and list(parsed.lines) == ICAO_TD3


def test_miscounted_filler_runs_are_refitted() -> None:
    noisy = [ICAO_TD3[0][:-3], ICAO_TD3[1].replace("<<<<<", "<<<<<<")]
    parsed = correct_mrz(noisy)
    assert parsed is not None and list(parsed.lines) == ICAO_TD3
    assert all(len(v) == 30 for v in fit_width("ABC<<<<<<<<<<DEF<<<<<<<<<<<<<<<<", 30))


def test_marks_inside_name_padding_and_stray_leading_marks_are_dropped() -> None:
    noisy = ["N" + ICAO_TD3[0][:30] + "CC" + ICAO_TD3[0][32:], ICAO_TD3[1]]
    parsed = correct_mrz(noisy)
    assert parsed is not None and list(parsed.lines) == ICAO_TD3


def test_a_passport_zone_that_lost_its_leading_p_gets_it_back_and_is_never_read_shifted() -> None:
    # Seen on the corpus's Azerbaijani passport at 3.0 px/mm (bench/text_resolution.py): the P lost, the line
    # padded at its end parsed as type 'CA', issuer 'ZEA', every digit holding (line 1 carries none).
    truth = [
        "PCAZEARGEDAS<<CEYLA<<<<<<<<<<<<<<<<<<<<<<<<<",
        "C051777748AZE7611175F2201133S2SSBW3<<<<<<<26",
    ]
    parsed = correct_mrz([truth[0][1:], truth[1]])
    assert parsed is not None and list(parsed.lines) == truth and parsed.issuing_country == "AZE"
    # A 44-character first line starting with neither P nor V is no TD3 zone, whatever its digits say.
    assert correct_mrz(["C" + truth[0][1:], truth[1]]) is None


def test_a_specimen_printed_with_a_wrong_number_digit_stays_invalid() -> None:
    # The US green-card specimen in the corpus: its document check digit is wrong as printed.
    lines = [
        "C1USA0223456791EAC9730051220<<",
        "4910040M9411014CAN<<<<<<<<<<<0",
        "CRITTENDEN<<LEE<W<<<<<<<<<<<<<",
    ]
    parsed = correct_mrz(lines)
    assert parsed is not None and list(parsed.lines) == lines
    assert parsed.invalid_checks == ["doc", "final"]


def test_clean_line_maps_chevron_lookalikes() -> None:
    assert clean_line("p<uto erik«sson (anna") == "P<UTOERIK<<SSON<ANNA"


def test_text_that_is_not_an_mrz_is_not_parsed() -> None:
    assert correct_mrz(["REPUBLIC OF UTOPIA IDENTITY CARD", "SURNAME ERIKSSON GIVEN NAMES ANNA"]) is None
    assert correct_mrz(["only one line"]) is None


def test_visa_first_letter_selects_visa_layout() -> None:
    person = replace(Person(), document_number="555123ABC")
    parsed = correct_mrz(mrv_lines(person, width=36))
    assert parsed is not None and parsed.format is MrzFormat.MRV_B and parsed.valid


def _french_card(surname: str, given: str, number: str, birth: str, sex: str) -> list[str]:
    """The two lines of a French national identity card issued before 2021 (mrz_layout._FRA_ID)."""
    line1 = f"IDFRA{surname:<<25}750123"
    line2 = f"{number}{check_digit(number)}{given:<<14}{birth}{check_digit(birth)}{sex}"
    return [line1, line2 + check_digit(line1 + line2)]


def test_french_national_card_is_read_with_its_own_fields() -> None:
    # The corpus specimen's zone (mrz_detection_imagejs/id1.jpg): as a TD2 none of its digits would hold.
    lines = ["IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<", "9409923102854CORINNE<<<<<<<6512068F4"]
    parsed = parse_mrz(lines)
    assert parsed is not None and parsed.format is MrzFormat.FRA_ID and parsed.valid
    assert set(parsed.checks) == {"doc", "dob", "final"}  # no expiry in the zone
    assert (parsed.surname, parsed.given_names, parsed.document_number, parsed.sex) == (
        "BERTHIER",
        "CORINNE",
        "940992310285",
        "F",
    )
    assert parsed.date_of_birth(date(2026, 12, 5)) == date(1965, 12, 6)
    assert parsed.expiry_date() is None and parsed.nationality == "FRA"


def test_french_card_misreads_are_undone_by_field() -> None:
    lines = _french_card("DE<LA<TOUR", "JEAN<PIERRE", "0503751A2345", "810229", "M")
    # OCR-B confusions in the letter fields (O and I read as digits), a '1' for the first I, a zero in a date.
    misread = [lines[0].replace("IDFRA", "1DFRA").replace("TOUR", "T0UR"), lines[1].replace("PIERRE", "P1ERRE")]
    misread[1] = misread[1][:27] + misread[1][27:33].replace("0", "O") + misread[1][33:]
    parsed = correct_mrz(misread)
    assert parsed is not None and parsed.format is MrzFormat.FRA_ID and parsed.valid
    assert list(parsed.lines) == lines
    assert (parsed.surname, parsed.given_names) == ("DE LA TOUR", "JEAN PIERRE")


def test_french_card_with_a_wrong_digit_fails_its_check() -> None:
    lines = _french_card("MARTIN", "CLAIRE", "120692012345", "900101", "F")
    wrong = lines[1][:33] + str((int(lines[1][33]) + 1) % 10) + lines[1][34:]
    parsed = parse_mrz([lines[0], wrong])
    assert parsed is not None and parsed.format is MrzFormat.FRA_ID
    assert parsed.checks["dob"] is False and parsed.checks["final"] is False and parsed.checks["doc"] is True


def test_a_td2_card_of_another_state_keeps_the_icao_layout() -> None:
    parsed = correct_mrz(td2_lines(Person()))
    assert parsed is not None and parsed.format is MrzFormat.TD2 and parsed.valid


def test_n_tilde_printed_in_a_name_is_read_as_printed() -> None:
    # The Spanish DNI specimen (corpus passporteye/testdata_0_id-esp.png) prints its N-tilde in the zone.
    assert clean_line("españa<<") == "ESPAÑA<<"
    lines = td1_lines(replace(Person(), surname="MUÑOZ", given_names="IÑIGO", document_number="N12345678"))
    parsed = correct_mrz(lines)
    assert parsed is not None and parsed.valid
    assert (parsed.surname, parsed.given_names) == ("MUÑOZ", "IÑIGO")
    # Anywhere but a name it is read as its Doc 9303 transliteration, N: the number's check digit then holds.
    misread = correct_mrz([lines[0].replace("N12345678", "Ñ12345678"), *lines[1:]])
    assert misread is not None and misread.valid and misread.document_number == "N12345678"
