"""Is a name, an address or a company on a page's text? Pure string code over OCR lines."""

from __future__ import annotations

import itertools
import re

from unidecode import unidecode

from workers.checks.identity.names import same_word, words

# Street-type words and their abbreviations, folded to one form: '12 Harbour Rd' meets '12 Harbour Road'.
_ABBREVIATIONS = {
    "road": "rd", "street": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "drive": "dr",
    "lane": "ln", "place": "pl", "square": "sq", "court": "ct", "apartment": "apt", "strasse": "str",
    "straße": "str", "rue": "r", "calle": "c", "via": "v", "number": "no", "nr": "no",
}  # fmt: skip
# Street-type endings of compound street names and their abbreviations ('Hauptstraße' is written
# 'Hauptstr.', 'Kerkstraat' 'Kerkstr.', 'Marktplatz' 'Marktpl.': Duden and Dutch postal usage).
_COMPOUND_ENDINGS = (("strasse", "str"), ("straat", "str"), ("platz", "pl"))
# Words that carry no address information.
_NOISE = {"the", "of", "and", "de", "la", "le", "del", "der", "van", "von"}
# Share of the address words (street, town) that must be on the page; house number and postcode always must.
# 0.6 lets one word of a five-word address be abbreviated differently or misread (calibration doc).
ADDRESS_WORD_SHARE = 0.6


def name_on_page(registered: str, lines: list[str], *, initials: bool = False) -> bool:
    """Whether one line (or two neighbouring lines) holds the registered name: every word of it, except one
    middle word when the name has three or more (bills often drop middle names). With `initials`, a given name
    may also stand as its initial ('J. Hansen' or 'HANSEN J M' for Jørgen Martin Hansen), as many utilities
    address their mail; the surname (the last word) may not."""
    wanted = words(registered)
    if not wanted:
        return False
    texts = lines + [f"{a} {b}" for a, b in itertools.pairwise(lines)]
    for text in texts:
        pool = words(text)
        found = [any(same_word(p, w) for p in pool) for w in wanted]
        if initials and len(wanted) >= 2:
            # OCR often closes the narrow gap after an initial: 'J Hansen' is read 'JHansen'.
            joined = [p for p in pool if len(p) > 2 and p[0].isalpha() and same_word(p[1:], wanted[-1])]
            letters = {p for p in pool if len(p) == 1 and p.isalpha()} | {p[0] for p in joined}
            found = [f or unidecode(w)[:1].upper() in letters for f, w in zip(found[:-1], wanted[:-1], strict=True)]
            found.append(any(same_word(p, wanted[-1]) for p in pool) or bool(joined))
        missing = len(found) - sum(found)
        if missing == 0 or (len(wanted) >= 3 and missing == 1 and found[0] and found[-1]):
            return True
    return False


def _folded(token: str) -> str:
    for ending, short in _COMPOUND_ENDINGS:
        if token.endswith(ending) and len(token) > len(ending):
            return token[: -len(ending)] + short
    return _ABBREVIATIONS.get(token, token)


def address_tokens(text: str) -> list[str]:
    plain = unidecode(text).lower()
    return [_folded(t) for t in re.split(r"[^a-z0-9]+", plain) if t and t not in _NOISE]


def _runs(tokens: list[str]) -> dict[str, range]:
    """Each run of 2-3 neighbouring tokens written together, with the positions it covers: a postcode or a
    house number is printed with or without its inner space ('1017 GC' / '1017GC', 'SW1A 2AA', '12 B')."""
    return {"".join(tokens[i : i + n]): range(i, i + n) for n in (2, 3) for i in range(len(tokens) - n + 1)}


def address_match(address: str, lines: list[str]) -> tuple[float, list[str]]:
    """(share of the address's words found, numbers missing) for `address` against the page's lines.

    Numbers (house number, postcode) must appear exactly, but for inner spaces and hyphens; words may carry
    one OCR slip (names.same_word).
    """
    page = address_tokens(" ".join(lines))
    page_set = set(page) | set(_runs(page))
    wanted = address_tokens(address)
    # Positions of the address found only written together on the page ('1017 GC' printed '1017GC').
    joined = {i for run, covered in _runs(wanted).items() if run in page_set for i in covered}
    numbers = [i for i, t in enumerate(wanted) if any(c.isdigit() for c in t)]
    word_positions = [i for i in range(len(wanted)) if i not in numbers]
    missing_numbers = [wanted[i] for i in numbers if wanted[i] not in page_set and i not in joined]
    found = sum(i in joined or any(wanted[i] == p or same_word(p, wanted[i]) for p in page) for i in word_positions)
    share = found / len(word_positions) if word_positions else 1.0
    return share, missing_numbers


def text_contains(needle: str, lines: list[str]) -> bool:
    """Whether `needle` (a company name or registration number) is on the page, ignoring case, accents,
    punctuation and spacing (a registration number may be printed with or without separators)."""
    key = re.sub(r"[^a-z0-9]", "", unidecode(needle).lower())
    page = re.sub(r"[^a-z0-9]", "", unidecode(" ".join(lines)).lower())
    return bool(key) and key in page
