"""Turn OCR text into well-shaped MRZ lines: clean characters, fit line widths, fix confusions by position.

OCR engines read the OCR-B letter O as zero (ARCHITECTURE section 5), I as 1, B as 8, S as 5, Z as 2, and
miscount long filler runs. Which reading is right depends on the field: a date holds digits, a name
holds letters.
Document numbers may hold both: there letter/digit confusions are undone only when exactly one reading makes the
check digit (and the composite digit) hold, so a specimen printed with a wrong digit is still reported invalid;
when several readings fit, the check is marked uncertain.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from difflib import SequenceMatcher

from workers.checks.identity.mrz_layout import LAYOUTS, Kind, Layout, MrzFormat, layout_for
from workers.checks.identity.mrz_parse import FILLER, ParsedMrz, parse_mrz, valid_digits

TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "J": "1", "Z": "2", "S": "5",
            "B": "8", "G": "6", "T": "7", "A": "4"}  # fmt: skip
TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "7": "T", "4": "A"}
_AS_LETTERS = str.maketrans(TO_LETTER)
DOCUMENT_CODES = "PIACV"
# The document code a 44-character zone starts with: P on a passport's data page (Doc 9303 part 4 section 4.2.2),
# V on a visa (part 7). A TD3 reading starting otherwise lost or misread its first character: the Azerbaijani
# passport of the corpus (docsaid mrzscanner_img2) read at 3.0 and 3.4 px/mm (bench/text_resolution.py) lost its
# leading P, and 'CAZEARGEDAS<<...' padded at the end parsed as type 'CA', issuer 'ZEA', every digit holding
# (line 1 has none).
TD3_CODES = {MrzFormat.TD3: "P", MrzFormat.MRV_A: "V"}
# Likeness (difflib ratio, fillers left out and digits read as the letters they are confused with) at or above
# which two lines of a reading are one line of other print read twice, not two lines of a zone: a zone's lines
# carry different fields, and every zone read on the corpus (both halves, bench/mrz_corpus.py and the DLC-2021
# frames) has its lines at most 0.39 alike, while an Estonian card's signature caption, read twice as a TD2
# (check half, est_id 01 cg0003), is 0.84 alike. 0.7 lies well between.
REPEATED_LINE = 0.7
# The Russian internal passport writes Cyrillic letters without a Latin match as digits in its MRZ names
# (Ya as 8, Che as 3: 'IM8REK<<EVGENIQ<ALEKSANDROVI3', corpus smartengines_idreader_demo/passport_rf_2.jpg):
# digits there are letters as printed, not OCR confusions.
DIGIT_NAME_ISSUERS = ("PNRUS",)
# Letter/digit pairs OCR-B recognisers confuse in fields that may hold both (document and personal numbers):
# O/0 (ARCHITECTURE section 5), and the misreads seen on real photos: S read as 5 (Japanese passport specimen
# in the corpus), D read as 0 and Z as 2 (reported in the issue "Verdicts that hold on real photos"), with the
# other classic OCR-B pairs I/1, B/8, G/6.
CONFUSABLE = {"0": "OD", "O": "0", "D": "0", "1": "I", "I": "1", "2": "Z", "Z": "2", "5": "S", "S": "5",
              "8": "B", "B": "8", "6": "G", "G": "6"}  # fmt: skip
# At most two confusions in one field: one is the common case; a third would give a 9-character number
# some 9*8*7/6 * 1.5**3 ~ 280 readings, enough for a chance fit of the check digit and the composite.
_MAX_SWAPS = 2
# Characters OCR produces for the filler chevron '<' in OCR-B.
_CHEVRONS = str.maketrans({"«": "<<", "‹": "<", "(": "<", "[": "<", "{": "<", "〈": "<", "＜": "<"})
# Letters outside the MRZ alphabet that a state prints in its zone's names anyway: the Spanish DNI keeps the
# holder's N-tilde (corpus passporteye/testdata_0_id-esp.png, ground truth 'ESPAÑOLA<ESPAÑOLA<CARMEN'), where
# Doc 9303 part 3 section 6 transliterates it to N. Read as printed in a name (names carry no check digit, so no
# digit changes); in any other field it is read as its transliteration.
NATIONAL_LETTERS = {"Ñ": "N"}
_NOT_MRZ = re.compile(r"[^A-Z0-9<Ñ]")


def clean_line(text: str) -> str:
    """Upper-case, chevron look-alikes to '<', everything outside the MRZ alphabet (and NATIONAL_LETTERS) dropped,
    spaces too."""
    return _NOT_MRZ.sub("", text.upper().translate(_CHEVRONS))


def fit_width(line: str, width: int) -> list[str]:
    """Variants of `line` with exactly `width` characters, made by growing or shrinking one filler run.

    Miscounted chevron runs are the commonest OCR width error; the caller keeps the variant whose check digits
    hold. A line with no filler run is padded or cut at its end.
    """
    if len(line) == width:
        return [line]
    runs = [m.span() for m in re.finditer(r"<+", line)]
    delta = width - len(line)
    out: list[str] = []
    for start, end in sorted(runs, key=lambda r: r[0] - r[1]):  # longest runs first
        if delta < 0 and end - start <= -delta:
            continue
        out.append(line[:start] + FILLER * (end - start + delta) + line[end:])
    if delta == -1:
        out += [line[1:], line[:-1]]  # a stray mark read at either end of the line
    if not out:
        out.append(line[:width] if delta < 0 else line + FILLER * delta)
    return out


def width_misfit(texts: list[str], width: int) -> int:
    """Characters the recognised lines are short of, or over, the format's line width, summed over the lines
    (0: every line was read at exactly its width, with nothing to refit)."""
    return sum(abs(len(clean_line(text)) - width) for text in texts)


def _fix_char(ch: str, kind: Kind, position: int) -> str:
    if ch in NATIONAL_LETTERS and kind is not Kind.ALPHA:
        return NATIONAL_LETTERS[ch]
    if kind is Kind.NUMERIC or kind is Kind.CHECK:
        return TO_DIGIT.get(ch, ch)
    if kind is Kind.ALPHA or kind is Kind.CODE or (kind is Kind.TYPE and position == 0):
        return TO_LETTER.get(ch, ch)
    if kind is Kind.TYPE and ch == "0":
        # The second character of a document code is the issuer's: letters (PO, PD, ID) or a digit (US 'C1'
        # cards), but no issuer uses zero there, so a zero is the letter O (German 'PO' Dienstpass, corpus).
        return "O"
    if kind is Kind.SEX:
        return {"H": "M", "N": "M", "E": "F", "P": "F"}.get(ch, ch)
    return ch


def fix_by_position(lines: list[str], layout: Layout) -> list[str]:
    """Correct each character towards what its field may hold (digits in dates and check digits...)."""
    chars = [list(line) for line in lines]
    typed = [(span, kind) for span, kind in layout.fields.values()]
    typed += [(where, Kind.CHECK) for _field, where in layout.checks.values()]
    if layout.composite is not None:
        typed.append((layout.composite[1], Kind.CHECK))
    digits_in_names = any(line.startswith(DIGIT_NAME_ISSUERS) for line in lines)
    for span, kind in typed:
        text = "".join(chars[span.line][span.start : span.end])
        if kind is Kind.ALPHA and digits_in_names:
            continue
        if kind is Kind.CODE and not any(c.isalpha() for c in text):
            continue  # an all-digit state code is a national quirk (Romanian ID specimen), not an OCR error
        for i in range(span.start, span.end):
            if chars[span.line][i] != FILLER:
                chars[span.line][i] = _fix_char(chars[span.line][i], kind, i - span.start)
    fixed = ["".join(c) for c in chars]
    name = layout.fields["name"][0]
    text = name.take(fixed)
    if "<<<" in text:
        # Names are written first and padded after (Doc 9303 part 3, 4.6): marks inside the padding are noise.
        cut = text.index("<<<")
        text = text[:cut] + FILLER * (len(text) - cut)
        fixed[name.line] = fixed[name.line][: name.start] + text + fixed[name.line][name.end :]
    return fixed


def _swaps(text: str, offset: int, table: dict[str, str]) -> list[tuple[int, str]]:
    return [(offset + i, alt) for i, ch in enumerate(text) for alt in table.get(ch, "")]


def _fits(candidate: ParsedMrz, name: str) -> bool:
    """The corrected field's digit holds, and so does the composite digit (a chance fit of one digit is 1 in
    10, of both 1 in 100); visas have no composite."""
    return bool(candidate.checks.get(name)) and candidate.checks.get("final", True)


def _unconfirmed(candidate: ParsedMrz, name: str) -> bool:
    """The field's digit holds but the composite cannot confirm it, another field's digit failing too."""
    others = [ok for key, ok in candidate.checks.items() if key not in (name, "final")]
    return bool(candidate.checks.get(name)) and not all(others)


def readings_that_fit(parsed: ParsedMrz, layout: Layout, name: str) -> tuple[list[ParsedMrz], bool]:
    """Readings of the field guarded by check `name` that differ from `parsed` by the fewest letter/digit
    confusions (at most _MAX_SWAPS) and make its check digit and the composite hold, and whether some reading
    makes the field's digit hold where the composite cannot tell (another field failing too)."""
    field, _where = layout.checks[name]
    span, kind = layout.fields[field]
    if kind is not Kind.ANY:
        return [], False  # dates are already forced to digits: no letter/digit confusion is left to undo
    line = parsed.lines[span.line]
    swaps = _swaps(line[span.start : span.end], span.start, CONFUSABLE)
    unconfirmed = False
    for count in range(1, _MAX_SWAPS + 1):
        found: dict[tuple[str, ...], ParsedMrz] = {}
        for chosen in itertools.combinations(swaps, count):
            if len({i for i, _alt in chosen}) < count:
                continue  # two alternatives for one character
            chars = list(line)
            for i, alt in chosen:
                chars[i] = alt
            lines = list(parsed.lines)
            lines[span.line] = "".join(chars)
            candidate = parse_mrz(lines)
            if candidate is None:
                continue
            if _fits(candidate, name):
                found[candidate.lines] = candidate
            unconfirmed = unconfirmed or _unconfirmed(candidate, name)
        if found:
            return list(found.values()), unconfirmed
    return [], unconfirmed


def correct_by_check_digit(parsed: ParsedMrz, layout: Layout) -> ParsedMrz:
    """Letter/digit confusions in fields that may hold both (document and personal numbers), undone where
    exactly one reading makes the field's check digit and the composite hold. Where several do, or one makes
    the field's digit hold while another field fails too, the check is marked uncertain (a review, not a
    fail); where none does, the field stays as read, so a specimen printed with a wrong digit is still
    reported invalid."""
    uncertain = set(parsed.uncertain)
    for name in ("doc", "pers"):
        if name not in layout.checks or parsed.checks.get(name, True):
            continue
        fitting, unconfirmed = readings_that_fit(parsed, layout, name)
        if len(fitting) == 1:
            parsed = fitting[0]
        elif fitting or unconfirmed:
            uncertain |= {name, "final"} & set(parsed.checks)
    return replace(parsed, uncertain=frozenset(uncertain)) if uncertain else parsed


def misplaced_fields(parsed: ParsedMrz) -> list[str]:
    """Fields holding characters Doc 9303 part 3 does not allow there, after the positional corrections: a date
    with a letter left in it, a nationality or issuing state that is neither letters nor a national all-digit code,
    a sex other than M, F or X, an empty document number. Seen on real photos when the recogniser took other
    print for a zone (an Estonian card's "KASUTAJA ALLKIRI / HOLDER'S SIGNATURE" read as a TD2) or shifted a line
    by a lost character; on such a reading a failing check digit says nothing about the document."""
    found = []
    for name, text in (("birth_date", parsed.birth_yymmdd), ("expiry_date", parsed.expiry_yymmdd)):
        if not set(text) <= set("0123456789" + FILLER):
            found.append(name)
    for name, code in (("nationality", parsed.nationality), ("issuing_country", parsed.issuing_country)):
        if not (code.isalpha() or code.isdigit()):
            found.append(name)  # empty (all filler) or letters and digits mixed
    if parsed.sex not in ("M", "F", "X"):
        found.append("sex")
    if not parsed.document_number:
        found.append("document_number")
    return found


def plausible(parsed: ParsedMrz) -> bool:
    """An MRZ starts with a document code P, I, A, C or V (Doc 9303 part 3, 4.2; a 44-character zone with P, or
    V on a visa: TD3_CODES), its name field holds the '<<' that ends the primary identifier (or pads a single
    name), and no two of its lines read alike."""
    name = parsed.lines[2] if len(parsed.lines) == 3 else parsed.lines[0][5:]
    codes = TD3_CODES.get(parsed.format, DOCUMENT_CODES)
    return parsed.lines[0][:1] in codes and "<<" in name and not _repeated_line(parsed.lines)


def _repeated_line(lines: tuple[str, ...]) -> bool:
    """Two of the lines alike (REPEATED_LINE): one line of other print read twice."""
    folded = [line.replace(FILLER, "").translate(_AS_LETTERS) for line in lines]
    return any(
        SequenceMatcher(None, a, b, autojunk=False).ratio() >= REPEATED_LINE
        for i, a in enumerate(folded)
        for b in folded[i + 1 :]
    )


# Reached from a TD2 or TD3 shape by the first line (mrz_layout.layout_for), never tried on their own.
_BY_FIRST_LINE = (MrzFormat.MRV_B, MrzFormat.FRA_ID)


def _shapes(count: int) -> list[Layout]:
    return [layout for layout in LAYOUTS.values() if layout.lines == count and layout.format not in _BY_FIRST_LINE]


def correct_mrz(raw_lines: list[str]) -> ParsedMrz | None:
    """The best parse of OCR lines (top to bottom) as an MRZ, or None when they cannot be shaped into one.

    Tries every width the line count allows (2 lines: 44 or 36; 3 lines: 30), every filler-run fit, corrects
    by field position, and keeps the reading with the most valid check digits (ties: the fewest width edits).
    """
    lines = [clean_line(text) for text in raw_lines]
    lines = [line for line in lines if line]
    if len(lines) not in (2, 3):
        return None
    best: tuple[int, int, ParsedMrz] | None = None
    for layout in _shapes(len(lines)):
        edits = width_misfit(lines, layout.width)
        if edits > layout.width // 4:
            continue
        options = [fit_width(line, layout.width)[:4] for line in lines]
        if lines[0][:1] not in DOCUMENT_CODES and lines[0][1:2] in DOCUMENT_CODES:
            options[0] += fit_width(lines[0][1:], layout.width)[:2]  # a mark read before the first character
        code = TD3_CODES.get(layout.format)
        if code is not None and lines[0][:1] not in TD3_CODES.values() and len(lines[0]) < layout.width:
            options[0] += fit_width(code + lines[0], layout.width)[:2]  # the document code lost at the start
        for variant in itertools.product(*options):
            fixed = list(variant)
            shape = layout
            if layout.format in (MrzFormat.TD2, MrzFormat.TD3):
                shape = layout_for(len(fixed), layout.width, fixed[0]) or layout  # a visa, the French card
            parsed = parse_mrz(fix_by_position(fixed, shape))
            if parsed is None or not plausible(parsed):
                continue
            parsed = correct_by_check_digit(parsed, shape)
            key = (valid_digits(parsed), -edits)
            if best is None or key > best[:2]:
                best = (*key, parsed)
    if best is None:
        return None
    parsed = best[2]
    if parsed.invalid_checks and misplaced_fields(parsed):
        # Not a zone read right: its failing digits are a review ("could not be read with certainty"), not a fail.
        parsed = replace(parsed, uncertain=parsed.uncertain | frozenset(parsed.invalid_checks))
    return parsed
