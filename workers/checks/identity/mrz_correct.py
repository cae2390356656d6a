"""Turn OCR text into well-shaped MRZ lines: clean characters, fit line widths, fix confusions by position.

OCR engines read the OCR-B letter O as zero (ARCHITECTURE section 5), I as 1, B as 8, S as 5, Z as 2, and
miscount long filler runs. Which reading is right depends on the field: a date holds digits, a name
holds letters.
Document numbers may hold both: there only zeros are tried as the letter O, and kept only when exactly one
choice makes the check digit hold, so a specimen printed with a wrong digit is still reported invalid.
"""

from __future__ import annotations

import itertools
import re

from workers.checks.identity.mrz_layout import LAYOUTS, Kind, Layout, MrzFormat
from workers.checks.identity.mrz_parse import FILLER, ParsedMrz, parse_mrz

TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "J": "1", "Z": "2", "S": "5",
            "B": "8", "G": "6", "T": "7", "A": "4"}  # fmt: skip
TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "7": "T", "4": "A"}
DOCUMENT_CODES = "PIACV"
_MAX_SWAPS = 4  # at most 2**4 variants of one document number are tried
# Characters OCR produces for the filler chevron '<' in OCR-B.
_CHEVRONS = str.maketrans({"«": "<<", "‹": "<", "(": "<", "[": "<", "{": "<", "〈": "<", "＜": "<"})
_NOT_MRZ = re.compile(r"[^A-Z0-9<]")


def clean_line(text: str) -> str:
    """Upper-case, chevron look-alikes to '<', everything outside the MRZ alphabet dropped (spaces too)."""
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


def _fix_char(ch: str, kind: Kind, position: int) -> str:
    if kind is Kind.NUMERIC or kind is Kind.CHECK:
        return TO_DIGIT.get(ch, ch)
    if kind is Kind.ALPHA or kind is Kind.CODE or (kind is Kind.TYPE and position == 0):
        return TO_LETTER.get(ch, ch)
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
    for span, kind in typed:
        text = "".join(chars[span.line][span.start : span.end])
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


def _swap_document_number(parsed: ParsedMrz, layout: Layout) -> ParsedMrz:
    """Letter O read as zero in a document number: try reading zeros as O, keep a reading only if exactly one
    choice of zeros makes the number's check digit hold.

    Only this confusion is searched: rapidocr reads O as 0 but not the reverse (ARCHITECTURE section 5), and
    each extra variant would be a 1-in-10 chance of "fixing" a number printed with a wrong digit.
    """
    if parsed.checks.get("doc", True):
        return parsed
    span = layout.fields["document_number"][0]
    line = parsed.lines[span.line]
    zeros = [i for i in range(span.start, span.end) if line[i] == "0"][:_MAX_SWAPS]
    valid: list[ParsedMrz] = []
    for chosen in itertools.chain.from_iterable(itertools.combinations(zeros, k) for k in range(1, len(zeros) + 1)):
        chars = list(line)
        for i in chosen:
            chars[i] = "O"
        lines = list(parsed.lines)
        lines[span.line] = "".join(chars)
        candidate = parse_mrz(lines)
        if candidate is not None and candidate.checks.get("doc"):
            valid.append(candidate)
    return valid[0] if len(valid) == 1 else parsed


def plausible(parsed: ParsedMrz) -> bool:
    """An MRZ starts with a document code P, I, A, C or V (Doc 9303 part 3, 4.2), and its name field holds the
    '<<' that ends the primary identifier (or pads a single name)."""
    name = parsed.lines[2] if len(parsed.lines) == 3 else parsed.lines[0][5:]
    return parsed.lines[0][:1] in DOCUMENT_CODES and "<<" in name


def _score(parsed: ParsedMrz) -> int:
    return sum(parsed.checks.values())


def _shapes(count: int) -> list[Layout]:
    return [layout for layout in LAYOUTS.values() if layout.lines == count and layout.format is not MrzFormat.MRV_B]


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
        edits = sum(abs(len(line) - layout.width) for line in lines)
        if edits > layout.width // 4:
            continue
        options = [fit_width(line, layout.width)[:4] for line in lines]
        if lines[0][:1] not in DOCUMENT_CODES and lines[0][1:2] in DOCUMENT_CODES:
            options[0] += fit_width(lines[0][1:], layout.width)[:2]  # a mark read before the first character
        for variant in itertools.product(*options):
            fixed = list(variant)
            shape = layout
            if fixed[0][:1] == "V" and layout.format in (MrzFormat.TD2, MrzFormat.TD3):
                shape = LAYOUTS[MrzFormat.MRV_B if layout.width == 36 else MrzFormat.MRV_A]
            parsed = parse_mrz(fix_by_position(fixed, shape))
            if parsed is None or not plausible(parsed):
                continue
            parsed = _swap_document_number(parsed, shape)
            key = (_score(parsed), -edits)
            if best is None or key > best[:2]:
                best = (*key, parsed)
    return best[2] if best else None
