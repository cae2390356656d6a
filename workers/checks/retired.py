"""Retired check codes. Codes are stable forever: a code once published is never removed and never reused.

PUBLISHED_PATH lists every code ever published (workers/checks/codes_published.txt). A published code that is no
longer registered must be in RETIRED, mapped to one line saying when and why it was retired and what replaced it:

    RETIRED = {"OLD_CODE": "2026-12-02: split into NEW_CODE_A and NEW_CODE_B (commit abc1234)."}

tests/test_codes_frozen.py applies frozen_code_problems to the real registry, list and mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

PUBLISHED_PATH = Path(__file__).resolve().parent / "codes_published.txt"

# No code has been retired yet: every code in the git history up to e1e886e (2026-11-24) is still registered.
RETIRED: dict[str, str] = {}


def parse_published(text: str) -> list[str]:
    """The codes of a published list, in file order: one per line; blank lines and '#' comments are skipped."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def read_published(path: Path = PUBLISHED_PATH) -> list[str]:
    return parse_published(path.read_text(encoding="utf-8"))


def frozen_code_problems(published: Iterable[str], registered: Iterable[str], retired: Mapping[str, str]) -> list[str]:
    """Why the registry breaks the frozen list of codes; empty when it does not.

    published: every code ever published; registered: the codes the engine can emit today (checks and
    CHECK_ERROR); retired: code -> why it was retired.
    """
    published_set, registered_set = set(published), set(registered)
    problems = []
    for code in sorted(published_set - registered_set - retired.keys()):
        problems.append(
            f"{code} was published but is no longer registered: a published code never disappears; mark it "
            f"retired in workers/checks/retired.py (RETIRED[{code!r}] = 'date: why, what replaced it')"
        )
    for code in sorted(registered_set & retired.keys()):
        problems.append(
            f"{code} is retired ({retired[code]}) but registered again: a retired code is never reused; "
            "give the check a new code"
        )
    for code in sorted(registered_set - published_set):
        problems.append(
            f"{code} is registered but missing from the published list: publishing a new code means adding it "
            "to workers/checks/codes_published.txt in the same change"
        )
    for code in sorted(retired.keys() - published_set):
        problems.append(
            f"{code} is marked retired but was never published: add it to workers/checks/codes_published.txt "
            "or remove it from RETIRED"
        )
    return problems
