"""Do two writings of a person's name name the same person? Pure string code, no I/O.

Tolerated: case, accents, both ICAO transliterations of national letters (Doc 9303 part 3 section 6: Ø as
OE or O, Ü as UE or U, Ñ as N or NXX...), other scripts (transliterated), name order, hyphens, apostrophes,
spaces inside compound names (VAN DER BERG / VANDERBERG), an extra middle name on either side, MRZ truncation,
and one OCR slip per long word. Not tolerated: a different given name (an English name, a nickname) or a
different romanisation (MUHAMMAD / MOHAMMED), which is a different registration name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import Levenshtein
from unidecode import unidecode

# Doc 9303 part 3 section 6, table of recommended transliterations with their alternatives.
_ICAO_LONG = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "Ø": "OE", "Å": "AA", "Æ": "AE", "Œ": "OE", "ß": "SS",
              "Þ": "TH", "Ñ": "NXX", "Ĳ": "IJ"}  # fmt: skip
_SEPARATORS = re.compile(r"[\s<\-‐‑–—,./_]+")
# Glyphs OCR confuses in OCR-B and sans-serif print, mapped to one representative; a name word read with such
# a slip still matches, while a real spelling difference (ZHANG / CHANG, ANNA / ANNE) does not.
_OCR_SAME = str.maketrans({"0": "O", "Q": "O", "D": "O", "1": "I", "L": "I", "J": "I", "8": "B", "5": "S",
                           "2": "Z", "6": "G", "V": "U"})  # fmt: skip
# A further dropped or doubled glyph is tolerated when a word has 8+ letters: MUHAMMAD / MOHAMMED (two
# changes) and SMITH / SMYTHE stay different; ERIKSSON read as ERIKSON still matches.
_ONE_EDIT_FROM = 8


def words(name: str) -> list[str]:
    """The name's words in upper case, split at spaces, '<', hyphens and commas; apostrophes dropped."""
    text = unicodedata.normalize("NFC", name).upper()
    text = re.sub(r"['’ʼ`´]", "", text)
    return [w for w in _SEPARATORS.split(text) if w]


@cache
def spellings(word: str) -> frozenset[str]:
    """Every A-Z spelling ICAO allows for a word: the plain one (accents off), the long one (Ü -> UE), and the
    long one folded back (UE -> U), so MULLER typed without its umlaut still meets MUELLER."""
    long_form = "".join(_ICAO_LONG.get(c, c) for c in word)
    out = {unidecode(word).upper(), unidecode(long_form).upper(), unidecode(word.replace("Ñ", "N")).upper()}
    out |= {re.sub(r"([AOU])E", r"\1", s) for s in out}
    return frozenset(re.sub(r"[^A-Z0-9]", "", s) for s in out if s)


def _ocr_form(spelling: str) -> str:
    return spelling.translate(_OCR_SAME)


def same_word(a: str, b: str, *, truncated: bool = False) -> bool:
    """Whether two words are one name word: same ICAO spelling, one OCR slip apart, or `b` cut short."""
    for x in spellings(a):
        for y in spellings(b):
            if x == y or (truncated and len(y) >= 2 and x.startswith(y)):
                return True
            if _ocr_form(x) == _ocr_form(y):
                return True
            if max(len(x), len(y)) >= _ONE_EDIT_FROM and Levenshtein.distance(_ocr_form(x), _ocr_form(y)) <= 1:
                return True
    return False


def _joins(tokens: list[str]) -> list[str]:
    """Each word and each run of 2-3 neighbouring words written together (VAN DER BERG -> VANDERBERG)."""
    out = list(tokens)
    for size in (2, 3):
        out += ["".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    return out


def _found(word: str, pool: list[str], *, truncated: bool = False) -> bool:
    return any(same_word(candidate, word, truncated=truncated) for candidate in pool)


@dataclass(frozen=True)
class NameComparison:
    same: bool
    score: float  # share of the document's name words found in the registered name, in percent
    threshold: str
    reason: str


RULE = "every surname word and at least one given name"


def compare_names(registered: str, surname: str, given_names: str, *, truncated: bool = False) -> NameComparison:
    """Compare a registered full name with a document's surname and given names (any order in `registered`).

    `truncated`: the document's name field was full, so its last word may be cut short (MRZ, part 3, 6.3).
    """
    pool = _joins(words(registered))
    family, given = words(surname), words(given_names)
    family_joined = "".join(family)
    family_ok = all(_found(w, pool) for w in family) or (bool(family) and _found(family_joined, pool))
    given_hits = [w for w in given if _found(w, pool, truncated=truncated and w == given[-1])]
    given_ok = not given or bool(given_hits)
    doc_words = family + given
    hits = sum(_found(w, pool) for w in family) + len(given_hits)
    score = round(100.0 * hits / max(len(doc_words), 1), 1)
    if family_ok and given_ok:
        return NameComparison(True, score, RULE, "same name")
    document = f"{' '.join(family)}, {' '.join(given)}".strip(", ")
    missing = "surname" if not family_ok else "given name"
    reason = f"the {missing} on the document ('{document}') is not in the registered name '{registered}'"
    return NameComparison(False, score, RULE, reason)
